package io.director.cli.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.cli.CliRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGSTOP to one client: the others' jobs finish about as fast as without it (measured
 * against a run before the stall), the stalled node's jobs fail as {@code node unreachable}
 * once it expires, and SIGCONT brings it back as a working node.
 */
class StalledNodeFaultTest {

    private static final long DEADLINE_MILLIS = 120_000;
    /** Generous: the machine is shared, and the stalled node's process still holds memory. */
    private static final double SLOWDOWN_ALLOWED = 3.0;

    @TempDir
    Path dir;

    @Test
    void oneStalledNodeOfThree() {
        stall(3, 8, 1);
    }

    /** Eleven JVMs on a small machine: 2 s heartbeats, so a busy moment does not expire a healthy node. */
    @Test
    @Tag("fault-full")
    void oneStalledNodeOfTen() {
        stall(10, 30, 2);
    }

    private void stall(int clientCount, int jobsPerRun, double heartbeatSeconds) {
        List<String> clients = IntStream.rangeClosed(1, clientCount).mapToObj(i -> "n" + i).toList();
        String stalled = clients.get(0);
        List<String> healthy = clients.subList(1, clients.size());
        try (FaultCluster cluster = new FaultCluster(dir, heartbeatSeconds, List.of()).start(clients, 60_000)) {
            // A first run warms up every JVM, so the baseline measures the steady state.
            timedRun(cluster, "warm-up", clients, clients, null, jobsPerRun);
            long baseline = timedRun(cluster, "baseline", healthy, healthy, null, jobsPerRun).millis();

            Process process = cluster.local().client(stalled);
            FaultCluster.signal(process, "STOP");
            long stoppedAt = System.currentTimeMillis();
            try {
                Run run = timedRun(cluster, "stalled", clients, healthy, stalled, jobsPerRun);
                long withStall = run.millis();
                assertTrue(withStall <= SLOWDOWN_ALLOWED * baseline + 2000,
                        "the healthy nodes took " + withStall + " ms with one stalled, " + baseline + " ms before");

                // Every job of the stalled node ends once it expires: the first as unreachable,
                // the rest of its orchestration unreachable too or cancelled after it.
                List<JsonNode> ended = cluster.jobs().stream()
                        .filter(j -> run.jobIds().contains(j.path("job_id").asText())).toList();
                assertEquals(jobsPerRun, ended.size());
                for (JsonNode job : ended) {
                    JsonNode target = job.path("nodes").path(stalled);
                    String state = target.path("state").asText();
                    assertTrue(state.equals("cancelled")
                            || state.equals("failed") && target.path("info").asText().equals("node unreachable"),
                            "stalled node's job: " + target);
                }
                // Three silent intervals after a last heartbeat up to one interval old, and 1 s margin.
                long expiredAfter = run.startedAt() + run.stalledEndedMillis() - stoppedAt;
                assertTrue(expiredAfter <= (long) (4 * heartbeatSeconds * 1000) + 1000,
                        "failed within three heartbeats, took " + expiredAfter + " ms");
                String state = cluster.nodes(stalled).path("state").asText();
                assertEquals("expired", state);

                String fault = "SIGSTOP 1 of " + clientCount + " clients";
                Figures.print(fault, jobsPerRun + " jobs on " + healthy.size() + " healthy nodes, before the stall",
                        Figures.millis(baseline));
                Figures.print(fault, "the same with one node stalled", Figures.millis(withStall));
                Figures.print(fault, "stall to its jobs failed as node unreachable", Figures.millis(expiredAfter));
            } finally {
                FaultCluster.signal(process, "CONT");
            }
            long contAt = System.currentTimeMillis();
            cluster.local().awaitNodes(clients, DEADLINE_MILLIS);
            long backAfter = System.currentTimeMillis() - contAt;
            CliRun.Result after = cluster.cli("exec", "--verb", "RUN", "--wait", "--target", stalled, "echo back");
            assertEquals(0, after.exitCode(), after.toString());
            Figures.print("SIGSTOP 1 of " + clientCount + " clients", "SIGCONT to alive again", Figures.millis(backAfter));
        }
    }

    /**
     * An orchestration's job ids, when it was submitted, the time until its healthy targets had
     * all succeeded, and until the stalled node's targets had all ended (0 without one).
     */
    private record Run(long startedAt, long millis, long stalledEndedMillis, List<String> jobIds) {
    }

    /**
     * Runs an orchestration of {@code jobs} jobs on {@code targets}, timing its healthy targets
     * and, in the same polls, the end of the stalled node's targets (when {@code stalled} is given).
     */
    private static Run timedRun(FaultCluster cluster, String name, List<String> targets, List<String> healthy,
            String stalled, int jobs) {
        List<String> lines = IntStream.range(0, jobs).mapToObj(i -> cluster.effectLine(name + "-" + i)).toList();
        long start = System.currentTimeMillis();
        List<String> ids = cluster.submitOrchestration(cluster.orchestration(name, targets, lines));
        long healthyDone = 0;
        long stalledEnded = stalled == null ? -1 : 0;
        while (true) {
            boolean done = true;
            boolean ended = true;
            for (JsonNode job : cluster.jobs()) {
                if (ids.contains(job.path("job_id").asText())) {
                    for (String node : healthy) {
                        String state = FaultCluster.nodeState(job, node);
                        assertTrue(!state.equals("failed") && !state.equals("cancelled"), node + ": " + job);
                        done &= state.equals("success");
                    }
                    if (stalled != null) {
                        ended &= FaultCluster.FINAL_STATES.contains(FaultCluster.nodeState(job, stalled));
                    }
                }
            }
            long now = System.currentTimeMillis() - start;
            if (done && healthyDone == 0) {
                healthyDone = now;
            }
            if (stalled != null && ended && stalledEnded == 0) {
                stalledEnded = now;
            }
            if (healthyDone > 0 && stalledEnded != 0) {
                return new Run(start, healthyDone, Math.max(0, stalledEnded), ids);
            }
            assertTrue(System.currentTimeMillis() - start < DEADLINE_MILLIS, name + " never finished");
            FaultCluster.sleep(20);
        }
    }
}
