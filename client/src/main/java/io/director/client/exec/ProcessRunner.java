package io.director.client.exec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Starts commands in a process group of their own (through {@code setsid} where the system has
 * it), captures capped stdout and stderr, and on timeout sends SIGTERM to the whole group, then
 * SIGKILL after a grace period, so nothing a job started outlives it.
 */
public final class ProcessRunner implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProcessRunner.class.getName());
    static final long KILL_GRACE_MILLIS = 5000;

    private final String setsid = find("setsid");
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "output-reader");
        t.setDaemon(true);
        return t;
    });

    /** How a process ended. */
    public record Outcome(int exitCode, String stdout, String stderr, boolean timedOut) {
    }

    public Outcome run(List<String> command, Map<String, String> environment, Path workDir, long timeoutSeconds,
                       int outputCap) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (setsid != null) {
            full.add(setsid);
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full);
        builder.environment().putAll(environment);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = builder.start();
        CappedBuffer out = new CappedBuffer(outputCap);
        CappedBuffer err = new CappedBuffer(outputCap);
        Future<?> outReader = readers.submit(() -> drain(out, process.getInputStream()));
        Future<?> errReader = readers.submit(() -> drain(err, process.getErrorStream()));
        boolean timedOut = false;
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                timedOut = true;
                signalGroup(process, "TERM");
                if (!process.waitFor(KILL_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                    signalGroup(process, "KILL");
                    process.waitFor();
                }
            }
        } catch (InterruptedException e) {
            signalGroup(process, "KILL");
            throw e;
        }
        // The group may hold children that keep the pipes open after the shell exits; on a
        // timeout they were signalled with it, so readers end promptly either way.
        if (timedOut) {
            signalGroup(process, "KILL");
        }
        awaitReader(outReader);
        awaitReader(errReader);
        return new Outcome(process.exitValue(), out.text(), err.text(), timedOut);
    }

    private static void drain(CappedBuffer buffer, java.io.InputStream in) {
        try (in) {
            buffer.drain(in);
        } catch (IOException e) {
            // the process closed its end; what was read is kept
        }
    }

    private static void awaitReader(Future<?> reader) throws InterruptedException {
        try {
            reader.get(KILL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // A background process still holds the pipe open: keep what was read.
            reader.cancel(true);
        }
    }

    private void signalGroup(Process process, String signal) {
        if (setsid != null) {
            try {
                new ProcessBuilder("kill", "-s", signal, "--", "-" + process.pid())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start().waitFor(2, TimeUnit.SECONDS);
                return;
            } catch (IOException | InterruptedException e) {
                LOG.warning(() -> "cannot signal process group " + process.pid() + ": " + e.getMessage());
            }
        }
        boolean force = signal.equals("KILL");
        process.descendants().forEach(p -> {
            if (force) {
                p.destroyForcibly();
            } else {
                p.destroy();
            }
        });
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
    }

    private static String find(String program) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", "/sbin")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    @Override
    public void close() {
        readers.shutdownNow();
    }
}
