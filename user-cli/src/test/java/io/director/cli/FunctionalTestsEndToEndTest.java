package io.director.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.cli.cluster.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code orchestrations/functional-tests.yaml} — every verb and option — against a real server
 * and two real clients, and ADD of a multi-megabyte binary file.
 */
class FunctionalTestsEndToEndTest {

    @TempDir
    static Path dir;

    static LocalCluster cluster;
    static Path workspace;
    static final String OWNER = System.getProperty("user.name");

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster(dir, 1, List.of());
        cluster.startServer(60_000);
        cluster.startClient("web1", List.of("--labels", "role=web"));
        cluster.startClient("db1", List.of("--labels", "role=db"));
        cluster.awaitNodes(List.of("web1", "db1"), 60_000);
        workspace = dir.resolve("workspace");
        Files.createDirectories(workspace);
        for (String arg : List.of("workspace " + workspace, "owner " + OWNER)) {
            CliRun.Result set = cli("exec", "--verb", "ARG", "--wait", arg);
            assertEquals(0, set.exitCode(), set.toString());
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static CliRun.Result cli(String... args) {
        return CliRun.against(cluster.socketPath(), args);
    }

    private static Path functionalTests() throws Exception {
        return Path.of(FunctionalTestsEndToEndTest.class.getResource("/orchestrations/functional-tests.yaml").toURI());
    }

    @Test
    void everyVerbAndOptionOfTheFunctionalTestsSucceedsOnEveryNode() throws Exception {
        CliRun.Result result = cli("orchestrate", functionalTests().toString(), "--wait", "--json");
        assertEquals(0, result.exitCode(), result.toString());
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode job : result.json().path("jobs")) {
            assertTrue(List.of("success").contains(job.path("state").asText()), job.toString());
            if (!job.path("name").isNull()) {
                byName.put(job.path("name").asText(), job);
            }
        }
        for (String node : List.of("web1", "db1")) {
            assertEquals("hello from env / wget,curl", stdout(byName, "check variables", node));
            assertEquals("web-" + node + " listens on 8080 with wget, curl", stdout(byName, "check cachefile", node));
            assertEquals("stderr said careful", stdout(byName, "check stderr arg", node));
            assertEquals("2 nodes answered", stdout(byName, "check query", node));
            assertTrue(byName.get("retried").path("nodes").path(node).path("info").asText().contains("attempt 2"));

            Path etc = workspace.resolve(node).resolve("etc");
            assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(etc)));
            Path conf = etc.resolve("app.conf");
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
            assertEquals(OWNER, Files.getOwner(conf, LinkOption.NOFOLLOW_LINKS).getName());
            assertEquals(Files.readString(conf), Files.readString(etc.resolve("app.conf.copy")));
            assertTrue(Files.readString(etc.resolve("settings.yaml")).contains("service_name: web-" + node));
        }
        long ranOnce = List.of("web1", "db1").stream()
                .filter(n -> Files.exists(workspace.resolve("once-" + n))).count();
        assertEquals(1, ranOnce, "--run-once ran on exactly one node");
        assertEquals("always runs", byName.get("always runs").path("name").asText());
    }

    private static String stdout(Map<String, JsonNode> byName, String job, String node) {
        JsonNode found = byName.get(job);
        assertTrue(found != null, "no job named " + job);
        return found.path("nodes").path(node).path("stdout").asText();
    }

    @Test
    void aMultiMegabyteBinaryFileArrivesByteIdenticalWithOwnerAndModeAndIsNotSentTwice() throws Exception {
        byte[] data = new byte[8 * 1024 * 1024 + 12345];
        new Random(42).nextBytes(data);
        Path source = dir.resolve("payload.bin");
        Files.write(source, data);
        String destination = workspace + "/binary/{{ node.identity }}/";
        String add = "--chmod 0600 --chown " + OWNER + " " + source + " " + destination;

        CliRun.Result first = cli("exec", "--verb", "ADD", "--wait", "--json", add);
        assertEquals(0, first.exitCode(), first.toString());
        for (String node : List.of("web1", "db1")) {
            Path arrived = workspace.resolve("binary").resolve(node).resolve("payload.bin");
            assertArrayEquals(sha256(data), sha256(Files.readAllBytes(arrived)), "byte-identical on " + node);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(arrived)));
            assertEquals(OWNER, Files.getOwner(arrived).getName());
            assertTrue(first.json().path("nodes").path(node).path("stdout").asText().contains("copied"),
                    first.json().toString());
        }

        CliRun.Result again = cli("exec", "--verb", "ADD", "--wait", "--json", "--skip-cache " + add);
        assertEquals(0, again.exitCode(), again.toString());
        for (String node : List.of("web1", "db1")) {
            String out = again.json().path("nodes").path(node).path("stdout").asText();
            assertTrue(out.startsWith("unchanged"), "the identical file is not transferred again: " + out);
        }
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    @Test
    void anAddOfAMissingFileIsRefusedBeforeAnythingIsStored() {
        CliRun.Result result = cli("exec", "--verb", "ADD", dir.resolve("nope-*.conf") + " /tmp/");
        assertEquals(ExitCodes.INVALID_INPUT, result.exitCode(), result.toString());
        assertTrue(result.err().contains("no file matches"), result.err());
    }

    @Test
    void theSeedExampleOfKeysThenPackagesRunsHere() throws Exception {
        Path homes = dir.resolve("homes");
        CliRun.Result home = cli("exec", "--verb", "ARG", "--wait", "home " + homes + "/{{ node.identity }}");
        assertEquals(0, home.exitCode(), home.toString());
        Path seed = Path.of(FunctionalTestsEndToEndTest.class.getResource("/orchestrations/ssh-keys-and-packages.yaml")
                .toURI());
        CliRun.Result result = cli("orchestrate", seed.toString(), "--wait", "--json");
        assertEquals(0, result.exitCode(), result.toString());
        for (String node : List.of("web1", "db1")) {
            Path ssh = homes.resolve(node).resolve(".ssh");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ssh)));
            Path keys = ssh.resolve("authorized_keys");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
            assertTrue(Files.readString(keys).startsWith("ssh-ed25519 "));
        }
        CliRun.Result plan = cli("orchestrate", seed.toString(), "--plan");
        assertEquals(0, plan.exitCode(), "a second run changes nothing: " + plan);
    }

    @Test
    void theJailWebServerExampleServesItsPageInsideTheJailAndIsUnchangedTheSecondTime() throws Exception {
        Path example = Path.of(FunctionalTestsEndToEndTest.class.getResource("/orchestrations/jail-web-server.yaml")
                .toURI());
        try {
            for (int run = 1; run <= 2; run++) {
                CliRun.Result result = cli("orchestrate", example.toString(), "--target", "web1", "--wait", "--json");
                assertEquals(0, result.exitCode(), "run " + run + ": " + result);
                Map<String, JsonNode> byName = new HashMap<>();
                List<JsonNode> jobs = new java.util.ArrayList<>();
                result.json().path("jobs").forEach(job -> {
                    jobs.add(job);
                    if (!job.path("name").isNull()) {
                        byName.put(job.path("name").asText(), job);
                    }
                });
                assertTrue(stdout(byName, "check from inside", "web1").contains("Served from a jail on web1"),
                        byName.get("check from inside").toString());
                String create = jobs.get(2).path("nodes").path("web1").path("stdout").asText();
                assertTrue(create.startsWith(run == 1 ? "created" : "unchanged"), "run " + run + ": " + create);
            }
            CliRun.Result plan = cli("orchestrate", example.toString(), "--target", "web1", "--plan", "--json");
            JsonNode planned = plan.json().path("jobs");
            assertEquals("unchanged", planned.get(2).path("nodes").path("web1").asText(), plan.out());
            assertEquals("unchanged", planned.get(3).path("nodes").path("web1").asText(), "already running");
            assertEquals("run", planned.get(4).path("nodes").path("web1").asText(), "exec always runs");
        } finally {
            cli("exec", "--verb", "JAIL", "--target", "web1", "--wait", "--force destroy web");
        }
    }

    @Test
    void theVmExampleBootsAKernelUntilItsConsoleSaysSo() throws Exception {
        Path kernel = io.director.client.driver.vm.TestVms.kernel();
        Path initrd = io.director.client.driver.vm.TestVms.initramfs(dir.resolve("vm-example"));
        for (String arg : List.of("vm_kernel " + kernel, "vm_initrd " + initrd,
                "vm_marker " + io.director.client.driver.vm.TestVms.MARKER)) {
            assertEquals(0, cli("exec", "--verb", "ARG", "--target", "db1", "--wait", arg).exitCode());
        }
        Path example = Path.of(FunctionalTestsEndToEndTest.class.getResource("/orchestrations/vm-from-kernel.yaml")
                .toURI());
        try {
            CliRun.Result result = cli("orchestrate", example.toString(), "--target", "db1", "--wait", "--json");
            assertEquals(0, result.exitCode(), result.toString());
            Map<String, JsonNode> byName = new HashMap<>();
            result.json().path("jobs").forEach(job -> {
                if (!job.path("name").isNull()) {
                    byName.put(job.path("name").asText(), job);
                }
            });
            assertTrue(stdout(byName, "console", "db1").contains(io.director.client.driver.vm.TestVms.MARKER),
                    byName.get("console").toString());
        } finally {
            cli("exec", "--verb", "VM", "--target", "db1", "--wait", "--force destroy demo");
        }
    }
}
