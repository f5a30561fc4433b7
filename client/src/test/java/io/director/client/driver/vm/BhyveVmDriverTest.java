package io.director.client.driver.vm;

import io.director.client.cache.NodeCache;
import io.director.client.driver.RecordingCommandRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** vm-bhyve: the exact {@code vm} command lines of each action and the parsing of {@code vm list}, no FreeBSD needed. */
class BhyveVmDriverTest {

    private static final String HEADER =
            "NAME            DATASTORE       LOADER      CPU    MEMORY    VNC                  AUTO     STATE\n";

    @TempDir
    Path dir;
    private NodeCache cache;
    private RecordingCommandRunner runner;
    private BhyveVmDriver driver;

    @BeforeEach
    void open() {
        cache = NodeCache.open(dir.resolve("cache"));
        runner = new RecordingCommandRunner();
        runner.answer("vm list", HEADER);
        runner.answer("sysrc -n vm_dir", dir.resolve("vms") + "\n");
        driver = new BhyveVmDriver(cache, runner, Duration.ofMillis(1));
    }

    @AfterEach
    void close() {
        cache.close();
    }

    private static VmSpec cs1(String image) {
        return VmSpec.ofProfile(VmProfile.CS1, image, null, null, null, null, "no", false, "auto");
    }

    private static String row(String name, String state) {
        return String.format("%-15s default         grub        1      512M      -                    No       %s%n",
                name, state);
    }

    private void listing(String... rows) {
        runner.answerOnly("vm list", HEADER + String.join("", rows));
    }

    @Test
    void nameIsVmBhyve() {
        assertEquals("vm-bhyve", driver.name());
    }

    @Test
    void createMapsTheProfile() throws Exception {
        assertTrue(driver.create("web", cs1("debian-12.img")).changed());
        assertEquals(List.of("vm create -t default -s 20G -m 512M -c 1 -i debian-12.img web"), runner.lines());
        VmSpec cs5 = VmSpec.ofProfile(VmProfile.CS5, null, null, null, null, null, "no", false, "auto");
        runner.clear();
        driver.create("big", cs5);
        assertEquals(List.of("vm create -t default -s 80G -m 8G -c 4 big"), runner.lines());
    }

    @Test
    void createTwiceIsUnchangedAndAnotherSpecNamesTheDifference() throws Exception {
        driver.create("web", cs1(null));
        runner.clear();
        assertEquals(VmOutcome.unchanged(), driver.create("web", cs1(null)));
        assertEquals(List.of(), runner.lines());
        VmException e = assertThrows(VmException.class, () -> driver.create("web", cs1("other.img")));
        assertTrue(e.getMessage().contains("--image is unset, asked 'other.img'"), e.getMessage());
    }

    @Test
    void createRefusesWhatVmBhyveCannotDo() {
        VmSpec kernel = VmSpec.ofProfile(VmProfile.CS0, null, "/boot/vmlinuz", null, null, null, "no", false, "auto");
        assertTrue(assertThrows(VmException.class, () -> driver.create("k", kernel)).getMessage().contains("--kernel"));
        VmSpec tcg = VmSpec.ofProfile(VmProfile.CS0, null, null, null, null, null, "no", false, "tcg");
        assertThrows(VmException.class, () -> driver.create("t", tcg));
        assertEquals(List.of(), runner.lines());
    }

    @Test
    void aFailedCreateSaysWhyAndRecordsNothing() throws Exception {
        runner.answer("vm create", 1, "", "/usr/local/sbin/vm: ERROR: unable to load template");
        VmException e = assertThrows(VmException.class, () -> driver.create("web", cs1(null)));
        assertEquals("cannot create VM 'web': /usr/local/sbin/vm: ERROR: unable to load template", e.getMessage());
        assertThrows(VmException.class, () -> driver.status("web"));
    }

    @Test
    void startAndStartAgain() throws Exception {
        driver.create("web", cs1(null));
        runner.clear();
        assertTrue(driver.start("web").changed());
        assertEquals(List.of("vm list", "vm start web"), runner.lines());
        listing(row("web", "Running (2396)"));
        runner.clear();
        assertFalse(driver.start("web").changed());
        assertEquals(List.of("vm list"), runner.lines());
    }

    @Test
    void stopAsksThenForcesAfterTheGrace() throws Exception {
        driver.create("web", cs1(null));
        listing(row("web", "Running (2396)"));
        runner.clear();
        assertEquals("forced off", driver.stop("web", Duration.ZERO, false).text());
        assertEquals(List.of("vm list", "vm stop web", "vm list", "vm poweroff -f web"), runner.lines());
    }

