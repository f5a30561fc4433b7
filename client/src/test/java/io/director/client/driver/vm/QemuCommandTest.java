package io.director.client.driver.vm;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class QemuCommandTest {

    private static final Path DIR = Path.of("/var/cache/director/vms/web1");

    @Test
    void aKernelBootIsADaemonWithItsConsoleInAFileAndQmpOnASocket() {
        VmSpec spec = new VmSpec(null, "256M", 2, "1G", null, "/boot/vmlinuz", "/boot/initrd.gz",
                "console=ttyS0 quiet", null, "no", false, "auto");
        assertEquals(List.of("qemu-system-x86_64", "-name", "web1", "-accel", "tcg", "-m", "256M", "-smp", "2",
                        "-nographic", "-nodefaults", "-serial", "file:/var/cache/director/vms/web1/console.log",
                        "-no-reboot", "-qmp", "unix:/var/cache/director/vms/web1/qmp.sock,server=on,wait=off",
                        "-daemonize", "-pidfile", "/var/cache/director/vms/web1/qemu.pid",
                        "-drive", "file=/var/cache/director/vms/web1/disk.qcow2,format=qcow2,if=virtio",
                        "-kernel", "/boot/vmlinuz", "-initrd", "/boot/initrd.gz", "-append", "console=ttyS0 quiet"),
                QemuCommand.start("qemu-system-x86_64", "web1", DIR, spec, "tcg"));
    }

    @Test
    void aProfileSizesTheMachineAndAnImageBootsFromTheDisk() {
        VmSpec spec = VmSpec.ofProfile(VmProfile.CS3, "/srv/debian.qcow2", null, null, null, null, "always", true, "kvm");
        List<String> command = QemuCommand.start("qemu", "db", Path.of("/c/vms/db"), spec, "kvm");
        assertEquals(List.of("qemu", "-name", "db", "-accel", "kvm", "-m", "2G", "-smp", "2"), command.subList(0, 9));
        assertEquals("file=/c/vms/db/disk.qcow2,format=qcow2,if=virtio", command.get(command.size() - 1));
    }

    @Test
    void commasInPathsAreEscapedForQemu() {
        VmSpec spec = VmSpec.ofProfile(VmProfile.CS0, null, "/k", null, null, null, null, false, null);
        List<String> command = QemuCommand.start("qemu", "a", Path.of("/x,y/a"), spec, "tcg");
        assertEquals("unix:/x,,y/a/qmp.sock,server=on,wait=off", command.get(command.indexOf("-qmp") + 1));
        assertEquals("file=/x,,y/a/disk.qcow2,format=qcow2,if=virtio", command.get(command.indexOf("-drive") + 1));
    }

    @Test
    void aCloudInitSeedIsAReadOnlyCdRomAfterTheDisk() {
        VmSpec spec = VmSpec.ofProfile(VmProfile.CS0, "/srv/debian.qcow2", null, null, null, "/srv/user-data", null,
                false, null);
        List<String> command = QemuCommand.start("qemu", "ci", Path.of("/c/vms/ci"), spec, "tcg");
        assertEquals(List.of("-drive", "file=/c/vms/ci/disk.qcow2,format=qcow2,if=virtio",
                        "-drive", "file=/c/vms/ci/seed.iso,format=raw,if=ide,media=cdrom,readonly=on"),
                command.subList(command.size() - 4, command.size()));
        VmSpec without = VmSpec.ofProfile(VmProfile.CS0, "/srv/debian.qcow2", null, null, null, null, null, false, null);
        assertEquals(1, QemuCommand.start("qemu", "ci", Path.of("/c/vms/ci"), without, "tcg").stream()
                .filter("-drive"::equals).count(), "no seed without --cloud-init");
    }

    @Test
    void theDiskIsAnOverlayOverTheImageOrAFreshDiskOfTheSpecsSize() {
        VmSpec fresh = new VmSpec(null, "256M", 1, "8G", null, "/k", null, null, null, null, false, null);
        assertEquals(List.of("qemu-img", "create", "-q", "-f", "qcow2", "/v/a/disk.qcow2", "8G"),
                QemuCommand.createDisk("qemu-img", Path.of("/v/a"), fresh, null, false));
        VmSpec overlay = VmSpec.ofProfile(VmProfile.CS1, "/srv/base.raw", null, null, null, null, null, false, null);
        assertEquals(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-b", "/srv/base.raw", "-F", "raw",
                        "/v/a/disk.qcow2", "20G"),
                QemuCommand.createDisk("qemu-img", Path.of("/v/a"), overlay, "raw", true));
        assertEquals(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-b", "/srv/base.raw", "-F", "raw",
                        "/v/a/disk.qcow2"),
                QemuCommand.createDisk("qemu-img", Path.of("/v/a"), overlay, "raw", false));
    }

    @Test
    void profilesAreTheSpecsTable() {
        assertEquals(List.of("CS0 256M/1/20G", "CS1 512M/1/20G", "CS2 1G/1/40G", "CS3 2G/2/40G", "CS4 4G/2/80G",
                        "CS5 8G/4/80G"),
                java.util.Arrays.stream(VmProfile.values())
                        .map(p -> p.name() + " " + p.memory() + "/" + p.cpus() + "/" + p.disk()).toList());
    }
}
