package io.director.client.driver.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.director.client.cache.NodeCache;
import io.director.client.exec.ProcessRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The QEMU driver with real qemu-img and QEMU; none of these boot a guest (VmExecutorTest does). */
class QemuVmDriverTest {

    @TempDir
    Path dir;

    private NodeCache cache;
    private ProcessRunner processes;
    private QemuVmDriver driver;

    @BeforeEach
    void open() {
        cache = NodeCache.open(dir.resolve("cache"));
        processes = new ProcessRunner();
        driver = new QemuVmDriver(dir.resolve("cache/vms"), cache, processes, QemuVmDriver.QEMU, QemuVmDriver.QEMU_IMG);
    }

    @AfterEach
    void close() {
        processes.close();
        cache.close();
    }

    @Test
    void anOverlayOverAnImageLeavesTheBaseImageUntouched() throws Exception {
        Path base = dir.resolve("base.raw");
        TestVms.run(List.of("qemu-img", "create", "-q", "-f", "raw", base.toString(), "16M"));
        Files.write(base, "a base image".getBytes(), java.nio.file.StandardOpenOption.WRITE);
        String before = sha256(base);
        long modified = Files.getLastModifiedTime(base).toMillis();

        VmSpec spec = VmSpec.ofProfile(VmProfile.CS0, base.toString(), null, null, null, null, null, false, "tcg");
        VmOutcome created = driver.create("img1", spec);

        assertTrue(created.changed());
        assertEquals("created img1 (disk " + driver.dir("img1").resolve("disk.qcow2") + ", overlay over " + base + ")",
                created.text());
        JsonNode info = qemuImgInfo(driver.dir("img1").resolve("disk.qcow2"));
        assertEquals("qcow2", info.path("format").asText());
        assertEquals(base.toString(), info.path("backing-filename").asText());
        assertEquals("raw", info.path("backing-filename-format").asText());
        assertEquals(20L << 30, info.path("virtual-size").asLong(), "grown to the profile's 20G");
        assertEquals(before, sha256(base));
        assertEquals(modified, Files.getLastModifiedTime(base).toMillis());
        assertEquals(VmOutcome.unchanged(), driver.create("img1", spec));
    }

    @Test
    void withoutAnImageTheDiskIsFreshAndOfTheGivenSize() throws Exception {
        Path kernel = Files.writeString(dir.resolve("vmlinuz"), "not booted here");
        VmSpec spec = new VmSpec(null, "128M", 1, "64M", null, kernel.toString(), null, null, null, null, false, "tcg");
        driver.create("fresh", spec);

        JsonNode info = qemuImgInfo(driver.dir("fresh").resolve("disk.qcow2"));
        assertEquals(64L << 20, info.path("virtual-size").asLong());
        assertTrue(info.path("backing-filename").isMissingNode());
        VmStatus status = driver.status("fresh");
        assertEquals(VmState.CREATED, status.state());
        assertNull(status.pid());
        assertEquals(spec, status.spec());
        assertEquals("", driver.console("fresh", 10));
    }

    @Test
    void creatingAgainWithAnotherSpecNamesEveryDifference() throws Exception {
        Path kernel = Files.writeString(dir.resolve("vmlinuz"), "not booted here");
        driver.create("a", new VmSpec(null, "128M", 1, "64M", null, kernel.toString(), null, null, null, null, false, null));
        VmException e = assertThrows(VmException.class, () -> driver.create("a",
                new VmSpec(null, "256M", 1, "64M", null, kernel.toString(), null, "quiet", null, null, false, null)));
        assertEquals("VM 'a' exists with another spec: --memory is '128M', asked '256M'; --append is unset, asked "
                + "'quiet'; destroy it first or ask for it as it is", e.getMessage());
    }

    @Test
    void refusesWhatItCannotDoWithOneLineNamingTheVm() throws Exception {
        assertEquals("no VM 'ghost' on this node: create it first",
                assertThrows(VmException.class, () -> driver.start("ghost")).getMessage());
        assertEquals("no VM 'ghost' on this node: create it first",
                assertThrows(VmException.class, () -> driver.status("ghost")).getMessage());
        assertEquals(VmOutcome.unchanged(), driver.destroy("ghost", false));
        assertEquals("VM 'k': '/nonexistent/vmlinuz' is not a file on this node", assertThrows(VmException.class,
                () -> driver.create("k", VmSpec.ofProfile(VmProfile.CS0, null, "/nonexistent/vmlinuz", null, null,
                        null, null, false, null))).getMessage());
        Path kernel = Files.writeString(dir.resolve("vmlinuz"), "x");
        assertEquals("VM 'ci': --cloud-init '/nonexistent/user-data' is not a file on this node",
                assertThrows(VmException.class, () -> driver.create("ci", VmSpec.ofProfile(VmProfile.CS0, null,
                        kernel.toString(), null, null, "/nonexistent/user-data", null, false, null))).getMessage());
        assertFalse(Files.exists(driver.dir("k")));
        assertFalse(Files.exists(driver.dir("ci")));
        assertEquals(List.of(), driver.list());
    }

