package io.director.dsl.verb;

/** {@code RUN [--retry N] COMMAND}: a shell command run with {@code /bin/sh -c} on the node. */
public final class RunVerb extends SimpleVerb {

    public static final String NAME = "RUN";
    public static final String RETRY = "retry";

    public RunVerb() {
        super(NAME, Payload.REQUIRED, OptionSpec.count(RETRY, true, 0L));
    }
}
