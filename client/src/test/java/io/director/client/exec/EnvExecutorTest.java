package io.director.client.exec;

import io.director.client.cache.NodeCache;
import io.director.client.cache.NodeVariables;
import io.director.dsl.wire.NodeState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EnvExecutorTest {

    @TempDir
    Path dir;

    @Test
    void aStoredEnvReachesALaterRun() throws Exception {
        try (NodeCache cache = NodeCache.open(dir); ProcessRunner processes = new ProcessRunner()) {
            NodeVariables variables = new NodeVariables(cache);
            Execution env = new EnvExecutor().execute(TestJobs.context(variables, "ENV", "GREETING 'hello  world'"));
            assertEquals(NodeState.SUCCESS, env.state(), env.info());
            assertEquals("GREETING=hello  world", env.stdout());

            Execution run = new RunExecutor(processes).execute(TestJobs.context(variables, "RUN", "echo \"$GREETING\""));
            assertEquals("hello  world\n", run.stdout());
        }
    }

    @Test
    void theValueIsTextNeverYaml() throws Exception {
        try (NodeCache cache = NodeCache.open(dir)) {
            NodeVariables variables = new NodeVariables(cache);
            new EnvExecutor().execute(TestJobs.context(variables, "ENV", "LIST [a, b] # not a comment"));
            assertEquals("[a, b] # not a comment", variables.envs().get("LIST"));
        }
    }

    @Test
    void aKeyWithoutAValueFails() throws Exception {
        try (NodeCache cache = NodeCache.open(dir)) {
            Execution env = new EnvExecutor().execute(TestJobs.unvalidated(new NodeVariables(cache), "ENV", "ONLY"));
            assertEquals(NodeState.FAILED, env.state());
            assertEquals("ENV needs KEY VALUE, got 'ONLY'", env.info());
        }
    }
}
