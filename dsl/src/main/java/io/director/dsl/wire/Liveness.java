package io.director.dsl.wire;

/**
 * The timing both ends of a link agree on: how long silence lasts before a peer is given up,
 * and how long a node may take to come back. The server's grace after a restart is derived from
 * the node's backoff, so the two cannot drift apart.
 */
public final class Liveness {

    /** Heartbeat intervals without a word from a node after which the server expires it. */
    public static final int SILENT_INTERVALS = 3;

    /**
     * Heartbeat intervals without a word from the server after which a node gives up its socket.
     * A node asks for an answer only when it has heard nothing for {@link #ANSWER_AFTER_INTERVALS}
     * (so every other heartbeat while the server answers), which leaves a server two intervals to
     * answer one, as answering every heartbeat within three did.
     */
    public static final int SERVER_SILENT_INTERVALS = 4;

    /**
     * Intervals of silence from the server after which a node's heartbeat asks for an answer:
     * halfway between one interval (just answered) and two (the last answer one heartbeat ago).
     * Each answer is a message the server must encrypt and write; asking for every other one
     * halves the server's idle cost per node (docs/performance.md, Scale).
     */
    public static final double ANSWER_AFTER_INTERVALS = 1.5;

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

    /** Whether a node that has heard nothing from the server for {@code silentMillis} asks for an answer. */
    public static boolean answerWanted(long silentMillis, long heartbeatMillis) {
        return silentMillis >= ANSWER_AFTER_INTERVALS * heartbeatMillis;
    }

    /** How long a node waits without a word from the server before it gives up its socket. */
    public static long serverSilenceLimitMillis(long heartbeatMillis) {
        return SERVER_SILENT_INTERVALS * heartbeatMillis;
    }

    /**
     * How long nodes known before a server restart have to say hello before they are expired:
     * a node may have noticed the silence just before the server came back (four intervals) and
     * then wait its longest backoff (1.5 steps), and a reconnect storm slows every handshake.
     */
    public static long restoreGraceMillis(long heartbeatMillis) {
        return serverSilenceLimitMillis(heartbeatMillis) + 3 * BACKOFF_MAX_MILLIS;
    }
}
