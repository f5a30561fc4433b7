package io.director.client.capacity;

import io.director.dsl.wire.JobResult;
import io.director.dsl.wire.NodeReport;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether this node can take one more jail or VM within its limits: {@code --max-jails},
 * {@code --max-vms}, and the memory and disk it must keep free ({@code --reserve-memory},
 * {@code --reserve-disk}). A refusal's text starts with {@link JobResult#CAPACITY_REFUSAL}, so
 * the server forwards the work to another node instead of failing it.
 */
public final class CapacityCheck {

    private final NodeProbe probe;

    public CapacityCheck(NodeProbe probe) {
        this.probe = Objects.requireNonNull(probe, "probe");
    }

    /**
     * Why a new workload of this kind asking for these bytes must be refused, or empty.
     *
     * @param kind   {@link NodeReport.Workload#JAIL} or {@link NodeReport.Workload#VM}
     * @param memory bytes of memory it asks for (0: none given)
     * @param disk   bytes of disk it asks for (0: none)
     */
    public Optional<String> refusal(String kind, long memory, long disk) {
        NodeReport.Limits limits = probe.limits();
        int max = kind.equals(NodeReport.Workload.JAIL) ? limits.maxJails() : limits.maxVms();
        if (max >= 0) {
            long count = probe.workloads().stream().filter(w -> w.kind().equals(kind)).count();
            if (count >= max) {
                return refused("max-" + kind + "s " + max + " reached (" + count + " " + kind + "s here)");
            }
        }
        long free = probe.memory()[1];
        if (free >= 0 && (memory > 0 || limits.reserveMemory() > 0) && free - memory < limits.reserveMemory()) {
            return refused("memory: " + mebibytes(free) + " free, " + mebibytes(memory) + " asked, "
                    + mebibytes(limits.reserveMemory()) + " reserved");
        }
        long diskFree = probe.diskFree();
        if (diskFree >= 0 && (disk > 0 || limits.reserveDisk() > 0) && diskFree - disk < limits.reserveDisk()) {
            return refused("disk: " + mebibytes(diskFree) + " free, " + mebibytes(disk) + " asked, "
                    + mebibytes(limits.reserveDisk()) + " reserved");
        }
        return Optional.empty();
    }

    private static Optional<String> refused(String why) {
        return Optional.of(JobResult.CAPACITY_REFUSAL + why);
    }

    private static String mebibytes(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
