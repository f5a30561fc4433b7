package io.director.cli.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.cli.CliRun;
import io.director.cli.ExitCodes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node reaches the server's job port through a {@link TcpProxy} that the test cuts and
 * restores: the node reconnects, a result made during the cut is sent again and stored, a job
 * submitted during the cut is delivered afterwards, and nothing runs twice. A cut longer than
 * the expiry fails the node's jobs as unreachable, and the node comes back when it is restored.
 */
class NetworkCutFaultTest {

    private static final double HEARTBEAT_SECONDS = 2;
    private static final long DEADLINE_MILLIS = 60_000;

    @TempDir
    Path dir;

    @Test
    void cutShorterThanTheExpiryLosesNothingAndRunsNothingTwice() {
        try (FaultCluster cluster = new FaultCluster(dir, HEARTBEAT_SECONDS, List.of());
             TcpProxy proxy = startProxied(cluster)) {
            String running = cluster.submit("RUN", "sleep 2; " + cluster.effectLine("during-cut"), "cut");
            cluster.awaitJob(running, j -> FaultCluster.nodeState(j, "cut").equals("processing"), DEADLINE_MILLIS);
            proxy.cut();
            long cutAt = System.currentTimeMillis();
            String sentDuringCut = cluster.submit("RUN", cluster.effectLine("sent-during-cut"), "cut");
            // The direct node is not held up by the cut one.
            CliRun.Result direct = cluster.cli("exec", "--verb", "RUN", "--wait", "--target", "direct", "true");
            assertEquals(0, direct.exitCode(), direct.toString());
            long directTook = System.currentTimeMillis() - cutAt;
            FaultCluster.sleep(3000); // the running job ends while the node cannot reach the server
            assertEquals("processing", FaultCluster.nodeState(cluster.job(running), "cut"),
                    "no result can arrive through a cut");
            int connectionsBefore = proxy.connections();
            proxy.restore();
            long restoredAt = System.currentTimeMillis();
            cluster.awaitJob(running, j -> FaultCluster.nodeState(j, "cut").equals("success"), DEADLINE_MILLIS);
            long resultAfter = System.currentTimeMillis() - restoredAt;
            cluster.awaitJob(sentDuringCut, j -> FaultCluster.nodeState(j, "cut").equals("success"), DEADLINE_MILLIS);
            long deliveredAfter = System.currentTimeMillis() - restoredAt;
            assertTrue(proxy.connections() > connectionsBefore, "the node connected again through the proxy");

            Map<String, Integer> effects = cluster.effectCounts().get("cut");
            assertEquals(1, effects.get("during-cut"), "the job that ended during the cut ran once");
            assertEquals(1, effects.get("sent-during-cut"), "the job sent during the cut ran once");
            // Again after everything settled: a duplicate would show up late.
            FaultCluster.sleep(2 * (long) (HEARTBEAT_SECONDS * 1000));
            assertEquals(Map.of("during-cut", 1, "sent-during-cut", 1), cluster.effectCounts().get("cut"));

            String fault = "network cut shorter than the expiry";
            Figures.print(fault, "job to the direct node during the cut", Figures.millis(directTook));
            Figures.print(fault, "restore to the resent result stored", Figures.millis(resultAfter));
            Figures.print(fault, "restore to the job sent during the cut done", Figures.millis(deliveredAfter));
            Figures.print(fault, "duplicates", "0");
        }
    }

    /** Full suite only: the CI subset checks expiry and return with a stalled node already. */
    @Test
    @Tag("fault-full")
    void cutLongerThanTheExpiryFailsTheNodesJobsAndTheNodeComesBack() {
        try (FaultCluster cluster = new FaultCluster(dir, HEARTBEAT_SECONDS, List.of());
             TcpProxy proxy = startProxied(cluster)) {
            proxy.cut();
            long cutAt = System.currentTimeMillis();
            String lost = cluster.submit("RUN", cluster.effectLine("never-delivered"), "cut");
            JsonNode failed = cluster.awaitJob(lost, j -> FaultCluster.nodeState(j, "cut").equals("failed"),
                    DEADLINE_MILLIS);
            long failedAfter = System.currentTimeMillis() - cutAt;
            assertEquals("node unreachable", failed.path("nodes").path("cut").path("info").asText());
            assertTrue(failedAfter <= (long) (4 * HEARTBEAT_SECONDS * 1000),
                    "failed within the expiry, took " + failedAfter + " ms");

            proxy.restore();
            long restoredAt = System.currentTimeMillis();
            cluster.local().awaitNodes(List.of("cut"), DEADLINE_MILLIS);
            long backAfter = System.currentTimeMillis() - restoredAt;
            CliRun.Result after = cluster.cli("exec", "--verb", "RUN", "--wait", "--target", "cut",
                    cluster.effectLine("after-restore"));
            assertEquals(ExitCodes.OK, after.exitCode(), after.toString());
            Map<String, Integer> effects = cluster.effectCounts().get("cut");
            assertEquals(Map.of("after-restore", 1), effects, "the job failed as unreachable did not run later");

            String fault = "network cut longer than the expiry";
            Figures.print(fault, "cut to the job failed as node unreachable", Figures.millis(failedAfter));
            Figures.print(fault, "restore to the node alive again", Figures.millis(backAfter));
        }
    }

    /** A server, a node "direct" and a node "cut" that reaches the job port through a proxy. */
    private TcpProxy startProxied(FaultCluster cluster) {
        cluster.local().startServer(DEADLINE_MILLIS);
        TcpProxy proxy = new TcpProxy(cluster.local().jobPort());
        cluster.local().startClient("direct", List.of());
        cluster.local().startClient("cut", dir.resolve("nodes/cut"), dir.resolve("cut.log"), proxy.port(),
                cluster.local().transferPort(), List.of());
        cluster.local().awaitNodes(List.of("direct", "cut"), DEADLINE_MILLIS);
        return proxy;
    }
}
