package io.director.dsl.verb;

/** {@code COPY}: the same as {@link AddVerb ADD}, options and rules included. */
public final class CopyVerb extends SimpleVerb {

    public static final String NAME = "COPY";

    public CopyVerb() {
        super(NAME, Payload.REQUIRED,
                OptionSpec.text(AddVerb.CHOWN, true),
                OptionSpec.text(AddVerb.CHMOD, true),
                OptionSpec.flag(AddVerb.BLUEPRINT, true));
    }

    @Override
    public void validate(JobDefinition definition) throws DslException {
        VerbChecks.checkTransfer(NAME, definition);
    }
}
