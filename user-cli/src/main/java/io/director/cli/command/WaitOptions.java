package io.director.cli.command;

import picocli.CommandLine.Option;

/** How {@code exec} and {@code orchestrate} wait for their jobs. */
public final class WaitOptions {

    @Option(names = {"--wait", "--poll"}, fallbackValue = "true",
            description = "Wait until every target has finished; one status line per node.")
    boolean wait;

    @Option(names = "--stream", fallbackValue = "true",
            description = "As --wait, and print each node's stdout and stderr as it arrives.")
    boolean stream;

    @Option(names = "--check", fallbackValue = "true", description = "With --wait: list the failed nodes at the end.")
    boolean check;

    @Option(names = "--wait-timeout", paramLabel = "S", description = "With --wait: give up after S seconds (exit 4).")
    Double waitTimeout;

    public boolean waits() {
        return wait || stream || check;
    }
}
