package io.director.dsl.verb;

/** {@code COPY}: the same as {@link AddVerb ADD}. */
public final class CopyVerb extends SimpleVerb {

    public static final String NAME = "COPY";

    public CopyVerb() {
        super(NAME, Payload.REQUIRED,
                OptionSpec.text("chown", true),
                OptionSpec.text("chmod", true),
                OptionSpec.flag("blueprint", true));
    }
}
