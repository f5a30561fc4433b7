package io.director.dsl.wire;

/**
 * The timing both ends of a link agree on: how long silence lasts before a peer is given up,
 * and how long a node may take to come back. The server's grace after a restart is derived from
 * the node's backoff, so the two cannot drift apart.
 */
public final class Liveness {

    /** Heartbeat intervals of silence after which the server expires a node and a node gives up its socket. */
    public static final int SILENT_INTERVALS = 3;

    /** First wait of a node's reconnect or hello backoff. */
    public static final long BACKOFF_MIN_MILLIS = 1_000;

    /**
     * Longest backoff step (each wait is the step times 0.5 to 1.5). Ten seconds, like Salt's
     * {@code recon_max}: the jitter already spreads thousands of nodes, and a longer step only
     * keeps nodes away from a server that is back.
     */
    public static final long BACKOFF_MAX_MILLIS = 10_000;

    private Liveness() {
    }

    /**
     * How long nodes known before a server restart have to say hello before they are expired:
     * a node may have noticed the silence just before the server came back (three intervals) and
     * then wait its longest backoff (1.5 steps), and a reconnect storm slows every handshake.
     */
    public static long restoreGraceMillis(long heartbeatMillis) {
        return SILENT_INTERVALS * heartbeatMillis + 3 * BACKOFF_MAX_MILLIS;
    }
}
