package io.director.dsl.verb;

/** {@code CACHEFILE PATH}: load a YAML or JSON file on the node into its ARGs. */
public final class CachefileVerb extends SimpleVerb {

    public static final String NAME = "CACHEFILE";

    public CachefileVerb() {
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
