package io.director.dsl.verb;

/**
 * {@code ADD [--chown U[:G]] [--chmod MODE] [--blueprint] SRC… DEST}: transfer files from the
 * server host. With several sources or a glob, DEST must be a directory (end with '/').
 */
public final class AddVerb extends SimpleVerb {

    public static final String NAME = "ADD";
    public static final String CHOWN = VerbChecks.CHOWN;
    public static final String CHMOD = VerbChecks.CHMOD;
    public static final String BLUEPRINT = "blueprint";

    public AddVerb() {
        super(NAME, Payload.REQUIRED,
                OptionSpec.text(CHOWN, true),
                OptionSpec.text(CHMOD, true),
                OptionSpec.flag(BLUEPRINT, true));
    }

    @Override
    public void validate(JobDefinition definition) throws DslException {
        VerbChecks.checkTransfer(NAME, definition);
    }
}
