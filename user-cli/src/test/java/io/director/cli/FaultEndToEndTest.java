package io.director.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.cli.cluster.LocalCluster;
import io.director.server.node.NodeView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crashes and refusals with real processes: the server killed with SIGKILL, clients killed
 * mid-job, a wrong shared key, a stolen identity. Nothing acknowledged may be lost, every job
 * must reach a final state, and refusals must be said clearly, never hang.
 */
class FaultEndToEndTest {

    private static final long DEADLINE_MILLIS = 60_000;

    @TempDir
    Path dir;

    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private LocalCluster cluster(List<String> serverArgs, String... clients) {
        return cluster(1, serverArgs, clients);
    }

    private LocalCluster cluster(double heartbeatSeconds, List<String> serverArgs, String... clients) {
        cluster = new LocalCluster(dir, heartbeatSeconds, serverArgs);
        cluster.startServer(DEADLINE_MILLIS);
        for (String client : clients) {
            cluster.startClient(client, serverArgs.contains("--shared-key")
                    ? List.of("--shared-key", serverArgs.get(serverArgs.indexOf("--shared-key") + 1)) : List.of());
        }
        cluster.awaitNodes(List.of(clients), DEADLINE_MILLIS);
        return cluster;
    }

    private CliRun.Result cli(String... args) {
        return CliRun.against(cluster.socketPath(), args);
    }

    private String submit(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "exec";
        all[1] = "--verb";
        System.arraycopy(args, 0, all, 2, args.length);
        CliRun.Result result = cli(all);
        assertEquals(0, result.exitCode(), result.toString());
        return result.out().trim();
    }

    private JsonNode job(String id) {
        CliRun.Result info = cli("manage", "--job-info", id, "--json");
        assertEquals(0, info.exitCode(), info.toString());
        return info.json();
    }

    /** Polls a job until the condition holds; fails with the last state seen at the deadline. */
    private JsonNode awaitJob(String id, Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        JsonNode job = job(id);
        while (!condition.test(job)) {
            assertTrue(System.currentTimeMillis() < deadline, "condition not met in time: " + job);
            Thread.sleep(50);
            job = job(id);
        }
        return job;
    }

    private static String nodeState(JsonNode job, String node) {
        return job.path("nodes").path(node).path("state").asText();
    }

    @Test
    void serverKilledAndRestartedStillListsEveryJobAndClientsComeBack() throws Exception {
        cluster(List.of(), "n1", "n2");
        CliRun.Result ok = cli("exec", "--verb", "RUN", "--wait", "--json", "echo before-crash");
        assertEquals(0, ok.exitCode(), ok.toString());
        CliRun.Result failed = cli("exec", "--verb", "RUN", "--wait", "--json", "--target", "n2", "exit 3");
        String okId = ok.json().path("job_id").asText();
        String failedId = failed.json().path("job_id").asText();

        CliRun.Result once = cli("exec", "--verb", "RUN", "--wait", "--json", "--run-once echo once-only");
        assertEquals(0, once.exitCode(), once.toString());

        cluster.killServer();
        cluster.startServer(DEADLINE_MILLIS);

        CliRun.Result onceAgain = cli("exec", "--verb", "RUN", "--wait", "--json", "--run-once echo once-only");
        for (JsonNode node : onceAgain.json().path("nodes")) {
            assertEquals("skipped", node.path("state").asText(), "run-once holds across a server restart");
        }
        JsonNode okAfter = job(okId);
        assertEquals(ok.json().path("nodes"), okAfter.path("nodes"), "every result survives the crash");
        assertEquals("success", okAfter.path("state").asText());
        assertEquals(3, job(failedId).path("nodes").path("n2").path("exit_code").asInt());

        // The clients notice and say hello again on their own: a new job reaches both.
        CliRun.Result after = cli("exec", "--verb", "RUN", "--wait", "--wait-timeout", "60", "--json",
                "echo after-restart");
        assertEquals(0, after.exitCode(), after.toString());
        assertEquals("after-restart\n", after.json().path("nodes").path("n1").path("stdout").asText());
        assertEquals("after-restart\n", after.json().path("nodes").path("n2").path("stdout").asText());
    }

    @Test
    void resultOfAJobThatFinishesWhileTheServerIsDownIsNotLost() throws Exception {
        cluster(List.of(), "n1");
        String id = submit("RUN", "sleep 2; echo finished-while-server-down");
        awaitJob(id, j -> nodeState(j, "n1").equals("processing"));
        cluster.killServer();
        Thread.sleep(2500); // the job ends while no server is there to hear it
        cluster.startServer(DEADLINE_MILLIS);
        JsonNode done = awaitJob(id, j -> nodeState(j, "n1").equals("success"));
        assertEquals("finished-while-server-down\n", done.path("nodes").path("n1").path("stdout").asText());
    }

