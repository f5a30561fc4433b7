package io.director.dsl.wire;

import java.util.List;

/**
 * What a node says about its capacity, its limits and the jails and VMs it runs, sent in its
 * {@code hello} and every {@code heartbeat}. The server places JAIL and VM work by it. Sizes are
 * bytes; a value the node cannot read is -1.
 *
 * @param cpus        processors available to the client
 * @param memoryTotal bytes of memory of the host
 * @param memoryFree  bytes of memory available for new work (Linux: {@code MemAvailable})
 * @param diskFree    bytes free for an unprivileged user under the node's cache path
 * @param load        one-minute load average, or -1
 * @param limits      the node's limits ({@code --max-jails} …)
 * @param workloads   its jails and VMs, with the resources each holds
 */
public record NodeReport(int cpus, long memoryTotal, long memoryFree, long diskFree, double load, Limits limits,
                         List<Workload> workloads) {

    public NodeReport {
        limits = limits == null ? Limits.NONE : limits;
        workloads = workloads == null ? List.of() : List.copyOf(workloads);
    }

    /** How many of this kind of workload the node runs. */
    public long count(String kind) {
        return workloads.stream().filter(w -> w.kind().equals(kind)).count();
    }

    /** Bytes of memory the node's workloads ask for, summed. */
    public long memoryHeld() {
        return workloads.stream().mapToLong(w -> Math.max(0, w.memory())).sum();
    }

    /** Whether any workload here is tagged with this project. */
    public boolean holdsProject(String project) {
        return workloads.stream().anyMatch(w -> project.equals(w.project()));
    }

    /**
     * A node's limits. A negative count means no limit; reserves are bytes kept free.
     *
     * @param maxJails      jails the node takes at most ({@code --max-jails}), -1: no limit
     * @param maxVms        VMs the node takes at most ({@code --max-vms}), -1: no limit
     * @param reserveMemory bytes of memory a new workload must leave free ({@code --reserve-memory})
     * @param reserveDisk   bytes of disk a new workload must leave free ({@code --reserve-disk})
     */
    public record Limits(int maxJails, int maxVms, long reserveMemory, long reserveDisk) {
        public static final Limits NONE = new Limits(-1, -1, 0, 0);
    }

    /**
     * One jail or VM on the node.
     *
     * @param kind    {@code jail} or {@code vm}
     * @param state   as its driver says: {@code created}, {@code running}, {@code stopped}, …
     * @param project the {@code --project} it was created with, or null
     * @param memory  bytes of memory it asks for, 0 when unlimited
     * @param cpus    processors it asks for, 0 when unlimited
     * @param disk    bytes of disk it asks for (VMs), 0 when none
     */
    public record Workload(String kind, String name, String state, String project, long memory, double cpus,
                           long disk) {
        public static final String JAIL = "jail";
        public static final String VM = "vm";
    }
}
