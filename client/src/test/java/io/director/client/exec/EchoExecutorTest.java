package io.director.client.exec;

import io.director.client.cache.NodeCache;
import io.director.client.cache.NodeVariables;
import io.director.dsl.wire.NodeState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EchoExecutorTest {

    @TempDir
    Path dir;

    @Test
    void theRenderedTextIsTheStdoutAsWritten() throws Exception {
        try (NodeCache cache = NodeCache.open(dir)) {
            Execution echo = new EchoExecutor().execute(
                    TestJobs.context(new NodeVariables(cache), "ECHO", "deployed 'v2' to  web"));
            assertEquals(NodeState.SUCCESS, echo.state());
            assertEquals("deployed 'v2' to  web", echo.stdout());
        }
    }
}
