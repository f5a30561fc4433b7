package io.director.bench.swarm;

import java.lang.management.ManagementFactory;

/**
 * What a swarm costs in file descriptors, and how many this process may still open. Each JeroMQ
 * context holds 16 before any socket (its own, its reaper's and its I/O thread's mailboxes, each a
 * pipe plus a selector, and two pollers); each DEALER adds its mailbox (4) and a TCP connection,
 * whose other end the in-process server holds. A node with a context of its own thus needs 22.
 */
public final class FileDescriptors {

    static final int PER_CONTEXT = 16;
    static final int PER_NODE_SOCKET = 6;
    /** Left for the server, the JVM, the datastore and reconnects in flight. */
    private static final int RESERVE = 1000;

    private FileDescriptors() {
    }

    /** File descriptors {@code count} nodes need, {@code perContext} to a context. */
    public static long needed(int count, int perContext) {
        long contexts = (count + perContext - 1) / perContext;
        return contexts * PER_CONTEXT + (long) count * PER_NODE_SOCKET + RESERVE;
    }

    /** How many more this process may open (the soft limit less those open), or -1 when unknown. */
    public static long available() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            return os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount();
        }
        return -1;
    }

    /**
     * Nodes per context: 1 when that fits the file descriptors available, else the fewest that
     * do (JeroMQ can stall a DEALER's handshake while another DEALER of its context connects, so
     * sharing is the fallback, not the default). Throws when even one context for all would not fit.
     */
    public static int nodesPerContext(int count, long available) {
        if (available < 0) {
            return 1;
        }
        for (int perContext = 1; perContext <= count; perContext *= 2) {
            if (needed(count, perContext) <= available) {
                return perContext;
            }
        }
        throw new IllegalStateException(count + " simulated nodes need at least " + needed(count, count)
                + " file descriptors, and this process may open " + available + " more: raise the limit "
                + "(ulimit -n) or run fewer nodes");
    }
}
