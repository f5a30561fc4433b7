package io.director.client.exec;

import io.director.client.template.TemplateRenderer;
import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.JobParser;
import io.director.dsl.wire.Job;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class CacheKeyTest {

    private static final TemplateRenderer TEMPLATES = new TemplateRenderer();

    private static String key(String verb, String line, Map<String, Object> variables) throws Exception {
        JobDefinition definition = JobParser.standard().parse(verb, line);
        Job job = new Job("j", "j", null, definition, Fingerprint.of(definition));
        return RenderedJob.of(job, TEMPLATES, variables).cacheKey();
    }

    @Test
    void nameAndSkipCacheDoNotChangeWhatTheCacheRemembersAJobBy() throws Exception {
        String plain = key("RUN", "echo {{ x }}", Map.of("x", 1));
        assertEquals(plain, key("RUN", "--skip-cache --name other echo {{ x }}", Map.of("x", 1)));
        assertNotEquals(plain, key("RUN", "--timeout 5 echo {{ x }}", Map.of("x", 1)));
    }

    @Test
    void aChangedVariableTheJobRendersWithChangesTheKey() throws Exception {
        assertNotEquals(key("RUN", "echo {{ x }}", Map.of("x", 1)), key("RUN", "echo {{ x }}", Map.of("x", 2)));
        assertEquals(key("RUN", "echo hi", Map.of("x", 1)), key("RUN", "echo hi", Map.of("x", 2)));
    }

    @Test
    void aBlueprintIsKeyedByEveryVariableItsFileMayUse() throws Exception {
        String line = "--blueprint /srv/motd.j2 /etc/motd";
        assertNotEquals(key("ADD", line, Map.of("motd_text", "a")), key("ADD", line, Map.of("motd_text", "b")));
        assertEquals(key("ADD", "/srv/motd /etc/motd", Map.of("x", "a")), key("ADD", "/srv/motd /etc/motd",
                Map.of("x", "b")), "a plain file does not read variables");
    }

    @Test
    void repeatableOptionsAreRenderedLikeTheOthers() throws Exception {
        JobDefinition definition = JobParser.standard().parse("JAIL",
                "--template busybox --mount {{ base }}/www:/www:ro --env SITE={{ site }} create web");
        Job job = new Job("j", "j", null, definition, Fingerprint.of(definition));
        JobDefinition rendered = RenderedJob.of(job, TEMPLATES, Map.of("base", "/srv", "site", "a")).job().definition();
        assertEquals(java.util.List.of("/srv/www:/www:ro"), rendered.list("mount"));
        assertEquals(java.util.List.of("SITE=a"), rendered.list("env"));
    }

    /**
     * Nodes keep these keys across upgrades: a key computed differently makes every cached job
     * run once more. Pinned to the values the keys had when first computed this way.
     */
    @Test
    void keysStayTheSameAcrossVersions() {
        JobDefinition plain = new JobDefinition("RUN", Map.of(), "echo hi");
        assertEquals("8032e1489be8656b607b7c7430f84fc50214b0b08e075089ab43713f",
                CacheKey.of("fp", plain, java.util.List.of(), Map.of()));
        assertEquals("1d87cf07ef533435230f05819329f2692517ab2ed7a71413c3da31b8",
                CacheKey.of("fp", plain, java.util.List.of(), Map.of("a", 1)));
    }
}
