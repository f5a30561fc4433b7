package io.director.client.driver.jail;

import io.director.client.cache.NodeCache;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real jails (namespaces, chroot, bind mounts): these tests need Linux, root and unshare/nsenter. */
class LinuxJailDriverTest {

    @TempDir
    Path dir;
    private NodeCache cache;
    private ProcessRunner processes;
    private LinuxJailDriver driver;

    @BeforeEach
    void open() {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux"), "jails need Linux");
        assertTrue(Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/bin/nsenter")),
                "jail tests need unshare and nsenter (util-linux) on this host");
        assertEquals("0", System.getProperty("user.name").equals("root") ? "0" : "not root",
                "jail tests need root (namespaces, mounts, chroot)");
        cache = NodeCache.open(dir.resolve("cache"));
        processes = new ProcessRunner();
        driver = driver();
    }

    private LinuxJailDriver driver() {
        return new LinuxJailDriver(dir.resolve("cache"), new JailRecords(cache), processes);
    }

    @AfterEach
    void close() throws Exception {
        if (driver != null) {
            for (JailStatus jail : driver.list()) {
                driver.destroy(jail.name(), true, Duration.ofSeconds(1));
            }
        }
        if (processes != null) {
            processes.close();
        }
        if (cache != null) {
            cache.close();
        }
    }

    private static JailSpec busybox(String hostname, List<String> mounts) {
        return new JailSpec(null, "busybox", hostname, "none", mounts, null, null, List.of("GREETING=hi"), "no",
                false);
    }

    private ProcessRunner.Outcome exec(String jail, String... command) throws Exception {
        return driver.exec(jail, List.of(command), 20, 64 * 1024);
    }

    @Test
    void aJailHasItsOwnHostnameProcessesNetworkAndFiles() throws Exception {
        assertTrue(driver.create("web", busybox("web1.test", List.of())));
        assertTrue(driver.start("web", List.of()));
        assertFalse(driver.start("web", List.of()), "a running jail starts unchanged");

        assertEquals("web1.test\n", exec("web", "hostname").stdout());
        List<String> processLines = exec("web", "ps", "-o", "pid,comm").stdout().lines().skip(1).toList();
        assertTrue(processLines.size() <= 4 && processLines.get(0).strip().startsWith("1 "),
                "only the jail's own processes: " + processLines);
        assertEquals(List.of("lo"), exec("web", "sh", "-c", "ip -o link | cut -d: -f2 | tr -d ' '").stdout().lines()
                .toList(), "only the loopback interface");
        assertEquals("hi\n", exec("web", "sh", "-c", "echo $GREETING").stdout());

        ProcessRunner.Outcome write = exec("web", "sh", "-c", "echo inside > /tmp/written; echo out; echo err >&2; "
                + "exit 3");
        assertEquals(3, write.exitCode());
        assertEquals("out\n", write.stdout());
        assertEquals("err\n", write.stderr());
        assertEquals("inside\n", Files.readString(dir.resolve("cache/jails/web/root/tmp/written")));
    }

    @Test
    void aReadOnlyMountIsReadOnlyAndDestroyKeepsEveryMountedSource() throws Exception {
        Path ro = Files.createDirectories(dir.resolve("ro-source"));
        Files.writeString(ro.resolve("keep"), "kept");
        Path rw = Files.createDirectories(dir.resolve("rw-source"));
        driver.create("data", busybox("data", List.of(ro + ":/ro:ro", rw + ":/rw")));
        driver.start("data", List.of());

        assertEquals("kept", exec("data", "cat", "/ro/keep").stdout());
        ProcessRunner.Outcome refused = exec("data", "sh", "-c", "echo x > /ro/new");
        assertNotEquals(0, refused.exitCode());
        assertTrue(refused.stderr().contains("Read-only"), refused.stderr());
        assertEquals(0, exec("data", "sh", "-c", "echo y > /rw/new").exitCode());
        assertEquals("y\n", Files.readString(rw.resolve("new")));

        String pidNs = ProcFs.pidNamespace(driver.status("data").pid());
        assertTrue(driver.destroy("data", true, Duration.ofSeconds(5)));

        assertEquals(List.of(), ProcFs.processesIn(pidNs), "no process of the jail is left");
        assertTrue(ProcFs.mountPoints().stream().noneMatch(p -> p.startsWith(dir.toString())), "no mount is left");
        assertFalse(Files.exists(dir.resolve("cache/jails/data")));
        assertEquals("kept", Files.readString(ro.resolve("keep")));
        assertEquals("y\n", Files.readString(rw.resolve("new")));
    }

    @Test
    void destroyUnmountsWhatTheHostMountedInsideTheRootBeforeRemovingIt() throws Exception {
        Path source = Files.createDirectories(dir.resolve("host-source"));
        Files.writeString(source.resolve("precious"), "data");
        driver.create("leak", busybox("leak", List.of()));
        Path mountPoint = Files.createDirectories(dir.resolve("cache/jails/leak/root/mnt/host"));
        assertEquals(0, processes.run(List.of("mount", "--bind", source.toString(), mountPoint.toString()),
                java.util.Map.of(), null, 10, 4096).exitCode());

        assertTrue(driver.destroy("leak", false, Duration.ofSeconds(1)));

        assertEquals("data", Files.readString(source.resolve("precious")));
        assertTrue(ProcFs.mountPoints().stream().noneMatch(p -> p.startsWith(dir.toString())), "no mount is left");
        assertFalse(Files.exists(dir.resolve("cache/jails/leak")));
    }

