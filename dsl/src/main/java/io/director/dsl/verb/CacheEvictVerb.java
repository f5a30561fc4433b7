package io.director.dsl.verb;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code CACHEEVICT all|args|envs|jobs|FINGERPRINT}: clear that part of the node's cache. A
 * fingerprint is written as {@code orchestrate --finger-print} prints it (56 lower-case hex
 * digits); a payload holding a template is accepted, as its value is known only on the node.
 */
public final class CacheEvictVerb extends SimpleVerb {

    public static final String NAME = "CACHEEVICT";

    /** The parts of the cache that can be cleared by name. */
    public static final Set<String> PARTS = Set.of("all", "args", "envs", "jobs");

    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{56}");

    public CacheEvictVerb() {
        super(NAME, Payload.REQUIRED, Runs.ALWAYS);
    }

    @Override
    public void validate(JobDefinition definition) throws DslException {
        ShellWords.Word what = VerbChecks.checkOneWord(NAME,
                "one of all, args, envs, jobs or a fingerprint", "", definition);
        String text = what.text();
        if (!PARTS.contains(text) && !FINGERPRINT.matcher(text).matches() && !VerbChecks.hasTemplate(text)) {
            throw DslException.inPayload(NAME + " needs all, args, envs, jobs or a fingerprint"
                    + " (56 lower-case hex digits), got '" + text + "'", what.start() + 1);
        }
    }
}
