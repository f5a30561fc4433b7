package io.director.dsl.verb;

/**
 * {@code WORKDIR [--chown U[:G]] [--chmod MODE] PATH}: create a directory and its parents on the
 * node. PATH is one word; it may hold templates ({@code /srv/{{ node.identity }}}).
 */
public final class WorkdirVerb extends SimpleVerb {

    public static final String NAME = "WORKDIR";

    public WorkdirVerb() {
        super(NAME, Payload.REQUIRED,
                OptionSpec.text(AddVerb.CHOWN, true),
                OptionSpec.text(AddVerb.CHMOD, true));
    }

    @Override
    public void validate(JobDefinition definition) throws DslException {
        VerbChecks.checkOneWord(NAME, "one path", " (quote a path that contains blanks)", definition);
        VerbChecks.checkOwnerAndMode(definition);
    }
}
