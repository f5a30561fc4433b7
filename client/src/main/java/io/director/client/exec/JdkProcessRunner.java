package io.director.client.exec;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
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
 * Runs commands the JDK's way ({@link ProcessBuilder}), in a session and process group of their
 * own through the {@code setsid} program where the system has it: where the C library calls of
 * {@link PosixSpawnRunner} are not there (not Linux, an older glibc, musl), or when asked for.
 *
 * <p>The {@code setsid} exec is a large part of a short job's cost: a dynamically linked program
 * first runs the dynamic loader (about 3 ms here, as much as the job's shell). Where the node has
 * a statically linked busybox whose {@code setsid} applet works, that is used instead (about 3 ms
 * less a job here, docs/performance.md, Throughput); otherwise util-linux's {@code setsid}.
 */
final class JdkProcessRunner implements ProcessRunner.Mechanism {

    private static final Logger LOG = Logger.getLogger(JdkProcessRunner.class.getName());
    private static final long KILL_GRACE_MILLIS = ProcessRunner.KILL_GRACE_MILLIS;

    private static final List<String> DIRS = List.of("/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", "/sbin");
    private static final int PT_INTERP = 3;

    /**
     * The words that start a command in a session of its own (empty when the node has no setsid).
     * Looked for once per process, at the first command: the check runs a program, which an idle
     * daemon should not have paid for (a process reaper thread and its classes).
     */
    private static final class Setsid {
        static final List<String> COMMAND = setsidCommand();
    }

    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "output-reader");
        t.setDaemon(true);
        return t;
    });

    @Override
    public ProcessRunner.Outcome run(List<String> command, Map<String, String> environment, Path workDir, long timeoutSeconds,
                       int outputCap) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        full.addAll(Setsid.COMMAND);
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
        // One grace for both pipes (a background process usually holds both).
        long graceEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KILL_GRACE_MILLIS);
        awaitReader(outReader, graceEnd);
        awaitReader(errReader, graceEnd);
        return new ProcessRunner.Outcome(process.exitValue(), out.text(), err.text(), timedOut);
    }

    private static void drain(CappedBuffer buffer, java.io.InputStream in) {
        try (in) {
            buffer.drain(in);
        } catch (IOException e) {
            // the process closed its end; what was read is kept
        }
    }

    private static void awaitReader(Future<?> reader, long graceEnd) throws InterruptedException {
        try {
            reader.get(Math.max(0, graceEnd - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // A background process still holds the pipe open: keep what was read.
            reader.cancel(true);
        }
    }

    private void signalGroup(Process process, String signal) {
        if (!Setsid.COMMAND.isEmpty()) {
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

    /** A static busybox's setsid when it works here, else util-linux's, else none. */
    static List<String> setsidCommand() {
        for (String dir : DIRS) {
            Path busybox = Path.of(dir, "busybox");
            if (Files.isExecutable(busybox) && isStaticElf(busybox) && setsidAppletWorks(busybox)) {
                return List.of(busybox.toString(), "setsid");
            }
        }
        String setsid = find("setsid");
        return setsid == null ? List.of() : List.of(setsid);
    }

    /** Runs the applet as jobs will use it once: a build without it, or a broken one, is not used. */
    private static boolean setsidAppletWorks(Path busybox) {
        try {
            Process check = new ProcessBuilder(busybox.toString(), "setsid", "/bin/sh", "-c", "exit 7")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!check.waitFor(10, TimeUnit.SECONDS)) {
                check.destroyForcibly();
                return false;
            }
            return check.exitValue() == 7;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether a file is an ELF executable without a program interpreter (no dynamic loader to run). */
    static boolean isStaticElf(Path file) {
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer header = ByteBuffer.allocate(64);
            channel.read(header, 0);
            if (header.position() < 52 || header.getInt(0) != 0x7F454C46) { // "\x7fELF"
                return false;
            }
            boolean wide = header.get(4) == 2; // ELFCLASS64
            header.order(header.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            long tableOffset = wide ? header.getLong(32) : Integer.toUnsignedLong(header.getInt(28));
            int entrySize = Short.toUnsignedInt(header.getShort(wide ? 54 : 42));
            int entries = Short.toUnsignedInt(header.getShort(wide ? 56 : 44));
            if (entries == 0 || entrySize < 4 || entries > 1024) {
                return false;
            }
            ByteBuffer table = ByteBuffer.allocate(entrySize * entries).order(header.order());
            channel.read(table, tableOffset);
            if (table.position() < table.capacity()) {
                return false;
            }
            for (int i = 0; i < entries; i++) {
                if (table.getInt(i * entrySize) == PT_INTERP) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // unreadable or malformed: not known to be static
        }
    }

    private static String find(String program) {
        for (String dir : DIRS) {
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
