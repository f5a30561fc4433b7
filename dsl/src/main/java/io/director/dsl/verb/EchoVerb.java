package io.director.dsl.verb;

/** {@code ECHO TEXT}: return the (rendered) text as stdout. */
public final class EchoVerb extends SimpleVerb {

    public static final String NAME = "ECHO";

    public EchoVerb() {
        super(NAME, Payload.OPTIONAL, Runs.ALWAYS_VARIABLES_ONLY);
    }
}
