package io.director.dsl.verb;

/** {@code WAIT --seconds S | --url URL | --cmd COMMAND [--retry N] [--retry-wait S]}: sleep, or poll until ready. */
public final class WaitVerb extends SimpleVerb {

    public static final String NAME = "WAIT";

    public WaitVerb() {
        super(NAME, Payload.NONE,
                OptionSpec.decimal("seconds", true),
                OptionSpec.text("url", true),
                OptionSpec.text("cmd", true),
                OptionSpec.count("retry", true, null),
                OptionSpec.decimal("retry-wait", true));
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