    @Test
    void cloudInitMakesANoCloudSeedLabelledCidataWithTheExactUserData() throws Exception {
        Path kernel = Files.writeString(dir.resolve("vmlinuz"), "not booted here");
        String content = "#cloud-config\nhostname: ignored\nruncmd:\n  - [ sh, -c, \"echo 'héllo' > /tmp/x\" ]\n";
        Path userData = Files.writeString(dir.resolve("user-data.yaml"), content);
        VmSpec spec = new VmSpec(null, "128M", 1, "64M", null, kernel.toString(), null, null, userData.toString(), null,
                false, "tcg");

        VmOutcome created = driver.create("ci", spec);

        Path seed = driver.dir("ci").resolve("seed.iso");
        assertEquals("created ci (disk " + driver.dir("ci").resolve("disk.qcow2") + ", 64M, cloud-init seed " + seed
                + ")", created.text());
        assertTrue(isoinfo("-d", "-i", seed.toString()).lines().anyMatch("Volume id: cidata"::equals),
                "volume label cidata");
        assertEquals(content, isoinfo("-R", "-i", seed.toString(), "-x", "/user-data"));
        assertEquals("instance-id: ci\nlocal-hostname: ci\n", isoinfo("-R", "-i", seed.toString(), "-x", "/meta-data"));
        assertFalse(Files.exists(driver.dir("ci").resolve("cidata")), "the staging directory is removed");
        VmStatus status = driver.status("ci");
        assertEquals(sha256(userData), status.spec().cloudInitSha256());
        assertEquals(spec.withCloudInitSha256(sha256(userData)), status.spec());

        assertEquals(VmOutcome.unchanged(), driver.create("ci", spec), "same file, same content");
        String before = sha256(userData);
        Files.writeString(userData, content + "# edited\n");
        VmException changed = assertThrows(VmException.class, () -> driver.create("ci", spec));
        assertEquals("VM 'ci' exists with another spec: the --cloud-init content's sha-256 is '" + before
                + "', asked '" + sha256(userData) + "'; destroy it first or ask for it as it is", changed.getMessage());
    }

    @Test
    void withoutAnIsoMakerCloudInitIsRefusedInOneLineAndNothingIsLeft() throws Exception {
        QemuVmDriver bare = new QemuVmDriver(dir.resolve("cache/vms"), cache, processes, QemuVmDriver.QEMU,
                QemuVmDriver.QEMU_IMG, program -> false);
        Path kernel = Files.writeString(dir.resolve("vmlinuz"), "x");
        Path userData = Files.writeString(dir.resolve("user-data"), "#cloud-config\n");
        VmException e = assertThrows(VmException.class, () -> bare.create("ci", VmSpec.ofProfile(VmProfile.CS0, null,
                kernel.toString(), null, null, userData.toString(), null, false, "tcg")));
        assertEquals("VM 'ci': --cloud-init needs one of cloud-localds, genisoimage, xorriso, mkisofs on the PATH to "
                + "make its seed: apt-get install genisoimage (or cloud-image-utils, or xorriso)", e.getMessage());
        assertFalse(Files.exists(bare.dir("ci")));
        assertEquals(List.of(), bare.list());
    }

    @Test
    void destroyRemovesTheDiskAndTheRecord() throws Exception {
        Path kernel = Files.writeString(dir.resolve("vmlinuz"), "x");
        driver.create("gone", VmSpec.ofProfile(VmProfile.CS0, null, kernel.toString(), null, null, null, null, false, null));
        assertEquals(1, driver.list().size());
        assertEquals(VmOutcome.changed("destroyed gone"), driver.destroy("gone", false));
        assertFalse(Files.exists(driver.dir("gone")));
        assertEquals(List.of(), driver.list());
        assertEquals("no VM 'gone' on this node: create it first",
                assertThrows(VmException.class, () -> driver.stop("gone", Duration.ZERO, false)).getMessage());
    }

    @Test
    void theKvmProbeChoosesTcgOnThisHostWhereKvmGuestsHang() throws Exception {
        KvmProbe probe = new KvmProbe(QemuVmDriver.QEMU, Path.of("/dev/kvm"), 3000);
        assertNull(probe.runGuest("tcg"), "the probe guest reaches long mode and exits under software emulation");
        KvmProbe.Result result = probe.probe();
        assertEquals("tcg", result.accel(), result.reason());
        assertEquals("tcg", new KvmProbe(QemuVmDriver.QEMU, dir.resolve("no-kvm"), 3000).probe().accel());
        Path kernel = Files.writeString(dir.resolve("vmlinuz"), "x");
        assertEquals("tcg", driver.accel(VmSpec.ofProfile(VmProfile.CS0, null, kernel.toString(), null, null, null,
                null, false, "auto")));
        assertEquals("kvm", driver.accel(VmSpec.ofProfile(VmProfile.CS0, null, kernel.toString(), null, null, null,
                null, false, "kvm")), "an explicit --accel is obeyed");
    }

    private static JsonNode qemuImgInfo(Path image) throws Exception {
        Process process = new ProcessBuilder("qemu-img", "info", "--output=json", image.toString()).start();
        JsonNode info = new ObjectMapper().readTree(process.getInputStream());
        assertEquals(0, process.waitFor());
        return info;
    }

    /** isoinfo's stdout (it comes with genisoimage, which .ci/run installs). */
    private static String isoinfo(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("isoinfo"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), command + " failed");
        return out;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