    @Test
    void stopKillsAJailThatIgnoresSigtermAfterTheGraceAndLeavesNoProcess() throws Exception {
        driver.create("stubborn", busybox("stubborn", List.of()));
        driver.start("stubborn", List.of("sh", "-c", "trap '' TERM; while :; do sleep 1; done"));
        String pidNs = ProcFs.pidNamespace(driver.status("stubborn").pid());
        assertFalse(ProcFs.processesIn(pidNs).isEmpty());
        // Its first sleep runs only once the trap is set: a SIGTERM before that would end it at once.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcFs.processesIn(pidNs).stream().noneMatch(pid -> "sleep".equals(comm(pid)))) {
            assertTrue(System.nanoTime() < deadline, "the jail's loop never started");
            Thread.sleep(10);
        }

        long started = System.nanoTime();
        assertTrue(driver.stop("stubborn", Duration.ofSeconds(1)));
        assertTrue(System.nanoTime() - started >= Duration.ofSeconds(1).toNanos(), "waited for the grace period");

        assertEquals(List.of(), ProcFs.processesIn(pidNs));
        assertEquals("stopped", driver.status("stubborn").state());
        assertFalse(driver.stop("stubborn", Duration.ofSeconds(1)), "a stopped jail stops unchanged");
        assertThrows(JailException.class, () -> exec("stubborn", "true"));
    }

    @Test
    void aStartCommandThatEndsLeavesTheJailStopped() throws Exception {
        driver.create("once", busybox("once", List.of()));
        driver.start("once", List.of("sh", "-c", "echo ran > /tmp/ran"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!driver.status("once").state().equals("stopped") && System.nanoTime() < deadline) {
            ProcFs.pause();
        }
        assertEquals("stopped", driver.status("once").state());
        assertEquals("ran\n", Files.readString(dir.resolve("cache/jails/once/root/tmp/ran")));
    }

    @Test
    void createTwiceIsUnchangedAndADifferentSpecIsAnErrorNamingTheDifference() throws Exception {
        assertTrue(driver.create("same", busybox("same", List.of())));
        assertFalse(driver.create("same", busybox("same", List.of())));
        JailException e = assertThrows(JailException.class, () -> driver.create("same", busybox("other", List.of())));
        assertEquals("jail 'same' exists with a different spec: hostname is 'same', asked 'other' "
                + "(destroy it first to change it)", e.getMessage());
    }

    @Test
    void destroyingARunningJailNeedsForceAndUnknownJailsAreNamed() throws Exception {
        driver.create("busy", busybox("busy", List.of()));
        driver.start("busy", List.of());
        JailException e = assertThrows(JailException.class, () -> driver.destroy("busy", false, Duration.ofSeconds(1)));
        assertEquals("jail 'busy' is running: stop it first, or destroy it with --force", e.getMessage());
        assertEquals("no jail 'ghost' on this node: create it first",
                assertThrows(JailException.class, () -> driver.start("ghost", List.of())).getMessage());
        assertFalse(driver.destroy("ghost", false, Duration.ofSeconds(1)), "destroying nothing is unchanged");
    }

    @Test
    void anExistingRootIsUsedAndKeptOnDestroy() throws Exception {
        driver.create("tpl", busybox("tpl", List.of()));
        Path own = dir.resolve("own-root");
        assertEquals(0, processes.run(List.of("cp", "-a", dir.resolve("cache/templates/busybox").toString(),
                own.toString()), java.util.Map.of(), null, 10, 4096).exitCode());
        driver.create("own", new JailSpec(own.toString(), null, "own", "host", List.of(), null, null, List.of(), "no",
                false));
        driver.start("own", List.of());
        assertEquals(0, exec("own", "sh", "-c", "echo mine > /root/file").exitCode());
        driver.destroy("own", true, Duration.ofSeconds(5));
        assertEquals("mine\n", Files.readString(own.resolve("root/file")));
    }

    @Test
    void aRestartedClientReadoptsItsRunningJail() throws Exception {
        driver.create("lasting", busybox("lasting", List.of()));
        driver.start("lasting", List.of());
        long pid = driver.status("lasting").pid();

        LinuxJailDriver again = driver();
        again.recover();
        assertEquals("running", again.status("lasting").state());
        assertEquals(pid, again.status("lasting").pid());
        assertEquals("lasting\n", again.exec("lasting", List.of("hostname"), 10, 4096).stdout());
    }

    @Test
    void anAutostartJailIsStartedWhenTheClientStarts() throws Exception {
        driver.create("auto", new JailSpec(null, "busybox", "auto", "none", List.of(), null, null, List.of(), "no",
                true));
        assertEquals("created", driver.status("auto").state());
        driver().recover();
        assertEquals("running", driver.status("auto").state());
    }

    @Test
    void memoryAndCpuLimitsAreEnforcedThroughCgroupsWhereTheHostAllows() throws Exception {
        driver.create("small", new JailSpec(null, "busybox", "small", "none", List.of(), "64M", 0.5, List.of(), "no",
                false));
        driver.start("small", List.of());
        JailStatus status = driver.status("small");
        assertTrue(status.limitsEnforced(), "limits enforced: " + status);
        assertTrue(exec("small", "cat", "/proc/self/cgroup").stdout().contains("jail-small"),
                "exec'd processes are inside the jail's cgroup too");
        if ("v1".equals(status.cgroup())) {
            assertEquals(Long.toString(64L << 20), Files.readString(
                    Path.of("/sys/fs/cgroup/memory/director/jail-small/memory.limit_in_bytes")).strip());
        }
        driver.stop("small", Duration.ofSeconds(5));
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/memory/director/jail-small")), "its cgroup is removed");
    }

    /** A process's command name, or null once it is gone. */
    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
