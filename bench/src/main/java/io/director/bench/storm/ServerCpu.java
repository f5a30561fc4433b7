package io.director.bench.storm;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * CPU time of the threads an in-process server started, told apart from the swarm's by when they
 * appeared: the threads alive after {@code DirectorServer.start()} that were not alive before it
 * (server loop, ZeroMQ I/O and reaper, ZAP handler, transfer endpoint, API acceptor). The API
 * connection threads that answer the benchmark's own polls start later and are left out; so is
 * JVM-wide work (GC, JIT), which the process CPU time includes.
 */
final class ServerCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final long[] threadIds;

    private ServerCpu(long[] threadIds) {
        this.threadIds = threadIds;
    }

    /** The ids of every live thread, taken just before a server starts. */
    static Set<Long> liveThreads() {
        Set<Long> ids = new HashSet<>();
        for (long id : THREADS.getAllThreadIds()) {
            ids.add(id);
        }
        return ids;
    }

    /** The threads alive now that were not in {@code before}. */
    static ServerCpu threadsSince(Set<Long> before) {
        return new ServerCpu(Arrays.stream(THREADS.getAllThreadIds()).filter(id -> !before.contains(id)).toArray());
    }

    int threadCount() {
        return threadIds.length;
    }

    /** CPU nanoseconds these threads used so far (a thread that has ended counts as nothing). */
    long cpuNanos() {
        long total = 0;
        for (long id : threadIds) {
            long used = THREADS.getThreadCpuTime(id);
            if (used > 0) {
                total += used;
            }
        }
        return total;
    }

    /** CPU nanoseconds the calling thread used so far. */
    static long currentThreadNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** CPU nanoseconds the whole JVM used so far (every thread, GC and JIT included). */
    static long processNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
