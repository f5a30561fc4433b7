package io.director.dsl.verb;

/** {@code ADD [--chown U[:G]] [--chmod MODE] [--blueprint] SRC… DEST}: transfer files from the server host. */
public final class AddVerb extends SimpleVerb {

    public static final String NAME = "ADD";

    public AddVerb() {
        super(NAME, Payload.REQUIRED,
                OptionSpec.text("chown", true),
                OptionSpec.text("chmod", true),
                OptionSpec.flag("blueprint", true));
    }
}
