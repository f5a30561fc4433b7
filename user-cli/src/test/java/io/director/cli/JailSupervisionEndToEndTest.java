package io.director.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.cli.cluster.LocalCluster;
import io.director.dsl.wire.WireCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Supervision of real jails through a real client daemon: {@code --restart always} brings a jail
 * back after its init is SIGKILLed, and {@code --autostart} brings one back when the client daemon
 * starts again. Needs Linux, root, unshare and nsenter, like the driver's own tests.
 */
class JailSupervisionEndToEndTest {

    private static final String NODE = "jailhost";
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    static LocalCluster cluster;
    private final List<String> jails = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux"), "jails need Linux");
        assertEquals("root", System.getProperty("user.name"), "jail tests need root (namespaces, mounts, chroot)");
        assertTrue(Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/bin/nsenter")),
                "jail tests need unshare and nsenter (util-linux) on this host");
        cluster = new LocalCluster(dir, 1, List.of());
        cluster.startServer(60_000);
        cluster.startClient(NODE, List.of());
        cluster.awaitNodes(List.of(NODE), 60_000);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void destroyJails() throws Exception {
        if (!cluster.client(NODE).isAlive()) {
            restartClient();
        }
        for (String name : jails) {
            jail("--force destroy " + name);
        }
    }

    @Test
    void aJailWhoseInitIsKilledIsRestartedBySupervisionAndDestroyGetsRidOfIt() throws Exception {
        jails.add("sup1");
        assertEquals("created\n", ok(jail("--template busybox --restart always create sup1")));
        assertEquals("started\n", ok(jail("start sup1")));
        JsonNode before = status("sup1");
        assertEquals("running", before.path("state").asText(), before.toString());
        assertEquals(0, before.path("restarts").asLong());
        long pid = before.path("pid").asLong();

        kill(pid);

        JsonNode after = awaitStatus("sup1", s -> s.path("state").asText().equals("running")
                && s.path("pid").asLong() != pid && s.path("restarts").asLong() >= 1);
        assertNotEquals(pid, after.path("pid").asLong());
        assertTrue(ProcessHandle.of(after.path("pid").asLong()).map(ProcessHandle::isAlive).orElse(false),
                "the new init is a live process: " + after);
        JsonNode exec = jail("exec sup1 -- hostname");
        assertEquals("sup1\n", ok(exec), "the restarted jail is usable");

        assertEquals("destroyed\n", ok(jail("--force destroy sup1")));
        JsonNode gone = jail("status sup1");
        assertEquals("failed", gone.path("state").asText(), gone.toString());
        assertTrue(gone.path("info").asText().contains("no jail 'sup1' on this node"), gone.toString());
        assertTrue(ProcessHandle.of(after.path("pid").asLong()).map(h -> !h.isAlive()).orElse(true),
                "destroy ended the restarted init");
    }

    @Test
    void anAutostartJailIsStartedAgainWhenTheClientDaemonStarts() throws Exception {
        jails.add("auto1");
        assertEquals("created\n", ok(jail("--template busybox --autostart create auto1")));
        assertEquals("started\n", ok(jail("start auto1")));
        long pid = status("auto1").path("pid").asLong();

        Process client = cluster.client(NODE);
        client.destroy();
        assertTrue(client.waitFor(30, TimeUnit.SECONDS), "the client daemon stops on SIGTERM");
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                "the jail outlives the client daemon");
        // the jail's own stop needs the client daemon: while it is down, the jail ends as on a crash
        kill(pid);

        restartClient();
        JsonNode after = awaitStatus("auto1", s -> s.path("state").asText().equals("running"));
        assertNotEquals(pid, after.path("pid").asLong(), after.toString());
        assertEquals(0, after.path("restarts").asLong(), "an autostart is not a supervision restart");
    }

    private static void restartClient() {
        cluster.startClient(NODE, List.of());
        cluster.awaitNodes(List.of(NODE), 60_000);
    }

    /** SIGKILL to a jail's init, and wait until it is gone. */
    private static void kill(long pid) throws InterruptedException {
        ProcessHandle init = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid));
        assertTrue(init.destroyForcibly(), "SIGKILL to " + pid);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (init.isAlive()) {
            if (System.nanoTime() > deadline) {
                fail("init " + pid + " still alive 10 s after SIGKILL");
            }
            Thread.sleep(50);
        }
    }

    /** One JAIL job on the node; the node's part of the job's JSON. */
    private static JsonNode jail(String payload) {
        CliRun.Result result = CliRun.against(cluster.socketPath(), "exec", "--verb", "JAIL", "--target", NODE,
                "--wait", "--json", payload);
        return result.json().path("nodes").path(NODE);
    }

    private static String ok(JsonNode node) {
        assertEquals("success", node.path("state").asText(), node.toString());
        return node.path("stdout").asText();
    }

    private static JsonNode status(String name) {
        try {
            return WireCodec.mapper().readTree(ok(jail("status " + name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code JAIL status} until it matches; a job that fails meanwhile (client restarting) is tried again. */
    private static JsonNode awaitStatus(String name, Predicate<JsonNode> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            JsonNode node = jail("status " + name);
            if (node.path("state").asText().equals("success")) {
                try {
                    JsonNode status = WireCodec.mapper().readTree(node.path("stdout").asText());
                    if (wanted.test(status)) {
                        return status;
                    }
                    last = status.toString();
                } catch (IOException e) {
                    last = node.toString();
                }
            } else {
                last = node.toString();
            }
            Thread.sleep(250);
        }
        return fail("jail " + name + " not as expected within " + DEADLINE.toSeconds() + " s; last: " + last);
    }
}
