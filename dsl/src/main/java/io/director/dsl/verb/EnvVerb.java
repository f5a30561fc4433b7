package io.director.dsl.verb;

/** {@code ENV KEY VALUE}: store an environment variable for later {@code RUN}s on the node. */
public final class EnvVerb extends SimpleVerb {

    public static final String NAME = "ENV";

    public EnvVerb() {
        super(NAME, Payload.REQUIRED);
    }

    @Override
    public boolean alwaysRuns() {
        return true;
    }

    @Override
    public boolean changesOnlyVariables() {
        return true;
    }
}
