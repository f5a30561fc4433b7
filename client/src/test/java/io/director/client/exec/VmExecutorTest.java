package io.director.client.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.director.client.cache.NodeCache;
import io.director.client.cache.NodeVariables;
import io.director.client.driver.vm.QemuVmDriver;
import io.director.client.driver.vm.TestVms;
import io.director.dsl.wire.NodeState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole life of one VM booted for real under QEMU with software emulation (one boot per run). */
class VmExecutorTest {

    private static final Logger LOG = Logger.getLogger(VmExecutorTest.class.getName());
    /** First boots on a fresh machine took up to 35 s. */
    private static final long BOOT_DEADLINE_MILLIS = 90_000;

    @TempDir
    Path dir;

    private NodeCache cache;
    private ProcessRunner processes;
    private NodeVariables variables;
    private Long pidToReap;

    @AfterEach
    void close() {
        if (pidToReap != null) {
            // a failed test must not leave a guest running
            ProcessHandle.of(pidToReap).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (processes != null) {
            processes.close();
        }
        if (cache != null) {
            cache.close();
        }
    }

    @Test
    void aKernelVmBootsReportsItsStateIsAdoptedAgainStopsAndIsDestroyed() throws Exception {
        Path kernel = TestVms.kernel();
        Path initrd = TestVms.initramfs(dir);
        cache = NodeCache.open(dir.resolve("cache"));
        processes = new ProcessRunner();
        variables = new NodeVariables(cache);
        VmExecutor vm = executor();
        String create = "--memory 256M --cpus 1 --disk 64M --kernel " + kernel + " --initrd " + initrd
                + " --append 'console=ttyS0 quiet panic=-1' create t1";

        Execution created = run(vm, create);
        assertEquals(NodeState.SUCCESS, created.state(), created.info());
        assertTrue(created.stdout().startsWith("created t1 (disk "), created.stdout());
        assertEquals("unchanged", run(vm, create).stdout());
        Execution other = run(vm, create.replace("256M", "512M"));
        assertEquals(NodeState.FAILED, other.state());
        assertEquals("VM 't1' exists with another spec: --memory is '256M', asked '512M'; destroy it first or ask "
                + "for it as it is", other.info());
        assertEquals("created", status(vm).path("state").asText());

        long bootStarted = System.nanoTime();
        Execution started = run(vm, "start t1");
        assertEquals(NodeState.SUCCESS, started.state(), started.info());
        assertTrue(started.stdout().matches("started t1 \\(pid \\d+, accel tcg\\)"), started.stdout());
        JsonNode running = status(vm);
        pidToReap = running.path("pid").asLong();
        assertEquals("unchanged", run(vm, "start t1").stdout());

        Path consoleLog = Path.of(running.path("console_log").asText());
        awaitMarker(consoleLog);
        long bootMillis = (System.nanoTime() - bootStarted) / 1_000_000;
        LOG.info(() -> "test VM reached its marker " + bootMillis + " ms after start (tcg)");

        running = status(vm);
        assertEquals("running", running.path("state").asText());
        assertEquals("tcg", running.path("accel").asText());
        assertEquals("running", running.path("guest").asText(), "QMP query-status");
        assertEquals("256M", running.path("spec").path("memory").asText());
        assertEquals(dir.resolve("cache/vms/t1/console.log").toString(), consoleLog.toString());
        Execution console = run(vm, "--lines 3 console t1");
        assertTrue(console.stdout().contains(TestVms.MARKER), console.stdout());
        assertTrue(console.stdout().lines().count() <= 3, console.stdout());

        // A restarted client daemon: a new driver over the same cache finds the VM still running.
        JsonNode adopted = status(executor());
        assertEquals("running", adopted.path("state").asText());
        assertEquals(pidToReap, adopted.path("pid").asLong());
        assertEquals("running", adopted.path("guest").asText());
        JsonNode list = json(run(executor(), "list").stdout());
        assertEquals(1, list.size());
        assertEquals("t1", list.get(0).path("name").asText());

        Execution refused = run(vm, "destroy t1");
        assertEquals(NodeState.FAILED, refused.state());
        assertEquals("VM 't1' is running: stop it first or pass --force", refused.info());

        // The test guest has no ACPI daemon, so the power-off goes unanswered and the grace ends it.
        Execution stopped = run(vm, "--timeout 1 stop t1");
        assertEquals(NodeState.SUCCESS, stopped.state(), stopped.info());
        assertEquals("stopped t1 (forced off after 1 s)", stopped.stdout());
        assertFalse(ProcessHandle.of(pidToReap).map(ProcessHandle::isAlive).orElse(false), "QEMU is gone");
        assertEquals("unchanged", run(vm, "stop t1").stdout());
        JsonNode off = status(vm);
        assertEquals("stopped", off.path("state").asText());
        assertTrue(off.path("pid").isNull());

        assertEquals("destroyed t1", run(vm, "destroy t1").stdout());
        assertFalse(Files.exists(dir.resolve("cache/vms/t1")));
        assertEquals("[]", run(vm, "list").stdout().strip());
        assertEquals("unchanged", run(vm, "destroy t1").stdout());
        Execution gone = run(vm, "status t1");
        assertEquals("no VM 't1' on this node: create it first", gone.info());
    }

    @Test
    void createAndPlanCompareTheCloudInitFilesContentNotOnlyItsPath() throws Exception {
        cache = NodeCache.open(dir.resolve("cache"));
        processes = new ProcessRunner();
        variables = new NodeVariables(cache);
        VmExecutor vm = executor();
        Path kernel = Files.writeString(dir.resolve("vmlinuz"), "never booted here");
        Path userData = Files.writeString(dir.resolve("user-data"), "#cloud-config\nhostname: ci\n");
        String create = "--profile CS0 --accel tcg --kernel " + kernel + " --cloud-init " + userData + " create ci";

        assertEquals("run", vm.plan(TestJobs.context(variables, "VM", create)));
        Execution created = run(vm, create);
        assertEquals(NodeState.SUCCESS, created.state(), created.info());
        assertEquals("unchanged", vm.plan(TestJobs.context(variables, "VM", create)));
        assertEquals("unchanged", run(vm, create).stdout());
        JsonNode spec = json(run(vm, "status ci").stdout()).path("spec");
        assertEquals(userData.toString(), spec.path("cloud_init").asText());
        assertEquals(64, spec.path("cloud_init_sha256").asText().length());

        Files.writeString(userData, "#cloud-config\nhostname: other\n");
        assertEquals("run", vm.plan(TestJobs.context(variables, "VM", create)), "same path, other content");
        Execution changed = run(vm, create);
        assertEquals(NodeState.FAILED, changed.state());
        assertTrue(changed.info().startsWith("VM 'ci' exists with another spec: the --cloud-init content's sha-256 is '"),
                changed.info());
        Files.delete(userData);
        Execution missing = run(vm, create);
        assertEquals("VM 'ci': --cloud-init '" + userData + "' is not a file on this node", missing.info());
        assertEquals("destroyed ci", run(vm, "destroy ci").stdout());
    }

    private VmExecutor executor() {
        return new VmExecutor(new QemuVmDriver(dir.resolve("cache/vms"), cache, processes, "qemu-system-x86_64",
                "qemu-img"));
    }

    private Execution run(VmExecutor vm, String arguments) throws Exception {
        return vm.execute(TestJobs.context(variables, "VM", arguments));
    }

    private JsonNode status(VmExecutor vm) throws Exception {
        Execution status = run(vm, "status t1");
        assertEquals(NodeState.SUCCESS, status.state(), status.info());
        return json(status.stdout());
    }

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    private static void awaitMarker(Path consoleLog) throws Exception {
        TestVms.awaitMarker(consoleLog, BOOT_DEADLINE_MILLIS);
    }
}
