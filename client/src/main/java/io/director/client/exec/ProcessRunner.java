package io.director.client.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Starts commands in a session and process group of their own, captures capped stdout and
 * stderr, and on timeout sends SIGTERM to the whole group, then SIGKILL after a grace period, so
 * nothing a job started outlives it.
 *
 * <p>Two ways to do it, chosen once per process at the first command: libc's {@code posix_spawn}
 * with a new session and the output read by the calling thread ({@link PosixSpawnRunner}, on
 * Linux with glibc 2.34 or later), else the JDK's {@link ProcessBuilder} through the
 * {@code setsid} program ({@link JdkProcessRunner}). The first costs about 0.3 ms of CPU less a
 * job here: no second exec, no reaper and reader threads (docs/performance.md, Throughput). The
 * system property {@code director.spawn} ({@code posix_spawn} or {@code jdk}) forces one.
 */
public final class ProcessRunner implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProcessRunner.class.getName());
    static final long KILL_GRACE_MILLIS = 5000;
    static final String PROPERTY = "director.spawn";

    /** How a process ended. */
    public record Outcome(int exitCode, String stdout, String stderr, boolean timedOut) {
    }

    /** One way of running a command in a session of its own. */
    interface Mechanism extends AutoCloseable {
        Outcome run(List<String> command, Map<String, String> environment, Path workDir, long timeoutSeconds,
                    int outputCap) throws IOException, InterruptedException;

        @Override
        void close();
    }

    /** The way chosen for this process: looked for at the first command, which an idle daemon does not pay for. */
    private static final class Chosen {
        static final boolean POSIX_SPAWN = choose();

        private static boolean choose() {
            String forced = System.getProperty(PROPERTY, "").toLowerCase(Locale.ROOT);
            if (!forced.isEmpty() && !forced.equals("jdk") && !forced.equals("posix_spawn")) {
                LOG.warning(() -> PROPERTY + "=" + forced + " is neither posix_spawn nor jdk: ignored");
            }
            if (forced.equals("jdk")) {
                LOG.fine(() -> "commands start through the JDK (" + PROPERTY + "=jdk)");
                return false;
            }
            String unusable = PosixSpawnRunner.unusableBecause();
            if (unusable == null) {
                LOG.fine("commands start with posix_spawn");
                return true;
            }
            LOG.info(() -> "commands start through the JDK and a setsid program: " + unusable);
            return false;
        }
    }

    private final Boolean posixSpawn;
    private Mechanism mechanism;

    public ProcessRunner() {
        this.posixSpawn = null;
    }

    /** A runner that uses the given way (tests compare both); {@code true} needs {@link #posixSpawnUsable()}. */
    ProcessRunner(boolean posixSpawn) {
        this.posixSpawn = posixSpawn;
    }

    static boolean posixSpawnUsable() {
        return PosixSpawnRunner.unusableBecause() == null;
    }

    /** Whether this runner starts commands with posix_spawn (deciding now if it has not yet). */
    boolean usesPosixSpawn() {
        return mechanism() instanceof PosixSpawnRunner;
    }

    public Outcome run(List<String> command, Map<String, String> environment, Path workDir, long timeoutSeconds,
                       int outputCap) throws IOException, InterruptedException {
        return mechanism().run(command, environment, workDir, timeoutSeconds, outputCap);
    }

    private synchronized Mechanism mechanism() {
        if (mechanism == null) {
            boolean spawn = posixSpawn != null ? posixSpawn : Chosen.POSIX_SPAWN;
            mechanism = spawn ? new PosixSpawnRunner() : new JdkProcessRunner();
        }
        return mechanism;
    }

    @Override
    public synchronized void close() {
        if (mechanism != null) {
            mechanism.close();
        }
    }
}
