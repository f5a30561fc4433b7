package io.director.cli.fault;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients killed with SIGKILL in the middle of an orchestration on every node: one for good,
 * one restarted at once. Their running jobs end {@code failed} with a clear info within three
 * heartbeat intervals (plus the one interval the last heartbeat may be old, and a scheduling
 * margin), and the other nodes run all of theirs, each once.
 */
class ClientCrashFaultTest {

    private static final double HEARTBEAT_SECONDS = 1;
    private static final long DEADLINE_MILLIS = 120_000;
    /** Three silent intervals after a last heartbeat that may be one interval old, plus 1 s of margin. */
    private static final long FAIL_WITHIN_MILLIS = (long) (4 * HEARTBEAT_SECONDS * 1000) + 1000;

    @TempDir
    Path dir;

    @Test
    void clientsKilledMidOrchestrationSmall() {
        crash(4, 20);
    }

    @Test
    @Tag("fault-full")
    void clientsKilledMidOrchestrationLarge() {
        crash(6, 100);
    }

    private void crash(int clientCount, int jobCount) {
        List<String> clients = IntStream.rangeClosed(1, clientCount).mapToObj(i -> "n" + i).toList();
        String gone = clients.get(0);
        String restarted = clients.get(1);
        List<String> healthy = clients.subList(2, clients.size());
        try (FaultCluster cluster = new FaultCluster(dir, HEARTBEAT_SECONDS, List.of()).start(clients, 60_000)) {
            // One job runs 60 s on the two nodes to be killed, so the kills land in the middle of it.
            int victimIndex = jobCount / 4;
            String longOnVictims = "case {{ node.identity }} in " + gone + "|" + restarted + ") sleep 60;; esac; ";
            List<String> lines = IntStream.range(0, jobCount).mapToObj(i -> (i == victimIndex ? longOnVictims
                    : "sleep 0.2; ") + cluster.effectLine("job-" + i)).toList();
            List<String> ids = cluster.submitOrchestration(cluster.orchestration("crash", clients, lines));
            String victim = ids.get(victimIndex);
            cluster.awaitJob(victim, j -> FaultCluster.nodeState(j, gone).equals("processing")
                    && FaultCluster.nodeState(j, restarted).equals("processing"), DEADLINE_MILLIS);
            long killedAt = System.currentTimeMillis();
            killQuietly(cluster, gone);
            killQuietly(cluster, restarted);
            cluster.local().startClient(restarted, List.of());

            JsonNode goneJob = cluster.awaitJob(victim,
                    j -> FaultCluster.nodeState(j, gone).equals("failed"), DEADLINE_MILLIS);
            long goneFailedAfter = System.currentTimeMillis() - killedAt;
            assertEquals("node unreachable", goneJob.path("nodes").path(gone).path("info").asText());
            JsonNode restartedJob = cluster.awaitJob(victim,
                    j -> FaultCluster.nodeState(j, restarted).equals("failed"), DEADLINE_MILLIS);
            long restartedFailedAfter = System.currentTimeMillis() - killedAt;
            String info = restartedJob.path("nodes").path(restarted).path("info").asText();
            assertTrue(info.equals("client restarted") || info.equals("node unreachable"), info);
            // The restarted client's own report replaces an unreachable verdict: it knows better.
            cluster.awaitJob(victim, j -> j.path("nodes").path(restarted).path("info").asText()
                    .equals("client restarted"), DEADLINE_MILLIS);
            long restartedReportAfter = System.currentTimeMillis() - killedAt;

            assertTrue(goneFailedAfter <= FAIL_WITHIN_MILLIS, "node killed for good: failed after "
                    + goneFailedAfter + " ms");
            assertTrue(restartedFailedAfter <= FAIL_WITHIN_MILLIS, "restarted node: failed after "
                    + restartedFailedAfter + " ms");

            List<JsonNode> jobs = cluster.awaitAllFinal(DEADLINE_MILLIS);
            Map<String, Map<String, Integer>> effects = cluster.effectCounts();
            long healthyDone = System.currentTimeMillis() - killedAt;
            for (JsonNode job : jobs) {
                String tag = job.path("definition").toString().replaceAll(".*echo (job-\\d+) >>.*", "$1");
                for (String node : healthy) {
                    assertEquals("success", FaultCluster.nodeState(job, node), node + " unaffected: " + job);
                    assertEquals(1, effects.get(node).getOrDefault(tag, 0), tag + " once on " + node);
                }
                for (String node : List.of(gone, restarted)) {
                    // Whatever state, a job never ran twice on a crashed node either.
                    assertTrue(effects.getOrDefault(node, Map.of()).getOrDefault(tag, 0) <= 1, tag + " on " + node);
                }
            }

            String fault = "client SIGKILL mid-job (" + clientCount + " clients, " + jobCount + " jobs)";
            Figures.print(fault, "killed for good: to failed, node unreachable", Figures.millis(goneFailedAfter));
            Figures.print(fault, "restarted at once: to failed", Figures.millis(restartedFailedAfter));
            Figures.print(fault, "restarted at once: to info client restarted", Figures.millis(restartedReportAfter));
            Figures.print(fault, "kill to every job of the " + healthy.size() + " other nodes done",
                    Figures.millis(healthyDone));
        }
    }

    private static void killQuietly(FaultCluster cluster, String identity) {
        try {
            cluster.local().killClient(identity);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
