package io.director.dsl.verb;

import java.util.List;

/**
 * Base for verbs whose rules are a name, options and a payload rule; subclasses override
 * {@link #validate} for their own checks. Keeps each verb's class to what is special about it.
 */
abstract class SimpleVerb implements Verb {

    /** When a verb's jobs run on a node. */
    enum Runs {
        /** Unless the node's cache says the same job with the same inputs succeeded. */
        UNLESS_CACHED,
        /** Every time (and {@code --plan} says {@code run}). */
        ALWAYS,
        /** Every time, changing only the node's variables ({@code --plan} says {@code always}). */
        ALWAYS_VARIABLES_ONLY
    }

    private final String name;
    private final List<OptionSpec> options;
    private final Payload payload;
    private final Runs runs;

    SimpleVerb(String name, Payload payload, OptionSpec... options) {
        this(name, payload, Runs.UNLESS_CACHED, options);
    }

    SimpleVerb(String name, Payload payload, Runs runs, OptionSpec... options) {
        this.name = name;
        this.options = List.of(options);
        this.payload = payload;
        this.runs = runs;
    }

    @Override
    public final boolean alwaysRuns() {
        return runs != Runs.UNLESS_CACHED;
    }

    @Override
    public final boolean changesOnlyVariables() {
        return runs == Runs.ALWAYS_VARIABLES_ONLY;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<OptionSpec> options() {
        return options;
    }

    @Override
    public final Payload payload() {
        return payload;
    }
}
