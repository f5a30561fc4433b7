package io.director.dsl.verb;

import java.util.ArrayList;
import java.util.List;

/**
 * One verb of the job language: its name, the options it accepts beyond {@link CommonOptions},
 * whether it needs a payload, and any checks of its own. Implementations are stateless and
 * listed once in {@link VerbRegistry}; the node-side executor is registered by the client.
 */
public interface Verb {

    /** Whether a payload must, may or must not follow the options. */
    enum Payload { REQUIRED, OPTIONAL, NONE }

    /** Upper-case name as written in job lines, e.g. {@code RUN}. */
    String name();

    /** Options of this verb only; never null. */
    List<OptionSpec> options();

    Payload payload();

    /** The options every verb takes followed by this verb's own: everything a line may use. */
    default List<OptionSpec> allOptions() {
        List<OptionSpec> all = new ArrayList<>(CommonOptions.ALL);
        all.addAll(options());
        return List.copyOf(all);
    }

    /**
     * Checks beyond option syntax, run by {@link JobParser} on every definition it makes. An
     * error in the payload is thrown with {@link DslException#inPayload} (column within the
     * payload, one past its end when something is missing); one about an option with
     * {@link DslException#ofOption} or {@link DslException#ofOptionValue}. The parser turns
     * both into columns of the argument string.
     */
    default void validate(JobDefinition definition) throws DslException {
    }

    /** True for verbs that run every time, whatever the node's cache says. */
    default boolean alwaysRuns() {
        return false;
    }

    /**
     * True for verbs that run every time but change nothing outside the node's variables
     * (ARG, ENV, CACHEFILE, QUERY, ECHO, WAIT): {@code --plan} reports them as {@code always}.
     */
    default boolean changesOnlyVariables() {
        return false;
    }
}
