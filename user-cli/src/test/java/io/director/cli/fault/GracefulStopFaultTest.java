package io.director.cli.fault;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM to the server and then to a client while an orchestration runs on every node: each
 * exits within 5 s, and once restarted every job ends, none is left {@code processing}, none ran
 * twice, and a job cancelled or never delivered did not run at all.
 */
class GracefulStopFaultTest {

    /** Expiry after 6 s: a restarted client is back before its queued jobs would fail as unreachable. */
    private static final double HEARTBEAT_SECONDS = 2;
    private static final long DEADLINE_MILLIS = 120_000;
    private static final long STOP_WITHIN_MILLIS = 5_000;

    @TempDir
    Path dir;

    @Test
    void sigtermUnderLoadSmall() throws InterruptedException {
        stopUnderLoad(2, 30);
    }

    @Test
    @Tag("fault-full")
    void sigtermUnderLoadLarge() throws InterruptedException {
        stopUnderLoad(5, 200);
    }

    private void stopUnderLoad(int clientCount, int jobCount) throws InterruptedException {
        List<String> clients = IntStream.rangeClosed(1, clientCount).mapToObj(i -> "n" + i).toList();
        String stopped = clients.get(0);
        try (FaultCluster cluster = new FaultCluster(dir, HEARTBEAT_SECONDS, List.of()).start(clients, 60_000)) {
            // Two long jobs make sure each signal lands while a job runs: one of 3 s across the
            // server's stop, one of 60 s that only the client's stop can end.
            int acrossServerStop = jobCount / 4;
            int acrossClientStop = jobCount / 2;
            List<String> lines = IntStream.range(0, jobCount).mapToObj(i -> (i == acrossServerStop ? "sleep 3"
                    : i == acrossClientStop ? "if [ {{ node.identity }} = " + stopped + " ]; then sleep 60; fi"
                    : "sleep 0.2") + "; " + cluster.effectLine("job-" + i)).toList();
            List<String> ids = cluster.submitOrchestration(cluster.orchestration("load", clients, lines));

            cluster.awaitJob(ids.get(acrossServerStop), j -> FaultCluster.nodeState(j, stopped).equals("processing"),
                    DEADLINE_MILLIS);
            long serverStop = terminate(cluster.local().server());
            cluster.local().startServer(60_000);

            String interrupted = ids.get(acrossClientStop);
            cluster.awaitJob(interrupted, j -> FaultCluster.nodeState(j, stopped).equals("processing"),
                    DEADLINE_MILLIS);
            long clientStop = terminate(cluster.local().client(stopped));
            cluster.local().startClient(stopped, List.of());

            List<JsonNode> jobs = cluster.awaitAllFinal(DEADLINE_MILLIS);
            assertEquals(jobCount, jobs.size());
            FaultCluster.sleep(1000); // a job's process outliving its client would write late
            Map<String, Map<String, Integer>> effects = cluster.effectCounts();
            java.util.Set<String> infos = new java.util.TreeSet<>();
            int failed = 0;
            int failedYetRan = 0;
            int cancelled = 0;
            for (JsonNode job : jobs) {
                String tag = job.path("definition").toString().replaceAll(".*echo (job-\\d+) >>.*", "$1");
                for (String node : clients) {
                    JsonNode target = job.path("nodes").path(node);
                    int ran = effects.getOrDefault(node, Map.of()).getOrDefault(tag, 0);
                    switch (target.path("state").asText()) {
                        case "success" -> assertEquals(1, ran, tag + " on " + node + ": " + target);
                        case "cancelled" -> {
                            cancelled++;
                            assertEquals(0, ran, "cancelled, yet ran: " + tag + " on " + node);
                        }
                        case "failed" -> {
                            failed++;
                            infos.add(target.path("info").asText());
                            assertEquals(stopped, node, "only the stopped client's job may fail: " + job);
                            assertFalse(target.path("info").asText().isBlank(), "a failure says why: " + target);
                            // The stop killed the job's process group before its echo ran.
                            assertEquals(0, ran, tag + " ran " + ran + " times on " + node);
                            failedYetRan += ran;
                        }
                        default -> throw new AssertionError("not a final state: " + target);
                    }
                }
            }
            JsonNode interruptedTarget = cluster.job(interrupted).path("nodes").path(stopped);
            assertEquals("failed", interruptedTarget.path("state").asText(), interruptedTarget.toString());
            assertEquals("client restarted", interruptedTarget.path("info").asText());
            // Fail-fast holds across the restart: the rest of the orchestration is cancelled there.
            for (String id : ids.subList(acrossClientStop + 1, ids.size())) {
                JsonNode later = cluster.job(id).path("nodes").path(stopped);
                assertEquals("cancelled", later.path("state").asText(), later.toString());
                assertTrue(later.path("info").asText().contains(interrupted), later.toString());
            }
            for (String node : clients.subList(1, clients.size())) {
                for (JsonNode job : jobs) {
                    assertEquals("success", FaultCluster.nodeState(job, node), node + ": " + job);
                }
            }

            String fault = "SIGTERM under load (" + clientCount + " clients, " + jobCount + " jobs)";
            Figures.print(fault, "server: SIGTERM to exit", Figures.millis(serverStop));
            Figures.print(fault, "client: SIGTERM to exit", Figures.millis(clientStop));
            Figures.print(fault, "stopped client's targets failed / cancelled after restart", failed + " / " + cancelled + " " + infos + ", of which ran anyway: " + failedYetRan);
        }
    }

    /** SIGTERM; the time until the process exited, which must be within 5 s. */
    private static long terminate(Process process) throws InterruptedException {
        long start = System.currentTimeMillis();
        process.destroy();
        boolean exited = process.waitFor(STOP_WITHIN_MILLIS + 5_000, TimeUnit.MILLISECONDS);
        long took = System.currentTimeMillis() - start;
        assertTrue(exited, "still running " + took + " ms after SIGTERM");
        assertTrue(took <= STOP_WITHIN_MILLIS, "exited " + took + " ms after SIGTERM");
        return took;
    }
}
