package io.director.client.driver.vm;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.client.cache.NodeCache;
import io.director.client.exec.ProcessRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --autostart} and re-adoption across client restarts, with real QEMU under TCG: each
 * "restart" closes the node cache and opens a fresh driver over it, as a new client daemon does.
 */
class QemuVmRecoverTest {

    /** First boots on a fresh machine took up to 35 s. */
    private static final long BOOT_DEADLINE_MILLIS = 90_000;

    @TempDir
    Path dir;

    private NodeCache cache;
    private final ProcessRunner processes = new ProcessRunner();
    private final List<Long> pidsToReap = new ArrayList<>();

    @AfterEach
    void close() {
        // a failed test must not leave a guest running
        pidsToReap.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        processes.close();
        if (cache != null) {
            cache.close();
        }
    }

    @Test
    void anAutostartVmIsBootedByTheNextClientStartAndAdoptedByTheOneAfter() throws Exception {
        Path kernel = TestVms.kernel();
        Path initrd = TestVms.initramfs(dir);
        Path userData = Files.writeString(dir.resolve("user-data"), "#cloud-config\nhostname: auto\n");
        String append = "console=ttyS0 quiet panic=-1";
        QemuVmDriver first = restartedClient();
        first.create("auto", new VmSpec(null, "256M", 1, "64M", null, kernel.toString(), initrd.toString(), append,
                userData.toString(), "no", true, "tcg"));
        first.create("manual", new VmSpec(null, "256M", 1, "64M", null, kernel.toString(), initrd.toString(), append,
                null, "no", false, "tcg"));
        assertEquals(VmState.CREATED, first.status("auto").state(), "create does not boot an autostart VM");

        // The next client daemon: recover() boots the autostart VM, leaves the other one as it is.
        QemuVmDriver second = restartedClient();
        second.recover();
        VmStatus booted = second.status("auto");
        assertEquals(VmState.RUNNING, booted.state());
        assertNotNull(booted.pid());
        pidsToReap.add(booted.pid());
        assertEquals("tcg", booted.accel());
        TestVms.awaitMarker(Path.of(booted.consoleLog()), BOOT_DEADLINE_MILLIS);
        assertEquals("running", second.status("auto").guest(), "QMP query-status");
        VmStatus manual = second.status("manual");
        assertEquals(VmState.CREATED, manual.state(), "no --autostart: left created");
        assertNull(manual.pid());

        // The seed is what the guest sees: QEMU reports it as a read-only CD-ROM holding seed.iso.
        JsonNode cdrom = cdrom(second, "auto");
        assertEquals(second.dir("auto").resolve("seed.iso").toString(), cdrom.path("inserted").path("file").asText());
        assertTrue(cdrom.path("inserted").path("ro").asBoolean(), cdrom.toString());

        // The one after: the VM kept running, so it is adopted, not booted again.
        QemuVmDriver third = restartedClient();
        third.recover();
        VmStatus adopted = third.status("auto");
        assertEquals(VmState.RUNNING, adopted.state());
        assertEquals(booted.pid(), adopted.pid(), "the same QEMU");
        assertEquals("running", adopted.guest());
        assertEquals(1, ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("")
                .contains(third.dir("auto").resolve("qemu.pid").toString())).count(), "one QEMU for the VM");

        // Stopped on purpose, it is still booted at the next start, as --autostart jails are.
        assertEquals(VmOutcome.changed("stopped auto (forced off)"), third.stop("auto", Duration.ZERO, true));
        assertFalse(ProcessHandle.of(booted.pid()).map(ProcessHandle::isAlive).orElse(false));
        QemuVmDriver fourth = restartedClient();
        fourth.recover();
        VmStatus again = fourth.status("auto");
        assertEquals(VmState.RUNNING, again.state());
        pidsToReap.add(again.pid());
        assertNotEquals(booted.pid(), again.pid());
        TestVms.awaitMarker(Path.of(again.consoleLog()), BOOT_DEADLINE_MILLIS);
        assertEquals(VmState.CREATED, fourth.status("manual").state());

        assertEquals(VmOutcome.changed("destroyed auto"), fourth.destroy("auto", true));
        assertFalse(ProcessHandle.of(again.pid()).map(ProcessHandle::isAlive).orElse(false), "QEMU is gone");
        fourth.destroy("manual", false);
        assertEquals(List.of(), fourth.list());
    }

    @Test
    void recoverWithNothingToDoChangesNothing() throws Exception {
        Path kernel = Files.writeString(dir.resolve("vmlinuz"), "never booted");
        QemuVmDriver driver = restartedClient();
        driver.recover();
        driver.create("off", VmSpec.ofProfile(VmProfile.CS0, null, kernel.toString(), null, null, null, null, false,
                "tcg"));
        restartedClient().recover();
        QemuVmDriver after = restartedClient();
        assertEquals(VmState.CREATED, after.status("off").state());
        assertFalse(Files.exists(after.dir("off").resolve("qemu.pid")), "never started");
    }

    /** A new driver over the node cache opened again, as a client daemon starting on this node has. */
    private QemuVmDriver restartedClient() {
        if (cache != null) {
            cache.close();
        }
        cache = NodeCache.open(dir.resolve("cache"));
        return new QemuVmDriver(dir.resolve("cache/vms"), cache, processes, QemuVmDriver.QEMU, QemuVmDriver.QEMU_IMG);
    }

    /** The VM's removable drive as QMP's {@code query-block} reports it. */
    private static JsonNode cdrom(QemuVmDriver driver, String name) throws Exception {
        try (QmpClient qmp = QmpClient.connect(driver.dir(name).resolve("qmp.sock"), 3000)) {
            for (JsonNode device : qmp.execute("query-block")) {
                if (device.path("removable").asBoolean()) {
                    return device;
                }
            }
        }
        throw new AssertionError("no removable drive in query-block");
    }
}
