package io.director.dsl.verb;

/** {@code QUERY NAME}: every target answers its ARG NAME; all then get ARG {@code query} = {node: {NAME: value}}. */
public final class QueryVerb extends SimpleVerb {

    public static final String NAME = "QUERY";

    public QueryVerb() {
        super(NAME, Payload.REQUIRED);
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
