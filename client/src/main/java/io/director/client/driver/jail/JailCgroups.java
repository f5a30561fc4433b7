package io.director.client.driver.jail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Memory and CPU limits through cgroups: v2 when {@code /sys/fs/cgroup} is the unified
 * hierarchy, else the v1 {@code memory} and {@code cpu} controllers. Each jail gets
 * {@code director/jail-NAME} in every hierarchy it needs.
 */
final class JailCgroups {

    private static final Logger LOG = Logger.getLogger(JailCgroups.class.getName());
    private static final long CPU_PERIOD_MICROS = 100_000;

    /** The directories a jail's processes join, and the version when every limit was written. */
    record Placement(List<Path> directories, String version) {
    }

    private final Path mount;

    JailCgroups(Path mount) {
        this.mount = mount;
    }

    static JailCgroups system() {
        return new JailCgroups(Path.of("/sys/fs/cgroup"));
    }

    /** Makes the jail's cgroups with its limits; a limit the host refuses leaves version null. */
    Placement create(String jail, Long memoryBytes, Double cpus) {
        if (memoryBytes == null && cpus == null) {
            return new Placement(List.of(), null);
        }
        List<Path> directories = new ArrayList<>();
        boolean v2 = Files.exists(mount.resolve("cgroup.controllers"));
        try {
            if (v2) {
                enable(mount);
                Path parent = Files.createDirectories(mount.resolve("director"));
                enable(parent);
                Path dir = Files.createDirectories(parent.resolve("jail-" + jail));
                directories.add(dir);
                if (memoryBytes != null) {
                    Files.writeString(dir.resolve("memory.max"), Long.toString(memoryBytes));
                }
                if (cpus != null) {
                    Files.writeString(dir.resolve("cpu.max"), quota(cpus) + " " + CPU_PERIOD_MICROS);
                }
                return new Placement(directories, "v2");
            }
            if (memoryBytes != null) {
                Path dir = Files.createDirectories(mount.resolve("memory/director/jail-" + jail));
                directories.add(dir);
                Files.writeString(dir.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
            }
            if (cpus != null) {
                Path dir = Files.createDirectories(mount.resolve("cpu/director/jail-" + jail));
                directories.add(dir);
                Files.writeString(dir.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_MICROS));
                Files.writeString(dir.resolve("cpu.cfs_quota_us"), Long.toString(quota(cpus)));
            }
            return new Placement(directories, "v1");
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warning(() -> "jail " + jail + ": limits not enforced, cgroups refused them: " + e);
            return new Placement(directories, null);
        }
    }

    /** Whether the process is in every one of the directories (read from /proc/PID/cgroup). */
    boolean contains(long pid, List<Path> directories) {
        if (directories.isEmpty()) {
            return false;
        }
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"));
            for (Path dir : directories) {
                String suffix = "/director/" + dir.getFileName();
                if (lines.stream().noneMatch(line -> line.endsWith(suffix))) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes the directories once their processes are gone (rmdir of an empty cgroup). */
    static void remove(List<Path> directories) {
        for (Path dir : directories) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                LOG.warning(() -> "cannot remove cgroup " + dir + ": " + e.getMessage());
            }
        }
    }

    private static long quota(double cpus) {
        return Math.max(1000, Math.round(cpus * CPU_PERIOD_MICROS));
    }

    private static void enable(Path dir) {
        try {
            Files.writeString(dir.resolve("cgroup.subtree_control"), "+memory +cpu");
        } catch (IOException e) {
            // already enabled, or not allowed here: writing the limits says which
        }
    }
}
