package io.director.dsl.verb;

import java.util.List;

/** {@code RUN [--retry N] COMMAND}: a shell command run with {@code /bin/sh -c} on the node. */
public final class RunVerb implements Verb {

    public static final String NAME = "RUN";
    public static final String RETRY = "retry";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.count(RETRY, true, 0L));
    }

    @Override
    public Payload payload() {
        return Payload.REQUIRED;
    }
}
