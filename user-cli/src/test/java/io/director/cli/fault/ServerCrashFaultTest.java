package io.director.cli.fault;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL to the server in the middle of a large orchestration, restart on the same datastore:
 * every job ends on every node, none runs twice on a node (counted by the lines each job
 * appends to its node's file), every run-once job ran exactly once in the cluster, and nothing
 * stays {@code processing}.
 */
class ServerCrashFaultTest {

    private static final long DEADLINE_MILLIS = 300_000;

    @TempDir
    Path dir;

    @Test
    void serverKilledMidOrchestrationSmall() throws InterruptedException {
        crashMidOrchestration(60, 3, 1, 0.3);
    }

    /** Seven JVMs on a small machine: 2 s heartbeats, so a busy moment does not expire a node. */
    @Test
    @Tag("fault-full")
    void serverKilledMidOrchestrationOf500JobsOn5Clients() throws InterruptedException {
        crashMidOrchestration(500, 5, 2, 0.3);
    }

    private void crashMidOrchestration(int jobCount, int clientCount, double heartbeatSeconds, double killAtFraction)
            throws InterruptedException {
        List<String> clients = IntStream.rangeClosed(1, clientCount).mapToObj(i -> "n" + i).toList();
        try (FaultCluster cluster = new FaultCluster(dir, heartbeatSeconds, List.of()).start(clients, 60_000)) {
            // One job in ten is run-once: it must run on one node of the cluster, once.
            List<String> lines = new ArrayList<>();
            Set<String> runOnceTags = new HashSet<>();
            for (int i = 0; i < jobCount; i++) {
                String tag = "job-" + i;
                if (i % 10 == 5) {
                    runOnceTags.add(tag);
                    lines.add("--run-once " + cluster.effectLine(tag));
                } else {
                    lines.add(cluster.effectLine(tag));
                }
            }
            List<String> ids = cluster.submitOrchestration(cluster.orchestration("crash", clients, lines));
            assertEquals(jobCount, ids.size());
            long submitted = System.currentTimeMillis();

            long targets = (long) jobCount * clientCount;
            long finishedAtKill = awaitFinished(cluster, (long) (targets * killAtFraction));
            cluster.local().killServer();
            long killed = System.currentTimeMillis();
            cluster.local().startServer(60_000);
            long restarted = System.currentTimeMillis();
            List<JsonNode> jobs = cluster.awaitAllFinal(DEADLINE_MILLIS);
            long ended = System.currentTimeMillis();

            assertEquals(jobCount, jobs.size(), "every acknowledged job is still there");
            // A node that expires fails its open jobs as unreachable: say so first, it is the cause.
            List<String> expiries = cluster.expiries();
            assertEquals(List.of(), expiries,
                    () -> "no node may expire in this case" + cluster.linkStories(expiries));
            Map<String, Map<String, Integer>> effects = cluster.effectCounts();
            int runOnceRuns = 0;
            for (JsonNode job : jobs) {
                String tag = tagOf(job);
                if (runOnceTags.contains(tag)) {
                    int ranOn = 0;
                    for (String node : clients) {
                        String state = FaultCluster.nodeState(job, node);
                        assertTrue(state.equals("success") || state.equals("skipped"), node + " " + job);
                        ranOn += effects.getOrDefault(node, Map.of()).getOrDefault(tag, 0);
                    }
                    assertEquals(1, ranOn, "run-once job " + tag + " ran once in the cluster");
                    runOnceRuns++;
                } else {
                    for (String node : clients) {
                        assertEquals("success", FaultCluster.nodeState(job, node), node + " " + job);
                        assertEquals(1, effects.getOrDefault(node, Map.of()).getOrDefault(tag, 0),
                                tag + " ran exactly once on " + node);
                    }
                }
            }
            assertEquals(runOnceTags.size(), runOnceRuns);

            String fault = "server SIGKILL mid-orchestration (" + jobCount + " jobs x " + clientCount + " clients)";
            Figures.print(fault, "targets finished when killed", finishedAtKill + " of " + targets);
            Figures.print(fault, "restart to a listening server", Figures.millis(restarted - killed));
            Figures.print(fault, "restart to every job final", Figures.millis(ended - restarted));
            Figures.print(fault, "whole orchestration", Figures.millis(ended - submitted));
            Figures.print(fault, "lost / duplicated / left processing", "0 / 0 / 0");
        }
    }

    /** The tag a job appends: the orchestration's lines are "echo TAG >> FILE". */
    private static String tagOf(JsonNode job) {
        String line = job.path("definition").toString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("echo (job-\\d+) >>").matcher(line);
        assertTrue(m.find(), "no tag in " + job);
        return m.group(1);
    }

    private static long awaitFinished(FaultCluster cluster, long wanted) {
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (true) {
            long finished = cluster.finishedTargets(cluster.jobs());
            if (finished >= wanted) {
                return finished;
            }
            assertTrue(System.currentTimeMillis() < deadline, "only " + finished + " targets finished");
            FaultCluster.sleep(100); // listing every job is not free: do not load the server

        }
    }
}