    @Test
    void stopThatPowersOffWithinTheGrace() throws Exception {
        driver.create("web", cs1(null));
        runner.answerOnly("vm list", HEADER + row("web", "Running (2396)"));
        runner.answer("vm list", HEADER + row("web", "Running (2396)"));
        runner.answer("vm list", HEADER + row("web", "Stopped"));
        runner.clear();
        assertEquals("stopped", driver.stop("web", Duration.ofSeconds(30), false).text());
        assertFalse(runner.lines().contains("vm poweroff -f web"));
        assertEquals("vm stop web", runner.lines().get(1));
    }

    @Test
    void forcedStopAndStopOfAStoppedVm() throws Exception {
        driver.create("web", cs1(null));
        runner.clear();
        assertEquals(VmOutcome.unchanged(), driver.stop("web", Duration.ofSeconds(1), true));
        listing(row("web", "Running (17)"));
        runner.clear();
        driver.stop("web", Duration.ofSeconds(60), true);
        assertEquals(List.of("vm list", "vm poweroff -f web"), runner.lines());
    }

    @Test
    void destroy() throws Exception {
        driver.create("web", cs1(null));
        listing(row("web", "Running (17)"));
        assertThrows(VmException.class, () -> driver.destroy("web", false));
        runner.clear();
        assertTrue(driver.destroy("web", true).changed());
        assertEquals(List.of("vm list", "vm poweroff -f web", "vm destroy -f web"), runner.lines());
        listing();
        assertEquals(VmOutcome.unchanged(), driver.destroy("web", true));
    }

    @Test
    void statusAndListFromVmList() throws Exception {
        driver.create("web", cs1(null));
        driver.create("db", cs1(null));
        VmStatus created = driver.status("web");
        assertEquals(VmState.CREATED, created.state());
        assertEquals(dir.resolve("vms/web/vm-bhyve.log").toString(), created.consoleLog());
        driver.start("web");
        listing(row("db", "Stopped"), row("web", "Running (2396)"));
        VmStatus running = driver.status("web");
        assertEquals(VmState.RUNNING, running.state());
        assertEquals(2396L, running.pid());
        listing(row("web", "Stopped"));
        assertEquals(VmState.STOPPED, driver.status("web").state());
        assertEquals(List.of(VmState.CREATED, VmState.STOPPED),
                driver.list().stream().sorted((a, b) -> a.name().compareTo(b.name())).map(VmStatus::state).toList());
    }

    @Test
    void anUnknownVmIsNamed() {
        VmException e = assertThrows(VmException.class, () -> driver.start("ghost"));
        assertEquals("no VM 'ghost' on this node: create it first", e.getMessage());
        assertThrows(VmException.class, () -> driver.status("ghost"));
        assertThrows(VmException.class, () -> driver.console("ghost", 10));
    }

    @Test
    void parsesVmList() {
        List<BhyveVmDriver.Listed> rows = BhyveVmDriver.parseList(HEADER
                + "alpine          default         grub        1      512M      -                    No       Stopped\n"
                + "freebsd         default         bhyveload   2      1G        -                    Yes [1]  Running (2396)\n"
                + "other           default         uefi        1      256M      -                    No       Locked (h2)\n");
        assertEquals(List.of(new BhyveVmDriver.Listed("alpine", false, null),
                new BhyveVmDriver.Listed("freebsd", true, 2396L),
                new BhyveVmDriver.Listed("other", false, null)), rows);
        assertEquals(List.of(), BhyveVmDriver.parseList(HEADER));
    }

    @Test
    void consoleIsTheTailOfTheVmBhyveLog() throws Exception {
        driver.create("web", cs1(null));
        assertEquals("", driver.console("web", 5));
        Files.createDirectories(dir.resolve("vms/web"));
        Files.writeString(dir.resolve("vms/web/vm-bhyve.log"), "one\ntwo\nthree\n");
        assertEquals("two\nthree", driver.console("web", 2));
    }

    @Test
    void vmDirOnZfsIsItsMountpoint() throws Exception {
        runner.answerOnly("sysrc -n vm_dir", "zfs:zroot/vm\n");
        runner.answer("zfs get", "/zroot/vm\n");
        driver.create("web", cs1(null));
        assertEquals("/zroot/vm/web/vm-bhyve.log", driver.status("web").consoleLog());
        assertTrue(runner.lines().contains("zfs get -H -o value mountpoint zroot/vm"));
        assertNull(driver.status("web").pid());
    }
}
