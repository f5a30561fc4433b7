package io.director.cli;

/** Ends a command with a one-line message on stderr (or {@code {"error": …}} with --json) and an exit code. */
public final class CliException extends RuntimeException {

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
