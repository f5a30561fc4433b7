package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import static io.director.dsl.verb.VerbAssertions.accepts;
import static io.director.dsl.verb.VerbAssertions.rejects;

class CacheEvictVerbTest {

    private static final String FINGERPRINT = "0123456789abcdef0123456789abcdef0123456789abcdef01234567";

    @Test
    void acceptsEveryPartOfTheCache() {
        accepts("CACHEEVICT", "all");
        accepts("CACHEEVICT", "args");
        accepts("CACHEEVICT", "envs");
        accepts("CACHEEVICT", "--run-once jobs");
    }

    @Test
    void acceptsAFingerprintOrATemplate() {
        accepts("CACHEEVICT", FINGERPRINT);
        accepts("CACHEEVICT", "{{ query.node1.fingerprint }}");
    }

    @Test
    void rejectsAnythingElse() {
        String message = "CACHEEVICT needs all, args, envs, jobs or a fingerprint (56 lower-case hex digits), got '%s'";
        rejects("CACHEEVICT", "everything", message.formatted("everything"), 1);
        rejects("CACHEEVICT", "ALL", message.formatted("ALL"), 1);
        rejects("CACHEEVICT", "--skip-cache " + FINGERPRINT.substring(1),
                message.formatted(FINGERPRINT.substring(1)), 14);
        rejects("CACHEEVICT", FINGERPRINT.toUpperCase(java.util.Locale.ROOT),
                message.formatted(FINGERPRINT.toUpperCase(java.util.Locale.ROOT)), 1);
    }

    @Test
    void rejectsASecondWord() {
        rejects("CACHEEVICT", "args envs",
                "CACHEEVICT takes exactly one of all, args, envs, jobs or a fingerprint, found another word 'envs'", 6);
    }
}
