package io.director.client.driver.jail;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/** What the Linux driver reads from /proc: start times, namespaces, roots and mount points. */
final class ProcFs {

    private static final long POLL_NANOS = 20_000_000;

    private ProcFs() {
    }

    /** Field 22 of /proc/PID/stat (clock ticks after boot), or -1 when the process is gone. */
    static long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name (field 2) may hold blanks and parentheses: count from the last ')'
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(rest[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static boolean isSameProcess(long pid, Long startTime) {
        long now = startTime(pid);
        return now >= 0 && startTime != null && now == startTime;
    }

    static String pidNamespace(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/pid")).toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** The process's root directory as the host sees it, or null. */
    static Path root(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/root"));
        } catch (IOException e) {
            return null;
        }
    }

    /** Host pids of every process in the PID namespace. */
    static List<Long> processesIn(String pidNs) {
        List<Long> pids = new ArrayList<>();
        if (pidNs == null) {
            return pids;
        }
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path p : proc) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pidNs.equals(pidNamespace(pid))) {
                    pids.add(pid);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return pids;
    }

    /** The host's mount points (field 5 of /proc/self/mountinfo, octal escapes decoded). */
    static List<String> mountPoints() throws IOException {
        List<String> points = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            if (fields.length > 4) {
                points.add(unescape(fields[4]));
            }
        }
        return points;
    }

    static boolean awaitGone(long pid, Long startTime, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (isSameProcess(pid, startTime)) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            pause();
        }
        return true;
    }

    static boolean awaitNamespaceEmpty(String pidNs, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!processesIn(pidNs).isEmpty()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            pause();
        }
        return true;
    }

    /** One polling step (a wait for a condition with a deadline, never a fixed sleep before a check). */
    static void pause() {
        LockSupport.parkNanos(POLL_NANOS);
    }

    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
