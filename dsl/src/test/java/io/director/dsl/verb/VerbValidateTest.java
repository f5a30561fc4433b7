package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Verb#validate} on definitions that did not come from the parser (decoded from the wire,
 * built by hand): columns count within the payload, and option errors name their option.
 */
class VerbValidateTest {

    private static DslException invalid(Verb verb, Map<String, Object> options, String payload) {
        return assertThrows(DslException.class,
                () -> verb.validate(new JobDefinition(verb.name(), options, payload)));
    }

    @Test
    void keyValueVerbsNeedAKeyAndAValueEvenWithAnEmptyPayload() {
        DslException arg = invalid(new ArgVerb(), Map.of(), "");
        assertEquals("ARG needs a key and a value", arg.getMessage());
        assertEquals(1, arg.column());
        DslException env = invalid(new EnvVerb(), Map.of(), "");
        assertEquals("ENV needs a key and a value", env.getMessage());
        assertEquals(1, env.column());
    }

    @Test
    void oneWordVerbsNeedTheirWordEvenWithAnEmptyPayload() {
        assertEquals("WORKDIR needs one path", invalid(new WorkdirVerb(), Map.of(), "").getMessage());
        assertEquals("CACHEFILE needs one path", invalid(new CachefileVerb(), Map.of(), "").getMessage());
        assertEquals("QUERY needs one ARG name", invalid(new QueryVerb(), Map.of(), "").getMessage());
        DslException evict = invalid(new CacheEvictVerb(), Map.of(), "");
        assertEquals("CACHEEVICT needs one of all, args, envs, jobs or a fingerprint", evict.getMessage());
        assertEquals(1, evict.column());
    }

    @Test
    void transferVerbsNeedASourceAndADestinationEvenWithAnEmptyPayload() {
        DslException e = invalid(new CopyVerb(), Map.of(), "");
        assertEquals("COPY needs a source and a destination, found nothing", e.getMessage());
        assertEquals(1, e.column());
    }

    @Test
    void payloadErrorsCountColumnsWithinThePayload() {
        DslException e = invalid(new WorkdirVerb(), Map.of(), "/a /b");
        assertEquals(4, e.column());
        assertEquals(Optional.empty(), e.option());
    }

    @Test
    void optionErrorsNameTheOptionAndWhetherItsValueIsAtFault() {
        DslException mode = invalid(new AddVerb(), Map.of("chmod", "999"), "a /b");
        assertEquals(Optional.of("chmod"), mode.option());
        assertTrue(mode.aboutValue());
        assertEquals(0, mode.column());

        DslException retry = invalid(new WaitVerb(), Map.of("seconds", 1.0, "retry", 2L), "");
        assertEquals(Optional.of("retry"), retry.option());
        assertFalse(retry.aboutValue());
    }

    @Test
    void theParserPlacesOptionErrorsAtTheOptionAndKeepsItsName() {
        DslException e = assertThrows(DslException.class,
                () -> JobParser.standard().parse("WORKDIR", "--chown root --chmod 8 /srv"));
        assertEquals(14, e.column());
        assertEquals(Optional.of("chmod"), e.option());
        assertTrue(e.aboutValue());
    }
}
