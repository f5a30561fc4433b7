package io.director.bench.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
        List<String> fields = statFields(pid);
        return (Long.parseLong(fields.get(11)) + Long.parseLong(fields.get(12))) / TICKS_PER_SECOND;
    }

    /**
     * User plus system CPU seconds of the process's children that it has waited for (a node's
     * jobs, the floor's shells): counted when each ends and is reaped.
     */
    public static double childrenCpuSeconds(long pid) throws IOException {
        List<String> fields = statFields(pid);
        return (Long.parseLong(fields.get(13)) + Long.parseLong(fields.get(14))) / TICKS_PER_SECOND;
    }

    /** The fields of /proc/PID/stat after the command name, from the state on. */
    private static List<String> statFields(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name is in parentheses and may itself hold spaces.
        return List.of(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" "));
    }
}
