package io.director.client.cache;

import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.JobParser;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.JobResult;
import io.director.dsl.wire.NodeState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeVariablesTest {

    @TempDir
    Path dir;

    private static String succeed(NodeCache cache, String id, String command) throws Exception {
        JobDefinition definition = JobParser.standard().parse("RUN", command);
        Job job = new Job(id, id, null, definition, Fingerprint.of(definition));
        cache.receiveAll(List.of(job), 1);
        cache.finish(new JobResult(id, NodeState.SUCCESS, 0, "", "", null, 0, 1, 2), job.fingerprint());
        return job.fingerprint();
    }

    @Test
    void argsAndEnvsSurviveReopeningTheCache() {
        try (NodeCache cache = NodeCache.open(dir)) {
            NodeVariables variables = new NodeVariables(cache);
            variables.setArg("greeting", "hello");
            variables.setArg("ports", List.of(80, 443));
            variables.setArg("db", Map.of("host", "db1", "port", 5432));
            variables.setArg("debug", true);
            variables.setArg("ratio", 0.5);
            variables.setArg("unset", null);
            variables.setEnv("HTTP_PROXY", "http://proxy:3128");
        }
        try (NodeCache reopened = NodeCache.open(dir)) {
            NodeVariables variables = new NodeVariables(reopened);
            assertEquals("hello", variables.arg("greeting"));
            assertEquals(List.of(80, 443), variables.arg("ports"));
            assertEquals(Map.of("host", "db1", "port", 5432), variables.arg("db"));
            assertEquals(true, variables.arg("debug"));
            assertEquals(0.5, variables.arg("ratio"));
            assertTrue(variables.args().containsKey("unset"));
            assertNull(variables.args().get("unset"));
            assertEquals(Map.of("HTTP_PROXY", "http://proxy:3128"), variables.envs());
        }
    }

    @Test
    void settingAnArgAgainReplacesIt() {
        try (NodeCache cache = NodeCache.open(dir)) {
            NodeVariables variables = new NodeVariables(cache);
            variables.setArg("greeting", "hello");
            variables.setArg("greeting", List.of("hi"));
            assertEquals(Map.of("greeting", List.of("hi")), variables.args());
        }
    }

    @Test
    void extendingConcatenatesListsMergesMapsAndSetsWhatIsAbsent() {
        try (NodeCache cache = NodeCache.open(dir)) {
            NodeVariables variables = new NodeVariables(cache);
            variables.extendArg("packages", List.of("wget"));
            variables.extendArg("packages", List.of("curl", "git"));
            assertEquals(List.of("wget", "curl", "git"), variables.arg("packages"));

            variables.setArg("db", Map.of("host", "db1", "port", 5432));
            variables.extendArg("db", Map.of("port", 6432, "user", "app"));
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("host", "db1");
            expected.put("port", 6432);
            expected.put("user", "app");
            assertEquals(expected, variables.arg("db"));
        }
    }

    @Test
    void extendingAListWithAMapIsRejectedAndChangesNothing() {
        try (NodeCache cache = NodeCache.open(dir)) {
            NodeVariables variables = new NodeVariables(cache);
            variables.setArg("packages", List.of("wget"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> variables.extendArg("packages", Map.of("a", 1)));
            assertEquals("cannot extend ARG 'packages': it holds a list and the new value is a map; "
                    + "both must be lists or both maps", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> variables.extendArg("packages", "curl"));
            assertEquals(List.of("wget"), variables.arg("packages"));
        }
    }

    @Test
    void environmentIsTheDaemonsWithStoredEnvsWinning() {
        String path = System.getenv("PATH");
        try (NodeCache cache = NodeCache.open(dir)) {
            NodeVariables variables = new NodeVariables(cache);
            variables.setEnv("DIRECTOR_TEST_ENV", "one");
            Map<String, String> environment = variables.environment();
            assertEquals("one", environment.get("DIRECTOR_TEST_ENV"));
            assertEquals(path, environment.get("PATH"));
            variables.setEnv("PATH", "/opt/bin");
            assertEquals("/opt/bin", variables.environment().get("PATH"));
        }
    }

    @Test
    void badNamesAndTheReadOnlyNodeVariableAreRejected() {
        try (NodeCache cache = NodeCache.open(dir)) {
            NodeVariables variables = new NodeVariables(cache);
            assertEquals("ARG name 'my-key' is not valid: use letters, digits and _, not starting with a digit",
                    assertThrows(IllegalArgumentException.class, () -> variables.setArg("my-key", 1)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> variables.setEnv("A=B", "x"));
            assertThrows(IllegalArgumentException.class, () -> variables.setArg("node", "x"));
            assertThrows(IllegalArgumentException.class,
                    () -> variables.setArgs(Map.of("good", 1, "node", 2)));
            assertTrue(variables.args().isEmpty(), "a rejected batch stores nothing");
        }
    }

    @Test
    void templateContextHasTheArgsAndAReadOnlyNodeMap() {
        try (NodeCache cache = NodeCache.open(dir)) {
            NodeVariables variables = new NodeVariables(cache);
            variables.setArg("greeting", "hello");
            Map<String, Object> context = variables.templateContext("n1", Map.of("role", "web"));
            assertEquals("hello", context.get("greeting"));
            assertEquals(Map.of("identity", "n1", "labels", Map.of("role", "web")), context.get("node"));
            assertThrows(UnsupportedOperationException.class, () -> context.put("node", "x"));
            @SuppressWarnings("unchecked")
            Map<String, Object> node = (Map<String, Object>) context.get("node");
            assertThrows(UnsupportedOperationException.class, () -> node.put("identity", "other"));
        }
    }

    @Test
    void evictingArgsEnvsAndJobsClearsOnlyThatPart() throws Exception {
        try (NodeCache cache = NodeCache.open(dir)) {
            NodeVariables variables = new NodeVariables(cache);
            variables.setArg("a", 1);
            variables.setArg("b", 2);
            variables.setEnv("E", "x");
            String fingerprint = succeed(cache, "j1", "echo one");

            assertEquals("evicted 2 ARGs", variables.evict("args"));
            assertTrue(variables.args().isEmpty());
            assertEquals(Map.of("E", "x"), variables.envs());
            assertTrue(cache.succeededBefore(fingerprint));

            assertEquals("evicted 1 ENV", variables.evict("envs"));
            assertTrue(variables.envs().isEmpty());
            assertEquals("evicted 1 cached job", variables.evict("jobs"));
            assertFalse(cache.succeededBefore(fingerprint));
        }
    }

    @Test
    void evictingAllClearsArgsEnvsAndJobs() throws Exception {
        try (NodeCache cache = NodeCache.open(dir)) {
            NodeVariables variables = new NodeVariables(cache);
            variables.setArg("a", 1);
            variables.setEnv("E", "x");
            String one = succeed(cache, "j1", "echo one");
            String two = succeed(cache, "j2", "echo two");
            assertEquals("evicted 1 ARG, 1 ENV and 2 cached jobs", variables.evict("all"));
            assertTrue(variables.args().isEmpty());
            assertTrue(variables.envs().isEmpty());
            assertFalse(cache.succeededBefore(one));
            assertFalse(cache.succeededBefore(two));
        }
    }

    @Test
    void evictingAFingerprintForgetsOnlyThatJob() throws Exception {
        try (NodeCache cache = NodeCache.open(dir)) {
            NodeVariables variables = new NodeVariables(cache);
            String one = succeed(cache, "j1", "echo one");
            String two = succeed(cache, "j2", "echo two");
            assertEquals("evicted the cached job " + one, variables.evict(one.toUpperCase()));
            assertFalse(cache.succeededBefore(one));
            assertTrue(cache.succeededBefore(two));
            assertEquals("no cached job has fingerprint " + one, variables.evict(one));
        }
    }

    @Test
    void evictingAFingerprintForgetsTheJobUnderWhateverCacheKeyItsInputsGave() throws Exception {
        try (NodeCache cache = NodeCache.open(dir)) {
            JobDefinition definition = JobParser.standard().parse("RUN", "echo {{ greeting }}");
            Job job = new Job("j1", "j1", null, definition, Fingerprint.of(definition));
            cache.receiveAll(List.of(job), 1);
            String cacheKey = "0".repeat(56);
            cache.finish(new JobResult("j1", NodeState.SUCCESS, 0, "", "", null, 0, 1, 2), cacheKey);
            assertEquals("evicted the cached job " + job.fingerprint(),
                    new NodeVariables(cache).evict(job.fingerprint()));
            assertFalse(cache.succeededBefore(cacheKey));
        }
    }

    @Test
    void evictingAnUnknownTargetIsRejected() {
        try (NodeCache cache = NodeCache.open(dir)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new NodeVariables(cache).evict("everything"));
            assertEquals("unknown CACHEEVICT target 'everything': use all, args, envs, jobs or a job fingerprint "
                    + "(56 hex digits)", e.getMessage());
        }
    }
}
