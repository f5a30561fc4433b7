package io.director.cli;

/** Exit codes of the {@code director} command (spec: cli.md, "Exit codes"). */
public final class ExitCodes {

    /** Done; with --wait every target succeeded or was skipped. */
    public static final int OK = 0;
    /** With --wait: a target failed or was cancelled; an unknown job id; a server-side failure. */
    public static final int FAILED = 1;
    /** Usage or validation error. */
    public static final int INVALID_INPUT = 2;
    /** The server cannot be reached on its UNIX socket. */
    public static final int UNREACHABLE = 3;
    /** --wait gave up after --wait-timeout. */
    public static final int WAIT_TIMEOUT = 4;
    /** {@code director client}: the server refused this node (wrong key, identity taken, …). */
    public static final int REFUSED = 5;

    private ExitCodes() {
    }
}
