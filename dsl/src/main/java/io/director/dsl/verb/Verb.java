package io.director.dsl.verb;

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

    /** Checks beyond option syntax; throws with a column when the definition cannot run. */
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
