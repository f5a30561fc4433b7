package io.director.dsl.verb;

/**
 * {@code ENV KEY VALUE}: store an environment variable for later {@code RUN}s on the node. KEY
 * is a literal name ({@code [A-Za-z_][A-Za-z0-9_]*}); VALUE is the rest of the payload.
 */
public final class EnvVerb extends SimpleVerb {

    public static final String NAME = "ENV";

    public EnvVerb() {
        super(NAME, Payload.REQUIRED, Runs.ALWAYS_VARIABLES_ONLY);
    }

    @Override
    public void validate(JobDefinition definition) throws DslException {
        VerbChecks.checkKeyValue(NAME, definition, null);
    }
}
