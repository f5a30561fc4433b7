package io.director.dsl.verb;

/** {@code ARG [--extend-args] KEY VALUE}: store a template variable (YAML scalar, list or map) on the node. */
public final class ArgVerb extends SimpleVerb {

    public static final String NAME = "ARG";

    public ArgVerb() {
        super(NAME, Payload.REQUIRED,
                OptionSpec.flag("extend-args", true));
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
