package io.director.bench.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What Linux says about a process: resident memory and CPU time, from /proc. */
public final class ProcessFigures {

    /** Clock ticks per second of /proc/PID/stat's CPU times (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessFigures() {
    }

    /** Resident set size in MiB (VmRSS: the whole process, heap, code, libraries and stacks). */
    public static double rssMib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    /** User plus system CPU seconds the process has used so far. */
    public static double cpuSeconds(long pid) throws IOException {
        return seconds(statFields(pid), 11);
    }

    /**
     * User plus system CPU seconds of the process's children that it has waited for (a node's
     * jobs, the floor's shells): counted when each ends and is reaped.
     */
    public static double childrenCpuSeconds(long pid) throws IOException {
        return seconds(statFields(pid), 13);
    }

    /**
     * User plus system CPU seconds of each of the process's JIT compiler threads so far, by
     * thread id (HotSpot names them "C1 CompilerThreadN" and "C2 CompilerThreadN", and may end
     * one that has been idle a while: compare two readings with {@link #secondsBetween}).
     */
    public static Map<Long, Double> compilerThreadSeconds(long pid) throws IOException {
        Map<Long, Double> byThread = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (java.nio.file.NoSuchFileException ended) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                    byThread.put(Long.parseLong(task.getFileName().toString()), seconds(fieldsOf(stat), 11));
                }
            }
        }
        return byThread;
    }

    /**
     * The CPU seconds threads took between two readings of {@link #compilerThreadSeconds}: a
     * thread started in between counts from zero; one that ended in between is missing from the
     * later reading, and what it took in between is lost (so this is at least what they took).
     */
    public static <K> double secondsBetween(Map<K, Double> before, Map<K, Double> after) {
        double total = 0;
        for (Map.Entry<K, Double> thread : after.entrySet()) {
            total += thread.getValue() - before.getOrDefault(thread.getKey(), 0.0);
        }
        return total;
    }

    /** The fields of /proc/PID/stat after the command name, from the state on. */
    private static List<String> statFields(long pid) throws IOException {
        return fieldsOf(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** The fields of a stat line (a process's or a thread's) after the command name, from the state on. */
    private static List<String> fieldsOf(String stat) {
        // The command name is in parentheses and may itself hold spaces.
        return List.of(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" "));
    }

    /** The user and system clock ticks at {@code index} and the one after it, in seconds. */
    private static double seconds(List<String> fields, int index) {
        return (Long.parseLong(fields.get(index)) + Long.parseLong(fields.get(index + 1))) / TICKS_PER_SECOND;
    }
}