    @Test
    void aFileJobQueuedWhenTheServerRestartsIsFetchedWithTheKeyTheRestartedServerSends() throws Exception {
        cluster(List.of(), "n1"); // encrypted: chunks are sealed with a key per node and job
        Path source = Files.writeString(dir.resolve("app.conf"), "listen 80\n".repeat(50_000));
        Path target = dir.resolve("placed");
        Path go = dir.resolve("go");
        // The first job holds the node's main queue until the test says; the ADD waits behind it.
        String holder = submit("RUN", "--target", "n1", "while [ ! -e " + go + " ]; do sleep 0.1; done");
        awaitJob(holder, j -> nodeState(j, "n1").equals("processing"));
        String add = submit("ADD", "--target", "n1", source + " " + target + "/");

        Path serverLog = dir.resolve("server.log");
        long hellos = hellos(serverLog, "n1");
        cluster.killServer();
        cluster.startServer(DEADLINE_MILLIS);
        // The node says hello to the restarted server, which answers by sending the unfinished
        // jobs again: the ADD now with a key of its own. Only then may the ADD start.
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (hellos(serverLog, "n1") == hellos) {
            assertTrue(System.currentTimeMillis() < deadline, "n1 never said hello to the restarted server");
            Thread.sleep(100);
        }
        Thread.sleep(500); // the resend follows the hello on the server's loop; give it the time to arrive
        Files.createFile(go);

        JsonNode done = awaitJob(add, j -> List.of("success", "failed", "skipped", "cancelled")
                .contains(nodeState(j, "n1")));
        assertEquals("success", nodeState(done, "n1"), done.toString());
        assertEquals(Files.readString(source), Files.readString(target.resolve("app.conf")));
    }

    @Test
    void clientKilledForGoodFailsItsJobAsUnreachableWithoutHoldingUpOthers() throws Exception {
        cluster(List.of(), "n1", "n2");
        String id = submit("RUN", "--target", "n2", "sleep 20");
        awaitJob(id, j -> nodeState(j, "n2").equals("processing"));
        cluster.killClient("n2");
        long killed = System.currentTimeMillis();

        CliRun.Result other = cli("exec", "--verb", "RUN", "--wait", "--json", "--target", "n1", "echo unaffected");
        assertEquals(0, other.exitCode(), other.toString());
        assertTrue(System.currentTimeMillis() - killed < 2500, "the live node was not held up");

        JsonNode failed = awaitJob(id, j -> nodeState(j, "n2").equals("failed"));
        assertEquals("node unreachable", failed.path("nodes").path("n2").path("info").asText());
        long took = System.currentTimeMillis() - killed;
        assertTrue(took < 3 * 1000 + 2000, "failed within three heartbeat intervals, took " + took + " ms");
        NodeView n2 = cluster.nodes().stream().filter(n -> n.identity().equals("n2")).findFirst().orElseThrow();
        assertEquals("expired", n2.state());

        CliRun.Result toDead = cli("exec", "--verb", "RUN", "--wait", "--json", "--target", "n2", "true");
        assertEquals(ExitCodes.FAILED, toDead.exitCode(), toDead.toString());
        assertEquals("node unreachable", toDead.json().path("nodes").path("n2").path("info").asText());
    }

    @Test
    void clientRestartedMidJobReportsItFailedAndRunsWhatItHadNotStarted() throws Exception {
        cluster(List.of(), "n1");
        String running = submit("RUN", "sleep 20");
        String waiting = submit("RUN", "echo ran-after-restart");
        awaitJob(running, j -> nodeState(j, "n1").equals("processing"));
        cluster.killClient("n1");
        cluster.startClient("n1", List.of());

        // If the restart takes longer than the expiry, the job is first failed as unreachable;
        // the restarted client's own report then replaces that, since it knows better.
        JsonNode first = awaitJob(running, j -> j.path("nodes").path("n1").path("info").asText()
                .equals("client restarted"));
        assertEquals("failed", nodeState(first, "n1"));
        JsonNode second = awaitJob(waiting, j -> nodeState(j, "n1").equals("success"));
        assertEquals("ran-after-restart\n", second.path("nodes").path("n1").path("stdout").asText());
    }

    @Test
    void aSecondClientOnTheSameCachePathIsRefusedAndTheFirstRunsOn() throws Exception {
        cluster(List.of(), "n1");
        Path cache = dir.resolve("nodes").resolve("n1");
        // Started twice (by a unit and by hand, say): two daemons on one inbox would run its jobs twice.
        Process twin = cluster.startClient("n1-twin", cache, dir.resolve("twin.log"), List.of());
        assertTrue(twin.waitFor(30, TimeUnit.SECONDS), "a refused client must not hang");
        assertEquals(ExitCodes.FAILED, twin.exitValue());
        String log = Files.readString(dir.resolve("twin.log"));
        assertTrue(log.contains("director client: the node cache in " + cache
                + " is held by another client: one client per --cache-path"), log);
        String id = submit("RUN", "echo still-served");
        JsonNode done = awaitJob(id, j -> nodeState(j, "n1").equals("success"));
        assertEquals("still-served\n", done.path("nodes").path("n1").path("stdout").asText());
    }

