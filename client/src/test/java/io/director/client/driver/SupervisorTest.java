package io.director.client.driver;

import io.director.client.cache.NodeCache;
import io.director.client.driver.jail.JailDriver;
import io.director.client.driver.jail.JailDrivers;
import io.director.client.driver.jail.JailSpec;
import io.director.client.driver.jail.JailStatus;
import io.director.client.driver.vm.TestVms;
import io.director.client.driver.vm.VmDriver;
import io.director.client.driver.vm.VmDrivers;
import io.director.client.driver.vm.VmSpec;
import io.director.client.driver.vm.VmStatus;
import io.director.client.exec.ProcessRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Supervision of real jails (Linux, root, unshare/nsenter), with the real one-second rounds. */
class SupervisorTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private NodeCache cache;
    private ProcessRunner processes;
    private JailDriver jails;
    private VmDriver vms;
    private Supervisor supervisor;

    @BeforeEach
    void open() {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux"), "jails need Linux");
        assertTrue(Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/bin/nsenter")),
                "jail tests need unshare and nsenter (util-linux) on this host");
        assertEquals("root", System.getProperty("user.name"), "jail tests need root (namespaces, mounts, chroot)");
        cache = NodeCache.open(dir.resolve("cache"));
        processes = new ProcessRunner();
        jails = JailDrivers.forThisHost(dir.resolve("cache"), cache, processes);
        vms = VmDrivers.forThisHost(dir.resolve("cache"), cache, processes);
        supervisor = new Supervisor(jails, vms);
        supervisor.start();
    }

    @AfterEach
    void close() throws Exception {
        if (supervisor != null) {
            supervisor.stop();
        }
        if (jails != null) {
            for (JailStatus jail : jails.list()) {
                jails.destroy(jail.name(), true, Duration.ofSeconds(1));
            }
        }
        if (vms != null) {
            for (VmStatus vm : vms.list()) {
                vms.destroy(vm.name(), true);
            }
        }
        if (processes != null) {
            processes.close();
        }
        if (cache != null) {
            cache.close();
        }
    }

    private long running(String name, String restart, String... command) throws Exception {
        jails.create(name, new JailSpec(null, "busybox", name, "none", List.of(), null, null, List.of(), restart,
                false));
        jails.start(name, List.of(command));
        Long pid = jails.status(name).pid();
        assertTrue(pid != null, "jail " + name + " runs after start");
        return pid;
    }

    private static void kill(long pid) {
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();  // SIGKILL to the jail's init
    }

    private JailStatus await(String name, Predicate<JailStatus> condition, String what) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            JailStatus status = jails.status(name);
            if (condition.test(status)) {
                return status;
            }
            Thread.onSpinWait();
            Thread.sleep(50);
        }
        fail("jail " + name + ": " + what + " within " + DEADLINE.toSeconds() + " s; now " + jails.status(name));
        return null;
    }

    @Test
    void anAlwaysJailWhoseInitIsKilledComesBackWithANewPid() throws Exception {
        long first = running("always1", "always");

        kill(first);

        JailStatus back = await("always1", s -> s.state().equals("running") && s.pid() != first, "not restarted");
        assertNotEquals(first, back.pid());
        assertEquals(1, back.restarts());
        assertEquals("always1\n", jails.exec("always1", List.of("hostname"), 10, 1024).stdout(),
                "the restarted jail works");
    }

    @Test
    void anOnFailureJailWhoseInitIsKilledComesBack() throws Exception {
        long first = running("flaky", "on-failure", "sleep", "600");

        kill(first);

        JailStatus back = await("flaky", s -> s.state().equals("running") && s.pid() != first, "not restarted");
        assertEquals(1, back.restarts());
        assertTrue(jails.exec("flaky", List.of("ps", "-o", "comm"), 10, 4096).stdout().contains("sleep"),
                "the restart ran the start command again");
    }

    @Test
    void anOnFailureJailWhoseCommandExitsZeroStaysStopped() throws Exception {
        running("done", "on-failure", "sleep", "1");
        long marker = running("marker", "always");

        await("done", s -> s.state().equals("stopped"), "its command did not end");
        kill(marker);
        await("marker", s -> s.restarts() == 1 && s.state().equals("running"), "not restarted");

        JailStatus done = jails.status("done");
        assertEquals("stopped", done.state(), "a clean end is not restarted under on-failure");
        assertEquals(0, done.restarts());
    }

    @Test
    void aJailWithoutRestartPolicyStaysStopped() throws Exception {
        long plain = running("plain", "no");
        long marker = running("marker", "always");

        kill(plain);
        kill(marker);
        // once the supervised jail is back, the supervisor has seen both dead ones
        await("marker", s -> s.restarts() == 1 && s.state().equals("running"), "not restarted");

        JailStatus status = jails.status("plain");
        assertEquals("stopped", status.state());
        assertNull(status.pid());
        assertEquals(0, status.restarts());
    }

    @Test
    void aJailStoppedThroughStopIsNeverRestarted() throws Exception {
        running("stopped", "always");
        long marker = running("marker", "always");

        assertTrue(jails.stop("stopped", Duration.ofSeconds(5)));
        kill(marker);
        await("marker", s -> s.restarts() == 1 && s.state().equals("running"), "not restarted");

        JailStatus status = jails.status("stopped");
        assertEquals("stopped", status.state());
        assertEquals(0, status.restarts());
    }

    @Test
    void anAlwaysVmWhoseQemuIsKilledIsBootedAgainAndAStoppedOneIsNot() throws Exception {
        VmSpec spec = new VmSpec(null, "256M", 1, "64M", null, TestVms.kernel().toString(),
                TestVms.initramfs(dir).toString(), "console=ttyS0 quiet panic=-1", null, "always", false, "tcg");
        vms.create("v1", spec);
        vms.start("v1");
        long first = vms.status("v1").pid();

        kill(first);

        long deadline = System.nanoTime() + DEADLINE.toNanos();
        VmStatus back = vms.status("v1");
        while ((back.pid() == null || back.pid() == first) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            back = vms.status("v1");
        }
        assertTrue(back.pid() != null && back.pid() != first, "VM v1 not booted again: " + back);
        assertEquals(1, back.restarts());

        vms.stop("v1", Duration.ofSeconds(1), true);
        long marker = running("marker", "always");
        kill(marker);
        await("marker", s -> s.restarts() == 1 && s.state().equals("running"), "not restarted");
        assertNull(vms.status("v1").pid(), "a VM stopped through stop stays off");
        assertEquals(1, vms.status("v1").restarts());
    }
}
