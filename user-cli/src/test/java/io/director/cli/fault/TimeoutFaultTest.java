package io.director.cli.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.cli.CliRun;
import io.director.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job past its {@code --timeout} is killed with everything it started: a background child
 * and a process that ignores SIGTERM alike. Nothing of it runs on afterwards.
 */
class TimeoutFaultTest {

    @TempDir
    Path dir;

    @Test
    void aTimedOutJobIsKilledWithItsWholeProcessGroup() {
        try (FaultCluster cluster = new FaultCluster(dir, 1, List.of()).start(List.of("n1"), 60_000)) {
            // Unique durations name this job's processes among every other on the machine.
            String line = "--timeout 1 (sleep 4.1592; " + cluster.effectLine("background-survived") + ") & "
                    + "trap '' TERM; sleep 31.4159; " + cluster.effectLine("foreground-survived");
            long start = System.currentTimeMillis();
            CliRun.Result result = cluster.cli("exec", "--verb", "RUN", "--wait", "--json", line);
            long took = System.currentTimeMillis() - start;
            assertEquals(ExitCodes.FAILED, result.exitCode(), result.toString());
            JsonNode target = result.json().path("nodes").path("n1");
            assertEquals("failed", target.path("state").asText());
            assertEquals("timeout after 1 s", target.path("info").asText());
            // SIGTERM at 1 s is ignored by the shell, SIGKILL follows 5 s later: about 6 s.
            assertTrue(took < 15_000, "failed after " + took + " ms");

            FaultCluster.sleep(5000); // past the background child's own sleep
            assertEquals(Map.of(), cluster.effectCounts().getOrDefault("n1", Map.of()), "nothing ran on");
            List<String> left = ProcessHandle.allProcesses()
                    .map(p -> p.info().commandLine().orElse(""))
                    .filter(c -> c.contains("4.1592") || c.contains("31.4159")).toList();
            assertEquals(List.of(), left, "processes of the job still running");
            Figures.print("timeout (--timeout 1, SIGTERM ignored, a background child)",
                    "submit to failed / processes left / lines written after", Figures.millis(took) + " / 0 / 0");
        }
    }
}
