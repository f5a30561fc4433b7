package io.director.dsl.verb;

/** {@code WORKDIR [--chown U[:G]] [--chmod MODE] PATH}: create a directory and its parents on the node. */
public final class WorkdirVerb extends SimpleVerb {

    public static final String NAME = "WORKDIR";

    public WorkdirVerb() {
        super(NAME, Payload.REQUIRED,
                OptionSpec.text("chown", true),
                OptionSpec.text("chmod", true));
    }
}
