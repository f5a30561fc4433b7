package io.director.client.driver.vm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command lines the QEMU driver runs, built from a VM's spec and its state directory, so a
 * test can check them exactly. Paths inside QEMU option values have their commas doubled
 * (QEMU's escape), as a comma would otherwise end the value.
 */
final class QemuCommand {

    static final String DISK = "disk.qcow2";
    static final String CONSOLE_LOG = "console.log";
    static final String QMP_SOCKET = "qmp.sock";
    static final String PID_FILE = "qemu.pid";

    private QemuCommand() {
    }

    /** {@code qemu-img create} of the VM's disk: an overlay over the image, or a fresh disk of the spec's size. */
    static List<String> createDisk(String qemuImg, Path dir, VmSpec spec, String imageFormat, boolean grow) {
        List<String> command = new ArrayList<>(List.of(qemuImg, "create", "-q", "-f", "qcow2"));
        if (spec.image() != null) {
            command.addAll(List.of("-b", spec.image(), "-F", imageFormat));
        }
        command.add(dir.resolve(DISK).toString());
        if (spec.image() == null || grow) {
            command.add(spec.disk());
        }
        return command;
    }

    /**
     * {@code qemu-system-x86_64 …}: boots the VM as a daemon, serial console to a file, QMP on a
     * socket; with {@code --cloud-init}, its seed as a read-only IDE CD-ROM (the i440fx machine has
     * its IDE controller built in, so {@code -nodefaults} leaves it).
     */
    static List<String> start(String qemu, String name, Path dir, VmSpec spec, String accel) {
        List<String> command = new ArrayList<>(List.of(qemu,
                "-name", escape(name),
                "-accel", accel,
                "-m", spec.memory(),
                "-smp", Integer.toString(spec.cpus()),
                "-nographic", "-nodefaults",
                "-serial", "file:" + dir.resolve(CONSOLE_LOG),
                "-no-reboot",
                "-qmp", "unix:" + escape(dir.resolve(QMP_SOCKET).toString()) + ",server=on,wait=off",
                "-daemonize",
                "-pidfile", dir.resolve(PID_FILE).toString(),
                "-drive", "file=" + escape(dir.resolve(DISK).toString()) + ",format=qcow2,if=virtio"));
        if (spec.cloudInit() != null) {
            command.addAll(List.of("-drive", "file=" + escape(dir.resolve(CloudInitSeed.ISO).toString())
                    + ",format=raw,if=ide,media=cdrom,readonly=on"));
        }
        if (spec.kernel() != null) {
            command.addAll(List.of("-kernel", spec.kernel()));
            if (spec.initrd() != null) {
                command.addAll(List.of("-initrd", spec.initrd()));
            }
            if (spec.append() != null) {
                command.addAll(List.of("-append", spec.append()));
            }
        }
        return command;
    }

    private static String escape(String value) {
        return value.replace(",", ",,");
    }
}
