package io.director.dsl.verb;

/**
 * {@code QUERY NAME}: every target answers its ARG NAME; all then get ARG {@code query} =
 * {node: {NAME: value}}. NAME follows the rule of ARG keys and cannot be a template.
 */
public final class QueryVerb extends SimpleVerb {

    public static final String NAME = "QUERY";

    public QueryVerb() {
        super(NAME, Payload.REQUIRED, Runs.ALWAYS_VARIABLES_ONLY);
    }

    @Override
    public void validate(JobDefinition definition) throws DslException {
        ShellWords.Word name = VerbChecks.checkOneWord(NAME, "one ARG name", "", definition);
        VerbChecks.checkName(NAME + " name", name);
    }
}
