package io.director.client.exec;

import io.director.client.cache.NodeCache;
import io.director.client.cache.NodeVariables;
import io.director.dsl.wire.NodeState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheEvictExecutorTest {

    @TempDir
    Path dir;

    @Test
    void evictingArgsReportsWhatWasRemovedAndKeepsEnvs() throws Exception {
        try (NodeCache cache = NodeCache.open(dir)) {
            NodeVariables variables = new NodeVariables(cache);
            variables.setArg("a", 1);
            variables.setEnv("E", "x");
            Execution evict = new CacheEvictExecutor().execute(TestJobs.context(variables, "CACHEEVICT", "args"));
            assertEquals(NodeState.SUCCESS, evict.state());
            assertEquals("evicted 1 ARG", evict.stdout());
            assertTrue(variables.args().isEmpty());
            assertEquals(Map.of("E", "x"), variables.envs());
        }
    }

    @Test
    void anUnknownTargetFails() throws Exception {
        try (NodeCache cache = NodeCache.open(dir)) {
            Execution evict = new CacheEvictExecutor().execute(
                    TestJobs.unvalidated(new NodeVariables(cache), "CACHEEVICT", "ARGS"));
            assertEquals(NodeState.FAILED, evict.state());
            assertTrue(evict.info().startsWith("unknown CACHEEVICT target 'ARGS'"), evict.info());
        }
    }
}