    @Test
    void jobsSubmittedWhileAClientIsDownAreDeliveredWhenItReturns() throws Exception {
        // Expiry after 6 s: ample time for a restart, so the job is never failed as unreachable.
        cluster(2, List.of(), "n1");
        cluster.killClient("n1");
        // The node is still within its expiry period: the job waits for it instead of failing.
        String id = submit("RUN", "echo delivered-late");
        cluster.startClient("n1", List.of());
        JsonNode done = awaitJob(id, j -> nodeState(j, "n1").equals("success"));
        assertEquals("delivered-late\n", done.path("nodes").path("n1").path("stdout").asText());
    }

    @Test
    void wrongSharedKeyIsRefusedClearlyAndTheNodeNeverAppears() throws Exception {
        cluster(List.of("--shared-key", "right-key"), "good");
        Process bad = cluster.startClient("intruder", List.of("--shared-key", "wrong-key"));
        assertTrue(bad.waitFor(30, TimeUnit.SECONDS), "a refused client must not hang");
        assertEquals(ExitCodes.REFUSED, bad.exitValue());
        String log = Files.readString(dir.resolve("intruder.log"));
        // The intruder derives the server key from its wrong shared key: the server cannot read its
        // CURVE hello, and the node gives up after three dropped handshakes, saying why.
        assertTrue(log.contains("director client: refused by the server: the server at tcp://127.0.0.1:"), log);
        assertTrue(log.contains("so the shared keys differ"), log);
        assertFalse(cluster.nodes().stream().anyMatch(n -> n.identity().equals("intruder")));

        Process keyless = cluster.startClient("keyless", List.of());
        assertTrue(keyless.waitFor(30, TimeUnit.SECONDS));
        assertEquals(ExitCodes.REFUSED, keyless.exitValue());
        assertTrue(Files.readString(dir.resolve("keyless.log")).contains("no server key: give --server-key"));
    }

    @Test
    void anotherKeyNeverTakesAnIdentityOverUntilTheOperatorDeletesTheOldKey() throws Exception {
        cluster(List.of(), "web");
        String firstMachine = cluster.nodes().get(0).machineId();
        // Same identity "web" from another installation: another cache path, so another key.
        Path impostorLog = dir.resolve("impostor.log");
        Process duplicate = cluster.startClient("web", dir.resolve("other-machine"), impostorLog, List.of());
        awaitLog(impostorLog, "not enrolled: identity 'web' is enrolled with another key");
        assertTrue(duplicate.isAlive(), "a refused node keeps asking, with backoff");
        assertTrue(Files.readString(dir.resolve("server.log")).contains("refused node 'web'"));
        CliRun.Result still = cli("exec", "--verb", "RUN", "--wait", "--target", "web", "true");
        assertEquals(0, still.exitCode(), "the first node keeps working: " + still);

        // Even once the first node is gone, its identity stays its key's: no takeover by a shared key.
        cluster.killClient("web");
        long expired = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (!cluster.nodes().get(0).state().equals("expired")) {
            assertTrue(System.currentTimeMillis() < expired, "the first node never expired");
            Thread.sleep(100);
        }
        assertEquals(firstMachine, cluster.nodes().get(0).machineId());

        JsonNode keys = cli("keys", "list", "--json").json();
        String oldKey = null;
        for (JsonNode key : keys.path("keys")) {
            if (key.path("state").asText().equals("accepted")) {
                oldKey = key.path("fingerprint").asText();
            }
        }
        assertNotNull(oldKey, keys.toString());
        CliRun.Result deleted = cli("keys", "delete", "web", "--key", oldKey.substring(0, 12));
        assertEquals(0, deleted.exitCode(), deleted.toString());

        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (cluster.nodes().isEmpty() || cluster.nodes().get(0).machineId().equals(firstMachine)
                || !cluster.nodes().get(0).state().equals("alive")) {
            assertTrue(System.currentTimeMillis() < deadline, "the second machine was never enrolled");
            Thread.sleep(100);
        }
        CliRun.Result after = cli("exec", "--verb", "RUN", "--wait", "--target", "web", "true");
        assertEquals(0, after.exitCode(), after.toString());
    }

    /** How many hellos of {@code node} the server logged (it logs each as enrolled or connected). */
    private static long hellos(Path log, String node) throws java.io.IOException {
        return Files.readAllLines(log).stream()
                .filter(line -> line.contains("node " + node + " enrolled (")
                        || line.contains("node " + node + " connected ("))
                .count();
    }

    private static void awaitLog(Path log, String text) throws Exception {
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (!Files.exists(log) || !Files.readString(log).contains(text)) {
            assertTrue(System.currentTimeMillis() < deadline, "log " + log + " never said: " + text);
            Thread.sleep(100);
        }
    }

    @Test
    void cliWithoutAServerExitsThreeNamingTheSocket() {
        Path socket = dir.resolve("nobody-home.sock");
        CliRun.Result result = CliRun.against(socket, "manage", "--list-nodes");
        assertEquals(ExitCodes.UNREACHABLE, result.exitCode(), result.toString());
        assertTrue(result.err().contains("cannot reach the server at " + socket), result.err());

        CliRun.Result json = CliRun.against(socket, "manage", "--list-nodes", "--json");
        assertEquals(ExitCodes.UNREACHABLE, json.exitCode());
        assertTrue(json.json().path("error").asText().contains(socket.toString()));
    }
}
