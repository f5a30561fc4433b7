package io.director.dsl.verb;

/**
 * {@code ARG [--extend-args] KEY VALUE}: store a template variable (YAML scalar, list or map) on
 * the node. KEY is a literal name ({@code [A-Za-z_][A-Za-z0-9_]*}) other than the read-only
 * {@code node}; VALUE is the rest of the payload, at least one word, and may be a template.
 */
public final class ArgVerb extends SimpleVerb {

    public static final String NAME = "ARG";
    public static final String EXTEND_ARGS = "extend-args";

    /** The template variable every node sets itself (identity, labels). */
    public static final String READ_ONLY_KEY = "node";

    public ArgVerb() {
        super(NAME, Payload.REQUIRED, Runs.ALWAYS_VARIABLES_ONLY,
                OptionSpec.flag(EXTEND_ARGS, true));
    }

    @Override
    public void validate(JobDefinition definition) throws DslException {
        VerbChecks.checkKeyValue(NAME, definition, READ_ONLY_KEY);
    }
}
