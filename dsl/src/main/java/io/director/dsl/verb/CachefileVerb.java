package io.director.dsl.verb;

/** {@code CACHEFILE PATH}: load a YAML or JSON file on the node into its ARGs. PATH is one word. */
public final class CachefileVerb extends SimpleVerb {

    public static final String NAME = "CACHEFILE";

    public CachefileVerb() {
        super(NAME, Payload.REQUIRED, Runs.ALWAYS_VARIABLES_ONLY);
    }

    @Override
    public void validate(JobDefinition definition) throws DslException {
        VerbChecks.checkOneWord(NAME, "one path", " (quote a path that contains blanks)", definition);
    }
}
