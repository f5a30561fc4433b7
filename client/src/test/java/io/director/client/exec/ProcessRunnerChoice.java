package io.director.client.exec;

import java.util.List;
import java.util.Map;

/**
 * Run in a JVM of its own by {@link ProcessRunnerFallbackTest}: prints the way chosen and one
 * command's outcome (its exit code and output); the command is {@code echo ran; exit 3}, or the
 * shell command given as the argument.
 */
public final class ProcessRunnerChoice {

    private ProcessRunnerChoice() {
    }

    public static void main(String[] args) throws Exception {
        try (ProcessRunner runner = new ProcessRunner()) {
            String command = args.length > 0 ? args[0] : "echo ran; exit 3";
            ProcessRunner.Outcome outcome = runner.run(List.of("/bin/sh", "-c", command), Map.of(), null, 10, 256);
            System.out.println((runner.usesPosixSpawn() ? "posix_spawn" : "jdk") + " " + outcome.exitCode() + " "
                    + outcome.stdout().strip());
        }
    }
}
