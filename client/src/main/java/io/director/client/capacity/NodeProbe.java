package io.director.client.capacity;

import io.director.client.cache.NodeCache;
import io.director.client.driver.jail.JailDriver;
import io.director.client.driver.jail.JailException;
import io.director.client.driver.jail.JailStatus;
import io.director.client.driver.vm.VmDriver;
import io.director.client.driver.vm.VmException;
import io.director.client.driver.vm.VmStatus;
import io.director.dsl.verb.Sizes;
import io.director.dsl.wire.NodeReport;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Reads what this node has (processors, memory, disk under the cache path, load) and which jails
 * and VMs it runs, for the {@link NodeReport} sent with every hello and heartbeat, and for the
 * {@link CapacityCheck} of creates. Thread-safe: called on the link thread and on job runners.
 */
public final class NodeProbe {

    private static final Logger LOG = Logger.getLogger(NodeProbe.class.getName());
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final Path LOADAVG = Path.of("/proc/loadavg");

    private final Path cachePath;
    private final NodeReport.Limits limits;
    private final JailDriver jails;
    private final VmDriver vms;
    private final NodeCache cache;

    public NodeProbe(Path cachePath, NodeReport.Limits limits, JailDriver jails, VmDriver vms, NodeCache cache) {
        this.cachePath = Objects.requireNonNull(cachePath, "cachePath");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.jails = Objects.requireNonNull(jails, "jails");
        this.vms = Objects.requireNonNull(vms, "vms");
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    public NodeReport.Limits limits() {
        return limits;
    }

    /** The report as of now; a part that cannot be read is -1 (or left out, for workloads). */
    public NodeReport report() {
        long[] memory = memory();
        return new NodeReport(Runtime.getRuntime().availableProcessors(), memory[0], memory[1], diskFree(), load(),
                limits, workloads());
    }

    /** Bytes free under the cache path for an unprivileged user, or -1. */
    public long diskFree() {
        try {
            return Files.getFileStore(cachePath).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** {total, available} bytes of memory: Linux's MemTotal and MemAvailable, else the JVM's view of the host. */
    public long[] memory() {
        if (Files.isReadable(MEMINFO)) {
            try {
                long total = -1;
                long available = -1;
                for (String line : Files.readAllLines(MEMINFO)) {
                    if (line.startsWith("MemTotal:")) {
                        total = kibibytes(line);
                    } else if (line.startsWith("MemAvailable:")) {
                        available = kibibytes(line);
                    }
                }
                if (total > 0 && available >= 0) {
                    return new long[] {total, available};
                }
            } catch (IOException | NumberFormatException e) {
                LOG.fine(() -> "cannot read " + MEMINFO + ": " + e.getMessage());
            }
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return new long[] {os.getTotalMemorySize(), os.getFreeMemorySize()};
        }
        return new long[] {-1, -1};
    }

    private static long kibibytes(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
    }

    /**
     * The one-minute load average: Linux's /proc/loadavg, else the JVM's view of the host. Read
     * from the file where there is one, because the management beans load about 50 classes
     * into a daemon that otherwise needs none of them (docs/performance.md, Footprint).
     */
    static double load() {
        if (Files.isReadable(LOADAVG)) {
            try {
                return Double.parseDouble(Files.readString(LOADAVG).trim().split("\\s+", 2)[0]);
            } catch (IOException | RuntimeException e) {
                LOG.fine(() -> "cannot read " + LOADAVG + ": " + e.getMessage());
            }
        }
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? -1 : load;
    }

    /** Every jail and VM of the node with what it asks for; a driver that cannot list is left out. */
    public List<NodeReport.Workload> workloads() {
        List<NodeReport.Workload> workloads = new ArrayList<>();
        try {
            Map<String, String> projects = cache.projects(NodeReport.Workload.JAIL);
            for (JailStatus jail : jails.list()) {
                String memory = jail.spec().memory();
                workloads.add(new NodeReport.Workload(NodeReport.Workload.JAIL, jail.name(), jail.state(),
                        projects.get(jail.name()), memory == null ? 0 : Math.max(0, Sizes.bytes(memory)),
                        jail.spec().cpus() == null ? 0 : jail.spec().cpus(), 0));
            }
        } catch (JailException | RuntimeException e) {
            LOG.fine(() -> "cannot list jails for the node report: " + e.getMessage());
        }
        try {
            Map<String, String> projects = cache.projects(NodeReport.Workload.VM);
            for (VmStatus vm : vms.list()) {
                workloads.add(new NodeReport.Workload(NodeReport.Workload.VM, vm.name(), vm.state().text(),
                        projects.get(vm.name()), Math.max(0, Sizes.bytes(vm.spec().memory())), vm.spec().cpus(),
                        Math.max(0, Sizes.bytes(vm.spec().disk()))));
            }
        } catch (VmException | RuntimeException e) {
            LOG.fine(() -> "cannot list VMs for the node report: " + e.getMessage());
        }
        return workloads;
    }
}
