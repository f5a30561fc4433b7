package io.director.client.exec;

import java.util.List;
import java.util.Map;

/** Run in a JVM of its own by {@link ProcessRunnerFallbackTest}: prints the way chosen and one command's outcome. */
public final class ProcessRunnerChoice {

    private ProcessRunnerChoice() {
    }

    public static void main(String[] args) throws Exception {
        try (ProcessRunner runner = new ProcessRunner()) {
            ProcessRunner.Outcome outcome = runner.run(List.of("/bin/sh", "-c", "echo ran; exit 3"), Map.of(), null, 10, 64);
            System.out.println((runner.usesPosixSpawn() ? "posix_spawn" : "jdk") + " " + outcome.exitCode() + " "
                    + outcome.stdout().strip());
        }
    }
}
