package io.director.client.driver;

import io.director.client.exec.ProcessRunner;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The seam between a driver that controls the host through commands (FreeBSD's jail(8), AppJail,
 * vm-bhyve) and the processes it runs: drivers build exact command lines and this runs them, so
 * tests can record the lines and script the answers where the real tools cannot run.
 */
@FunctionalInterface
public interface CommandRunner {

    /** Runs the command (no shell), waiting at most {@code timeoutSeconds}; output capped at {@code outputCap} bytes. */
    ProcessRunner.Outcome run(List<String> command, long timeoutSeconds, int outputCap)
            throws IOException, InterruptedException;

    /** The real runner: each command in a process group of its own through {@link ProcessRunner}. */
    static CommandRunner over(ProcessRunner processes) {
        Objects.requireNonNull(processes, "processes");
        return (command, timeoutSeconds, outputCap) -> processes.run(command, Map.of(), null, timeoutSeconds, outputCap);
    }

    /** Whether an executable of that name is in a directory of {@code PATH}. */
    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
