package io.director.dsl.verb;

import java.util.Objects;

/**
 * One {@code --option} a verb accepts.
 *
 * @param name          the option's name without the leading dashes, e.g. {@code timeout}
 * @param kind          whether it is a flag or takes a value, and of which type
 * @param fingerprinted whether it changes what the job does (and so its fingerprint)
 * @param defaultValue  the value when absent (null: absent); an option given with its default
 *                      value is dropped from the canonical form
 */
public record OptionSpec(String name, Kind kind, boolean fingerprinted, Object defaultValue) {

    /** How an option is written and what its value is. */
    public enum Kind {
        /** {@code --flag}: present means true. */
        FLAG,
        /** {@code --n 5}: a whole number, 0 or more. */
        COUNT,
        /** {@code --seconds 0.5}: a decimal number, 0 or more. */
        DECIMAL,
        /** {@code --text value}. */
        TEXT,
        /** {@code --mount a --mount b}: repeatable, kept in order as a list. */
        LIST
    }

    public OptionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }

    public static OptionSpec flag(String name, boolean fingerprinted) {
        return new OptionSpec(name, Kind.FLAG, fingerprinted, null);
    }

    public static OptionSpec count(String name, boolean fingerprinted, Long defaultValue) {
        return new OptionSpec(name, Kind.COUNT, fingerprinted, defaultValue);
    }

    public static OptionSpec decimal(String name, boolean fingerprinted) {
        return new OptionSpec(name, Kind.DECIMAL, fingerprinted, null);
    }

    public static OptionSpec text(String name, boolean fingerprinted) {
        return new OptionSpec(name, Kind.TEXT, fingerprinted, null);
    }

    public static OptionSpec list(String name, boolean fingerprinted) {
        return new OptionSpec(name, Kind.LIST, fingerprinted, null);
    }

    /** Whether the option needs a value after it. */
    public boolean takesValue() {
        return kind != Kind.FLAG;
    }
}
