package io.director.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.cli.cluster.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code orchestrate --keep}: a kept scaled block scales up while a holder is over its threshold
 * and down to min after its stabilisation window; one whose node is killed is placed again on
 * the other node within a few heartbeat intervals; dropping the deployment stops that; and
 * {@code --max-hops 0} fails a refused placement at once. A real server and two real clients,
 * 1 s heartbeats (a node expires after 3 s of silence).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the second test kills a node
class DeploymentFailoverEndToEndTest {

    private static final List<String> NODES = List.of("k1", "k2");

    @TempDir
    static Path dir;

    static LocalCluster cluster;

    @BeforeAll
    static void startCluster() {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux"), "jails need Linux");
        assertEquals("root", System.getProperty("user.name"), "jail tests need root (namespaces, mounts, chroot)");
        cluster = new LocalCluster(dir, 1, List.of("--max-hops", "0"));
        cluster.startServer(60_000);
        NODES.forEach(node -> cluster.startClient(node, List.of("--labels", "pool=keep")));
        cluster.awaitNodes(NODES, 60_000);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cli("destroy", "kept", "--wait");
            cluster.close();
        }
    }

    @Test
    @Order(0)
    void withMaxHopsZeroARefusedPlacementFailsAtOnceSayingSo() {
        CliRun.Result refused = cli("exec", "--verb", "JAIL", "--placement", "spread", "--target", "k1", "--target",
                "k2", "--wait", "--json", "--template busybox --memory 100T --project big create big1");
        assertEquals(1, refused.exitCode(), refused.toString());
        JsonNode job = refused.json();
        assertEquals(1, job.path("nodes").size(), "never forwarded: " + job);
        String node = job.path("nodes").fieldNames().next();
        String info = job.path("nodes").path(node).path("info").asText();
        assertTrue(info.startsWith("no node took it within --max-hops 0: " + node + ": memory: "), info);
    }

    @Test
    @Order(1)
    void aKeptDeploymentRemovesReplicasAboveMinOnceTheStabilisationWindowPassesUnderTheThresholds()
            throws Exception {
        Path both = Files.writeString(dir.resolve("calm-both.yaml"), """
                - placement: {scale: {min: 2, max: 2}}
                  targets: [k1, k2]
                  jobs:
                    - JAIL: --template busybox --project calm create calm1
                """);
        CliRun.Result run = cli("orchestrate", both.toString(), "--wait");
        assertEquals(0, run.exitCode(), run.toString());
        awaitHolders("calm", Set.of("k1", "k2"), 20_000);

        Path kept = Files.writeString(dir.resolve("calm-kept.yaml"), """
                - placement: {scale: {min: 1, max: 2, load_above: 1000, stabilize: 2}}
                  targets: [k1, k2]
                  jobs:
                    - JAIL: --template busybox --project calm create calm1
                """);
        CliRun.Result keep = cli("orchestrate", kept.toString(), "--keep", "--wait");
        assertEquals(0, keep.exitCode(), keep.toString());
        // two replicas, min 1, never over the threshold: after 2 s of calm one is destroyed
        long deadline = System.currentTimeMillis() + 30_000;
        while (holders("calm").size() != 1) {
            assertTrue(System.currentTimeMillis() < deadline, "still on " + holders("calm"));
            Thread.sleep(200);
        }
        JsonNode deployment = cli("manage", "--list-deployments", "--json").json().path("deployments").get(0);
        assertTrue(deployment.path("last_action").asText().startsWith("under the thresholds for 2 s: removed from "),
                deployment.toString());
        Thread.sleep(3_000);
        assertEquals(1, holders("calm").size(), "never below min");
        assertEquals(0, cli("manage", "--drop-deployment", deployment.path("id").asText()).exitCode());
        assertEquals(0, cli("destroy", "calm", "--wait").exitCode());
    }

    @Test
    @Order(2)
    void aKeptDeploymentAddsAReplicaWhileAHolderIsOverItsThreshold() throws Exception {
        Path hot = Files.writeString(dir.resolve("hot.yaml"), """
                - placement: {scale: {min: 1, max: 2, memory_above: 0.001}}
                  targets: [k1, k2]
                  jobs:
                    - JAIL: --template busybox --project hot create hot1
                """);
        CliRun.Result run = cli("orchestrate", hot.toString(), "--keep", "--wait");
        assertEquals(0, run.exitCode(), run.toString());
        // any node uses more than 0.1 % of its memory: the keeper adds the second replica, and no third
        awaitHolders("hot", Set.of("k1", "k2"), 20_000);
        JsonNode deployment = cli("manage", "--list-deployments", "--json").json().path("deployments").get(0);
        assertTrue(deployment.path("last_action").asText().startsWith("over a threshold: placed on "),
                deployment.toString());
        assertEquals(0, cli("manage", "--drop-deployment", deployment.path("id").asText()).exitCode());
        assertEquals(0, cli("destroy", "hot", "--wait").exitCode());
        awaitHolders("hot", Set.of(), 20_000);
    }

    @Test
    @Order(3)
    void aKeptReplicaWhoseNodeDiesIsPlacedOnAnotherNodeUntilTheDeploymentIsDropped() throws Exception {
        Path file = Files.writeString(dir.resolve("kept.yaml"), """
                - placement: {scale: {min: 1, max: 1}}
                  targets: ['label:pool=keep']
                  jobs:
                    - JAIL: --template busybox --project kept create kept1
                """);
        Path plain = Files.writeString(dir.resolve("plain.yaml"), "- jobs: [ECHO: hi]\n");
        CliRun.Result notScaled = cli("orchestrate", plain.toString(), "--keep");
        assertEquals(2, notScaled.exitCode(), notScaled.toString());
        assertTrue(notScaled.err().contains("--keep keeps blocks placed with 'scale'"), notScaled.toString());

        CliRun.Result run = cli("orchestrate", file.toString(), "--keep", "--wait", "--json");
        assertEquals(0, run.exitCode(), run.toString());
        Set<String> first = new TreeSet<>();
        run.json().path("jobs").get(0).path("nodes").fieldNames().forEachRemaining(first::add);
        assertEquals(1, first.size(), run.toString());
        String dead = first.iterator().next();
        String survivor = NODES.stream().filter(n -> !n.equals(dead)).findFirst().orElseThrow();
        awaitHolders("kept", Set.of(dead), 20_000);

        JsonNode deployments = cli("manage", "--list-deployments", "--json").json().path("deployments");
        assertEquals(1, deployments.size(), deployments.toString());
        assertEquals("kept", deployments.get(0).path("project").asText());
        assertEquals("scale 1..1", deployments.get(0).path("placement").asText());
        String id = deployments.get(0).path("id").asText();

        cluster.killClient(dead);
        // expiry after 3 intervals, then the next evaluation places it: well within 20 intervals
        awaitHolders("kept", Set.of(survivor), 20_000);
        JsonNode after = cli("manage", "--list-deployments", "--json").json().path("deployments").get(0);
        assertTrue(after.path("last_action").asText().contains("placed on " + survivor), after.toString());
        assertEquals(List.of(survivor), List.of(after.path("replicas").get(0).asText()), after.toString());
        CliRun.Result text = cli("manage", "--list-deployments");
        assertTrue(text.out().contains(id) && text.out().contains("scale 1..1"), text.toString());

        CliRun.Result dropped = cli("manage", "--drop-deployment", id.substring(0, 8), "--json");
        assertEquals(0, dropped.exitCode(), dropped.toString());
        assertEquals(id, dropped.json().path("dropped").asText());
        assertEquals(0, cli("manage", "--list-deployments", "--json").json().path("deployments").size());
        CliRun.Result again = cli("manage", "--drop-deployment", id);
        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.err().contains("no deployment '" + id + "'"), again.toString());
    }

    private static CliRun.Result cli(String... args) {
        return CliRun.against(cluster.socketPath(), args);
    }

    /** The live nodes whose reports hold the project. */
    private static Set<String> holders(String project) {
        Set<String> holders = new TreeSet<>();
        for (JsonNode w : cli("manage", "--list-workloads", "--project", project, "--json").json().path("workloads")) {
            if (w.path("node_state").asText().equals("alive")) {
                holders.add(w.path("node").asText());
            }
        }
        return holders;
    }

    /** Waits until the live nodes holding the project are exactly these. */
    private static void awaitHolders(String project, Set<String> nodes, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        Set<String> holders = Set.of();
        while (System.currentTimeMillis() < deadline) {
            holders = holders(project);
            if (holders.equals(nodes)) {
                return;
            }
            Thread.sleep(200);
        }
        fail("project '" + project + "' should be on " + nodes + " (live), is on " + holders);
    }
}
