package io.director.client.exec;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command with libc's {@code posix_spawnp}, in a session of its own
 * ({@code POSIX_SPAWN_SETSID}), and collects it in the calling thread: it reads stdout and stderr
 * with {@code poll(2)}, learns of the exit from a pidfd in the same poll, and reaps the child
 * itself.
 *
 * <p>Why not the JDK's {@link ProcessBuilder}: it cannot start a process in a new session, so a
 * {@code setsid} program is exec'd before the command (a second exec a job), and each process
 * wakes a reaper thread and two reader threads. Here a short job costs about 0.3 ms of CPU less
 * (docs/performance.md, Throughput).
 *
 * <p>Like the JDK, the child gets {@code /dev/null} as stdin, nothing but descriptors 0–2 (every
 * other one is closed, {@code posix_spawn_file_actions_addclosefrom_np}), the daemon's
 * environment with the job's on top, and no blocked signals; unlike it, every signal at its
 * default disposition, even one the daemon was started ignoring (a daemon started in the
 * background of a shell ignores SIGINT and SIGQUIT, which a job's {@code trap} could not undo).
 */
final class PosixSpawnRunner implements ProcessRunner.Mechanism {

    private static final long KILL_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(ProcessRunner.KILL_GRACE_MILLIS);
    /** Longest poll: a thread interrupted while its command runs notices within this. */
    private static final int POLL_SLICE_MILLIS = 250;
    /** Without a pidfd (kernels before 5.3), how often a child whose pipes are closed is looked at. */
    private static final int REAP_SLICE_MILLIS = 1;
    private static final int CHUNK = 16 * 1024;
    private static final int POLLFD_BYTES = 8;
    private static final long STRUCTS_BYTES = 2L * LibC.SPAWN_STRUCT_BYTES + 2L * LibC.SIGSET_BYTES;

    /** Why posix_spawn cannot be used here, or null when it can. Checked once: it loads JNA and runs a program. */
    static String unusableBecause() {
        return Probe.UNUSABLE;
    }

    private static final class Probe {
        static final String UNUSABLE = probe();

        private static String probe() {
            if (!System.getProperty("os.name", "").equals("Linux")) {
                return "not Linux";
            }
            try {
                Class.forName(LibC.class.getName(), true, PosixSpawnRunner.class.getClassLoader());
            } catch (LinkageError | ClassNotFoundException e) {
                return "libc's posix_spawn calls cannot be reached (" + e + ")";
            }
            // Run a command as jobs will be run once: a libc that takes the calls but does not
            // honour them (or a sandbox refusing them) is not used.
            try (PosixSpawnRunner runner = new PosixSpawnRunner()) {
                ProcessRunner.Outcome outcome = runner.run(List.of("/bin/sh", "-c", "echo $$; exit 7"), Map.of(),
                        null, 10, 64);
                if (outcome.exitCode() != 7 || outcome.stdout().isBlank()) {
                    return "a test command ended unexpectedly (" + outcome + ")";
                }
                return null;
            } catch (IOException | RuntimeException e) {
                return "a test command failed (" + e.getMessage() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while testing posix_spawn";
            }
        }
    }

    @Override
    public ProcessRunner.Outcome run(List<String> command, Map<String, String> environment, Path workDir,
                                     long timeoutSeconds, int outputCap) throws IOException, InterruptedException {
        Child child = Child.spawn(command, environment, workDir);
        try {
            return child.collect(timeoutSeconds, outputCap);
        } finally {
            child.release();
        }
    }

    @Override
    public void close() {
        // nothing held between commands
    }

    /** A started command: its pid, the read ends of its stdout and stderr, and a pidfd when the kernel has them. */
    private static final class Child {
        final int pid;
        int out;
        int err;
        int pidfd;
        boolean reaped;
        int status;

        private Child(int pid, int out, int err) {
            this.pid = pid;
            this.out = out;
            this.err = err;
            long fd = LibC.syscall(LibC.SYS_PIDFD_OPEN, pid, 0);
            this.pidfd = fd >= 0 ? (int) fd : -1;
        }

        static Child spawn(List<String> command, Map<String, String> environment, Path workDir) throws IOException {
            String[] argv = command.toArray(new String[0]);
            String[] envp = environmentOf(environment);
            for (String word : argv) {
                checkNoNul(word, "command");
            }
            int[] out = pipe();
            int[] err;
            try {
                err = pipe();
            } catch (IOException e) {
                closeQuietly(out[0]);
                closeQuietly(out[1]);
                throw e;
            }
            boolean started = false;
            // One native allocation a spawn, freed at once (JNA's per-string memory would wait for
            // its cleaner thread): the two structures, two signal sets (none blocked, all set to
            // their defaults), argv and envp.
            try (Memory block = nativeBlock(argv, envp)) {
                Pointer actions = block.share(0, LibC.SPAWN_STRUCT_BYTES);
                Pointer attributes = block.share(LibC.SPAWN_STRUCT_BYTES, LibC.SPAWN_STRUCT_BYTES);
                Pointer noSignals = block.share(2L * LibC.SPAWN_STRUCT_BYTES, LibC.SIGSET_BYTES);
                Pointer allSignals = block.share(2L * LibC.SPAWN_STRUCT_BYTES + LibC.SIGSET_BYTES, LibC.SIGSET_BYTES);
                allSignals.setLong(0, LibC.ALL_SIGNALS);
                Pointer argvBlock = block.share(STRUCTS_BYTES);
                Pointer envpBlock = block.share(STRUCTS_BYTES + (argv.length + 1L) * Native.POINTER_SIZE);
                check(LibC.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
                try {
                    check(LibC.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", LibC.O_RDONLY, 0), "addopen");
                    check(LibC.posix_spawn_file_actions_adddup2(actions, out[1], 1), "adddup2");
                    check(LibC.posix_spawn_file_actions_adddup2(actions, err[1], 2), "adddup2");
                    if (workDir != null) {
                        check(LibC.posix_spawn_file_actions_addchdir_np(actions, workDir.toString()), "addchdir");
                    }
                    check(LibC.posix_spawn_file_actions_addclosefrom_np(actions, 3), "addclosefrom");
                    check(LibC.posix_spawnattr_init(attributes), "posix_spawnattr_init");
                    try {
                        check(LibC.posix_spawnattr_setflags(attributes, (short) (LibC.POSIX_SPAWN_SETSID
                                | LibC.POSIX_SPAWN_SETSIGMASK | LibC.POSIX_SPAWN_SETSIGDEF)), "setflags");
                        check(LibC.posix_spawnattr_setsigmask(attributes, noSignals), "setsigmask");
                        check(LibC.posix_spawnattr_setsigdefault(attributes, allSignals), "setsigdefault");
                        int[] pid = new int[1];
                        int rc = LibC.posix_spawnp(pid, argv[0], actions, attributes, argvBlock, envpBlock);
                        if (rc != 0) {
                            throw new IOException("Cannot run program \"" + argv[0] + "\""
                                    + (workDir == null ? "" : " (in directory \"" + workDir + "\")")
                                    + ": error=" + rc + ", " + LibC.strerror(rc));
                        }
                        started = true;
                        return new Child(pid[0], out[0], err[0]);
                    } finally {
                        LibC.posix_spawnattr_destroy(attributes);
                    }
                } finally {
                    LibC.posix_spawn_file_actions_destroy(actions);
                }
            } finally {
                closeQuietly(out[1]);
                closeQuietly(err[1]);
                if (!started) {
                    closeQuietly(out[0]);
                    closeQuietly(err[0]);
                }
            }
        }

        /**
         * The spawn's native memory: {@link #STRUCTS_BYTES} of zeroes for the structures and two
         * signal sets, then argv and envp as NULL-terminated arrays of pointers, then their UTF-8
         * strings.
         */
        private static Memory nativeBlock(String[] argv, String[] envp) {
            int pointer = Native.POINTER_SIZE;
            byte[][][] arrays = {utf8(argv), utf8(envp)};
            long slot = STRUCTS_BYTES;
            long text = STRUCTS_BYTES + (argv.length + 1L + envp.length + 1L) * pointer;
            long size = text;
            for (byte[][] array : arrays) {
                for (byte[] string : array) {
                    size += string.length + 1;
                }
            }
            Memory block = new Memory(size);
            block.clear(STRUCTS_BYTES);
            for (byte[][] array : arrays) {
                for (byte[] string : array) {
                    block.write(text, string, 0, string.length);
                    block.setByte(text + string.length, (byte) 0);
                    block.setPointer(slot, block.share(text));
                    slot += pointer;
                    text += string.length + 1;
                }
                block.setPointer(slot, null);
                slot += pointer;
            }
            return block;
        }

        private static byte[][] utf8(String[] strings) {
            byte[][] bytes = new byte[strings.length][];
            for (int i = 0; i < strings.length; i++) {
                bytes[i] = strings[i].getBytes(StandardCharsets.UTF_8);
            }
            return bytes;
        }

        /**
         * Reads both pipes until they close and the child has ended. On timeout: SIGTERM to the
         * group, SIGKILL after the grace. A background process that keeps the pipes open after the
         * command ended gets the same grace; what it wrote by then is kept.
         */
        ProcessRunner.Outcome collect(long timeoutSeconds, int outputCap) throws InterruptedException, IOException {
            CappedBuffer stdout = new CappedBuffer(outputCap);
            CappedBuffer stderr = new CappedBuffer(outputCap);
            long now = System.nanoTime();
            long deadline = timeoutSeconds >= TimeUnit.NANOSECONDS.toSeconds(Long.MAX_VALUE / 2)
                    ? Long.MAX_VALUE : now + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            boolean timedOut = false;
            boolean killed = false;
            long pipesDeadline = Long.MAX_VALUE;
            try (Memory scratch = new Memory(3L * POLLFD_BYTES + CHUNK)) {
                Pointer fds = scratch.share(0, 3L * POLLFD_BYTES);
                Pointer chunk = scratch.share(3L * POLLFD_BYTES, CHUNK);
                byte[] bytes = new byte[CHUNK];
                while (out >= 0 || err >= 0 || !reaped) {
                    if (Thread.interrupted()) {
                        signalGroup(LibC.SIGKILL);
                        throw new InterruptedException("interrupted while running process " + pid);
                    }
                    now = System.nanoTime();
                    if (!reaped && !killed && now - deadline >= 0) {
                        if (!timedOut) {
                            timedOut = true;
                            signalGroup(LibC.SIGTERM);
                            deadline = now + KILL_GRACE_NANOS;
                        } else {
                            killed = true;
                            signalGroup(LibC.SIGKILL);
                        }
                        continue;
                    }
                    if (reaped && now - pipesDeadline >= 0) {
                        break; // a background process holds the pipes open: keep what was read
                    }
                    int count = 0;
                    count = watch(fds, count, out);
                    count = watch(fds, count, err);
                    boolean watchExit = !reaped && pidfd >= 0;
                    if (watchExit) {
                        count = watch(fds, count, pidfd);
                    }
                    long until = reaped ? pipesDeadline : killed ? Long.MAX_VALUE : deadline;
                    int slice = !reaped && pidfd < 0 && out < 0 && err < 0 ? REAP_SLICE_MILLIS : POLL_SLICE_MILLIS;
                    int wait = (int) Math.max(0, Math.min(slice, millisUntil(until, now)));
                    int ready = LibC.poll(count == 0 ? null : fds, count, wait);
                    if (ready < 0) {
                        int errno = Native.getLastError();
                        if (errno != LibC.EINTR) {
                            throw new IOException("poll: " + LibC.strerror(errno));
                        }
                        continue;
                    }
                    for (int i = 0; i < count && ready > 0; i++) {
                        if (fds.getShort(i * (long) POLLFD_BYTES + 6) == 0) {
                            continue;
                        }
                        int fd = fds.getInt(i * (long) POLLFD_BYTES);
                        if (fd == out) {
                            out = drain(out, chunk, bytes, stdout);
                        } else if (fd == err) {
                            err = drain(err, chunk, bytes, stderr);
                        }
                    }
                    if (!reaped && reap(false)) {
                        if (timedOut) {
                            // what the command started is stopped with it, so the pipes close
                            signalGroup(LibC.SIGKILL);
                        }
                        pipesDeadline = System.nanoTime() + KILL_GRACE_NANOS;
                    }
                }
            }
            return new ProcessRunner.Outcome(exitCode(), stdout.text(), stderr.text(), timedOut);
        }

        /** Reads what a pipe has; returns -1 (and closes it) at its end. */
        private static int drain(int fd, Pointer chunk, byte[] bytes, CappedBuffer into) throws IOException {
            long n = LibC.read(fd, chunk, CHUNK);
            if (n > 0) {
                chunk.read(0, bytes, 0, (int) n);
                into.append(bytes, (int) n);
                return fd;
            }
            if (n < 0) {
                int errno = Native.getLastError();
                if (errno == LibC.EINTR) {
                    return fd;
                }
                closeQuietly(fd);
                throw new IOException("read from a command's output: " + LibC.strerror(errno));
            }
            closeQuietly(fd);
            return -1;
        }

        private static int watch(Pointer fds, int count, int fd) {
            if (fd < 0) {
                return count;
            }
            long at = count * (long) POLLFD_BYTES;
            fds.setInt(at, fd);
            fds.setShort(at + 4, LibC.POLLIN);
            fds.setShort(at + 6, (short) 0);
            return count + 1;
        }

        /** Reaps the child if it ended (or, blocking, when it ends); true once reaped. */
        private boolean reap(boolean block) {
            int[] wstatus = new int[1];
            while (true) {
                int rc = LibC.waitpid(pid, wstatus, block ? 0 : LibC.WNOHANG);
                if (rc == pid) {
                    reaped = true;
                    status = wstatus[0];
                    closePidfd();
                    return true;
                }
                if (rc < 0 && Native.getLastError() == LibC.EINTR) {
                    continue;
                }
                if (rc < 0) {
                    // not our child any more (someone reaped it): nothing left to wait for
                    reaped = true;
                    status = 0xff << 8;
                    closePidfd();
                    return true;
                }
                return false;
            }
        }

        /** Like the JDK: the exit status, or 128 plus the signal that ended it. */
        private int exitCode() {
            int signal = status & 0x7f;
            return signal == 0 ? (status >> 8) & 0xff : 0x80 + signal;
        }

        private void signalGroup(int signal) {
            if (reaped && signal == LibC.SIGTERM) {
                return;
            }
            // The group outlives its leader while members are left; ESRCH means none are.
            LibC.kill(-pid, signal);
        }

        /** Frees what is left: the pipes, the pidfd, and a child not yet reaped (killed first). */
        void release() {
            if (out >= 0) {
                closeQuietly(out);
                out = -1;
            }
            if (err >= 0) {
                closeQuietly(err);
                err = -1;
            }
            if (!reaped) {
                signalGroup(LibC.SIGKILL);
                reap(true);
            }
            closePidfd();
        }

        private void closePidfd() {
            if (pidfd >= 0) {
                closeQuietly(pidfd);
                pidfd = -1;
            }
        }

        private static long millisUntil(long until, long now) {
            if (until == Long.MAX_VALUE) {
                return Long.MAX_VALUE;
            }
            return TimeUnit.NANOSECONDS.toMillis(until - now) + 1;
        }
    }

    /**
     * The daemon's environment with the job's on top, as NAME=value strings. Only the job's
     * variables are checked: the daemon's came from the system's own block.
     */
    private static String[] environmentOf(Map<String, String> environment) throws IOException {
        for (Map.Entry<String, String> entry : environment.entrySet()) {
            String name = entry.getKey();
            if (name.isEmpty() || name.indexOf('=') >= 0) {
                throw new IOException("invalid environment variable name '" + name + "'");
            }
            checkNoNul(name, "environment variable name");
            checkNoNul(entry.getValue(), "environment variable " + name);
        }
        Map<String, String> merged = new HashMap<>(System.getenv());
        merged.putAll(environment);
        List<String> block = new ArrayList<>(merged.size());
        merged.forEach((name, value) -> block.add(name + "=" + value));
        return block.toArray(new String[0]);
    }

    private static void checkNoNul(String text, String what) throws IOException {
        if (text.indexOf('\0') >= 0) {
            throw new IOException("invalid NUL character in " + what);
        }
    }

    private static int[] pipe() throws IOException {
        int[] fds = new int[2];
        if (LibC.pipe2(fds, LibC.O_CLOEXEC) != 0) {
            throw new IOException("pipe: " + LibC.strerror(Native.getLastError()));
        }
        return fds;
    }

    private static void check(int rc, String call) throws IOException {
        if (rc != 0) {
            throw new IOException(call + ": " + LibC.strerror(rc));
        }
    }

    private static void closeQuietly(int fd) {
        LibC.close(fd);
    }
}
