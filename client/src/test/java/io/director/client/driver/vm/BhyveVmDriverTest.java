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

    /** What {@code vm create} leaves from the default template: one disk. */
    private Path templateConf(String name) throws Exception {
        Path vm = Files.createDirectories(dir.resolve("vms").resolve(name));
        return Files.writeString(vm.resolve(name + ".conf"), "loader=\"bhyveload\"\ncpu=1\nmemory=512M\n"
                + "network0_type=\"virtio-net\"\nnetwork0_switch=\"public\"\ndisk0_type=\"virtio-blk\"\n"
                + "disk0_name=\"disk0.img\"\n");
    }

    private VmSpec cs1WithCloudInit(Path userData) {
        return VmSpec.ofProfile(VmProfile.CS1, null, null, null, null, userData.toString(), "no", false, "auto");
    }

    @Test
    void cloudInitIsASeedMadeWithMakefsAndAttachedAsTheNextDiskAnAhciCd() throws Exception {
        String content = "#cloud-config\nusers:\n  - name: ops\n";
        Path userData = Files.writeString(dir.resolve("user-data"), content);
        Path conf = templateConf("web");
        Path vm = dir.resolve("vms/web");
        List<String> staged = new java.util.ArrayList<>();
        // what makefs would put into the image: the staging directory as it is when makefs runs
        BhyveVmDriver seeding = new BhyveVmDriver(cache, (command, timeout, cap) -> {
            if (command.get(0).equals("makefs")) {
                Path staging = Path.of(command.get(command.size() - 1));
                staged.add(Files.readString(staging.resolve("user-data")));
                staged.add(Files.readString(staging.resolve("meta-data")));
            }
            return runner.run(command, timeout, cap);
        }, Duration.ofMillis(1), "makefs"::equals);

        assertTrue(seeding.create("web", cs1WithCloudInit(userData)).changed());

        assertEquals(List.of("vm create -t default -s 20G -m 512M -c 1 web",
                "sysrc -n vm_dir",
                "makefs -t cd9660 -o rockridge,label=cidata " + vm.resolve("seed.iso") + " " + vm.resolve("cidata"),
                "sysrc -f " + conf + " disk1_type=ahci-cd disk1_dev=file disk1_name=seed.iso"), runner.lines());
        assertEquals(List.of(content, "instance-id: web\nlocal-hostname: web\n"), staged);
        assertFalse(Files.exists(vm.resolve("cidata")), "the staging directory is removed");
        assertEquals(VmSpec.ofProfile(VmProfile.CS1, null, null, null, null, userData.toString(), "no", false, "auto")
                .withCloudInitSha256(CloudInitSeed.sha256Of(userData.toString())), seeding.status("web").spec());

        runner.clear();
        assertEquals(VmOutcome.unchanged(), seeding.create("web", cs1WithCloudInit(userData)));
        assertEquals(List.of(), runner.lines());
        Files.writeString(userData, content + "  - name: dev\n");
        VmException changed = assertThrows(VmException.class, () -> seeding.create("web", cs1WithCloudInit(userData)));
        assertTrue(changed.getMessage().contains("the --cloud-init content's sha-256 is '"), changed.getMessage());
    }

    @Test
    void theSeedTakesTheFirstFreeDiskNumber() throws Exception {
        Path conf = Files.writeString(dir.resolve("two.conf"), "disk0_type=\"virtio-blk\"\ndisk0_name=\"disk0.img\"\n"
                + "disk1_type=\"virtio-blk\"\ndisk1_name=\"disk1.img\"\n# disk3_name=\"commented\"\n"
                + "disk3_name=\"gap.img\"\n");
        assertEquals(2, BhyveVmDriver.nextDisk(conf));
        assertEquals(0, BhyveVmDriver.nextDisk(Files.writeString(dir.resolve("none.conf"), "cpu=1\n")));
        VmException missing = assertThrows(VmException.class, () -> BhyveVmDriver.nextDisk(dir.resolve("gone.conf")));
        assertTrue(missing.getMessage().startsWith("cannot read the vm-bhyve configuration " + dir.resolve("gone.conf")),
                missing.getMessage());
    }

    @Test
    void withoutMakefsAnotherIsoMakerIsUsedAndWithoutAnyNothingIsCreated() throws Exception {
        Path userData = Files.writeString(dir.resolve("user-data"), "#cloud-config\n");
        templateConf("web");
        new BhyveVmDriver(cache, runner, Duration.ofMillis(1), "xorriso"::equals)
                .create("web", cs1WithCloudInit(userData));
        Path vm = dir.resolve("vms/web");
        assertTrue(runner.lines().contains("xorriso -as mkisofs -quiet -output " + vm.resolve("seed.iso")
                + " -volid cidata -joliet -rock " + vm.resolve("cidata/user-data") + " " + vm.resolve("cidata/meta-data")),
                runner.lines().toString());

        runner.clear();
        BhyveVmDriver bare = new BhyveVmDriver(cache, runner, Duration.ofMillis(1), program -> false);
        VmException none = assertThrows(VmException.class, () -> bare.create("db", cs1WithCloudInit(userData)));
        assertEquals("VM 'db': --cloud-init needs one of makefs, xorriso, genisoimage, mkisofs on the PATH to make its "
                + "seed: makefs is part of FreeBSD's base system (or pkg install xorriso)", none.getMessage());
        assertEquals(List.of(), runner.lines());
        VmException missing = assertThrows(VmException.class,
                () -> bare.create("db", cs1WithCloudInit(dir.resolve("nope"))));
        assertEquals("VM 'db': --cloud-init '" + dir.resolve("nope") + "' is not a file on this node",
                missing.getMessage());
        assertThrows(VmException.class, () -> bare.status("db"));
    }

    @Test
    void aSeedThatCannotBeMadeUndoesTheCreate() throws Exception {
        Path userData = Files.writeString(dir.resolve("user-data"), "#cloud-config\n");
        templateConf("web");
        runner.answer("makefs", 1, "", "makefs: cd9660: out of space");
        BhyveVmDriver seeding = new BhyveVmDriver(cache, runner, Duration.ofMillis(1), "makefs"::equals);
        VmException e = assertThrows(VmException.class, () -> seeding.create("web", cs1WithCloudInit(userData)));
        assertEquals("cannot make the cloud-init seed of VM 'web' with makefs: makefs: cd9660: out of space",
                e.getMessage());
        assertEquals("vm destroy -f web", runner.lines().get(runner.lines().size() - 1));
        assertThrows(VmException.class, () -> seeding.status("web"), "nothing recorded");
    }

    @Test
    void recoverStartsTheAutostartVmsThatAreOffAndAdoptsTheRunningOnes() throws Exception {
        VmSpec autostart = VmSpec.ofProfile(VmProfile.CS1, null, null, null, null, null, "no", true, "auto");
        driver.create("web", autostart);
        driver.create("db", cs1(null));
        driver.create("run", autostart);
        listing(row("db", "Stopped"), row("run", "Running (17)"), row("web", "Stopped"));
        runner.clear();

        new BhyveVmDriver(cache, runner, Duration.ofMillis(1)).recover();

        assertEquals(List.of("vm list", "vm start web"), runner.lines());
        listing(row("db", "Stopped"), row("run", "Running (17)"), row("web", "Stopped"));
        assertEquals(VmState.STOPPED, driver.status("web").state(), "booted once: stopped, no longer created");
        assertEquals(VmState.CREATED, driver.status("db").state());
    }

    @Test
    void anAutostartThatFailsIsLoggedAndTheOthersStillStart() throws Exception {
        VmSpec autostart = VmSpec.ofProfile(VmProfile.CS1, null, null, null, null, null, "no", true, "auto");
        driver.create("a", autostart);
        driver.create("b", autostart);
        runner.answer("vm start a", 1, "", "/usr/local/sbin/vm: ERROR: a does not seem to be a valid virtual machine");
        runner.clear();
        driver.recover();
        assertEquals("vm list", runner.lines().get(0));
        assertEquals(List.of("vm list", "vm start a", "vm start b"), runner.lines().stream().sorted().toList());
        assertEquals(VmState.CREATED, driver.status("a").state(), "its start failed");
        assertEquals(VmState.STOPPED, driver.status("b").state());
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
