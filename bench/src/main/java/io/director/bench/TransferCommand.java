package io.director.bench;

import io.director.bench.cluster.BenchCluster;
import io.director.bench.cluster.CopyFloor;
import io.director.bench.cluster.ProcessFigures;
import io.director.bench.cluster.TempTrees;
import io.director.server.api.ApiRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code bench transfer}: one {@code ADD} of a file of random bytes to N real client processes,
 * from submission to the last result stored, as aggregate MB/s; each node's copy is checked
 * byte count and SHA-256 afterwards. In the same run, the copy floor: the same bytes copied,
 * hashed and flushed to N files by this JVM, no Director in between.
 */
@Command(name = "transfer", mixinStandardHelpOptions = true,
        description = {"File transfer: one 'ADD --skip-cache FILE DEST' of a file of random bytes to N real client "
                + "processes (started by bin/director), from submission to the last result stored, as aggregate "
                + "MB/s (size x nodes / seconds, MB = 10^6 bytes); every node's copy is checked (size and SHA-256) "
                + "and the run fails otherwise. In the same run, before each repeat, the copy floor: the same "
                + "bytes copied to N files, hashed and flushed by this JVM (one thread per core)."})
final class TransferCommand implements Callable<Integer> {

    private static final double MB = 1e6;

    @Spec
    CommandSpec spec;

    @Option(names = "--size-mib", paramLabel = "MIB", defaultValue = "100",
            description = "Size of the file (default: ${DEFAULT-VALUE}).")
    int sizeMib;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "10",
            description = "Client processes, all targeted by the job (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "3",
            description = "Timed transfers per mode, after the untimed ones (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--warm-up", paramLabel = "N", defaultValue = "1",
            description = "Untimed transfers per mode first, to a fresh server (default: ${DEFAULT-VALUE}).")
    int warmUp;

    @Option(names = "--encryption", paramLabel = "MODE", defaultValue = "both",
            description = "both (plaintext first), curve or none (default: ${DEFAULT-VALUE}).")
    EncryptionModes encryption;

    @Option(names = "--dest", paramLabel = "DIR",
            description = "Directory the nodes write to (one sub-directory per node and repeat), for instance "
                    + "on another file system; default: the run's temporary directory.")
    Path destination;

    @Option(names = "--heartbeat", paramLabel = "SECONDS", defaultValue = "5",
            description = "Heartbeat interval of the cluster (default: ${DEFAULT-VALUE}).")
    double heartbeatSeconds;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Longest wait for one transfer (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(names = "--output", paramLabel = "FILE", defaultValue = "bench-transfer.json",
            description = "Where the JSON results go (default: ${DEFAULT-VALUE}).")
    Path output;

    /** One mode's figures; seconds are per repeat, MB/s aggregate over all nodes. */
    record Run(String security, int nodes, long bytes, int repeats, long verifiedCopies,
               double[] floorSeconds, double[] directorSeconds, double floorP50Seconds, double directorP50Seconds,
               double floorP50MbPerSecond, double directorP50MbPerSecond, double directorMinMbPerSecond,
               double directorOverFloorSeconds, double floorCpuSeconds, double serverCpuSeconds,
               double clientsCpuSeconds, double directorCpuOverFloorCpu, double clientMaxRssMib) {
    }

    /** One timed transfer: wall time, and the CPU the server and all clients used for it. */
    private record Transfer(double seconds, double serverCpuSeconds, double clientsCpuSeconds) {
    }

    @Override
    public Integer call() throws Exception {
        Bench.configureLogging(false);
        PrintWriter out = spec.commandLine().getOut();
        long bytes = (long) sizeMib * 1024 * 1024;
        Path work = Files.createTempDirectory("director-bench-transfer-");
        List<Run> runs = new ArrayList<>();
        try {
            Path source = work.resolve("payload.bin");
            String sha256 = writeRandom(source, bytes);
            Path destinations = Files.createDirectories(destination != null
                    ? destination.toAbsolutePath().resolve(work.getFileName().toString()) : work.resolve("dest"));
            try {
                for (boolean encrypted : encryption.modes()) {
                    runs.add(measure(out, encrypted, source, sha256, bytes, destinations));
                }
            } finally {
                if (destination != null) {
                    TempTrees.delete(destinations);
                }
            }
        } finally {
            TempTrees.delete(work);
        }
        Table table = new Table("transfer, " + sizeMib + " MiB to " + nodes + " nodes", "copy floor p50 (MB/s)",
                "Director p50 (MB/s)", "Director min (MB/s)", "Director / floor (time)", "CPU floor (s)",
                "CPU server (s)", "CPU clients (s)", "Director / floor (CPU)", "client RSS (MiB)");
        for (Run run : runs) {
            table.row(run.security(), Results.fixed(run.floorP50MbPerSecond(), 0),
                    Results.fixed(run.directorP50MbPerSecond(), 0), Results.fixed(run.directorMinMbPerSecond(), 0),
                    Results.fixed(run.directorOverFloorSeconds(), 2), Results.fixed(run.floorCpuSeconds(), 2),
                    Results.fixed(run.serverCpuSeconds(), 2), Results.fixed(run.clientsCpuSeconds(), 2),
                    Results.fixed(run.directorCpuOverFloorCpu(), 2), Results.fixed(run.clientMaxRssMib(), 1));
        }
        out.println();
        table.print(out);
        Map<String, Double> ratios = new LinkedHashMap<>();
        runs.forEach(run -> ratios.put("director_over_floor_" + run.security(), run.directorOverFloorSeconds()));
        if (runs.size() == 2) {
            ratios.put("seconds_curve_over_none", Results.ratio(runs.get(1).directorP50Seconds(),
                    runs.get(0).directorP50Seconds()));
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("size_mib", sizeMib);
        settings.put("nodes", nodes);
        settings.put("repeats", repeats);
        settings.put("warm_up", warmUp);
        settings.put("encryption", encryption.name());
        settings.put("destination", destination == null ? "temporary directory" : destination.toString());
        settings.put("heartbeat_seconds", heartbeatSeconds);
        Results.write(output, "transfer", settings, runs, ratios);
        out.println("results written to " + output);
        out.flush();
        return 0;
    }

    private Run measure(PrintWriter out, boolean encrypted, Path source, String sha256, long bytes, Path destinations)
            throws Exception {
        String security = encrypted ? "curve" : "none";
        out.println(security + ": starting a server and " + nodes + " client processes");
        out.flush();
        double[] floor = new double[repeats];
        double[] director = new double[repeats];
        double[] floorCpu = new double[repeats];
        double[] serverCpu = new double[repeats];
        double[] clientsCpu = new double[repeats];
        double clientRss = 0;
        long verified = 0;
        long self = ProcessHandle.current().pid();
        try (BenchCluster cluster = BenchCluster.start(nodes, heartbeatSeconds, encrypted)) {
            // Untimed: the first transfers load and compile what the others reuse.
            for (int i = 0; i < warmUp; i++) {
                transfer(cluster, source, sha256, bytes, destinations.resolve(security + "-warmup-" + i));
            }
            for (int i = 0; i < repeats; i++) {
                Path floorDir = Files.createDirectories(destinations.resolve(security + "-floor-" + i));
                double cpu = ProcessFigures.cpuSeconds(self);
                floor[i] = CopyFloor.seconds(source, sha256, nodes, floorDir);
                floorCpu[i] = ProcessFigures.cpuSeconds(self) - cpu;
                TempTrees.delete(floorDir);
                Transfer timed = transfer(cluster, source, sha256, bytes, destinations.resolve(security + "-" + i));
                director[i] = timed.seconds();
                serverCpu[i] = timed.serverCpuSeconds();
                clientsCpu[i] = timed.clientsCpuSeconds();
                verified += nodes;
                out.println(security + " " + (i + 1) + "/" + repeats + ": Director "
                        + Results.fixed(bytes * nodes / director[i] / MB, 0) + " MB/s ("
                        + Results.fixed(director[i], 2) + " s), copy floor "
                        + Results.fixed(bytes * nodes / floor[i] / MB, 0) + " MB/s (" + Results.fixed(floor[i], 2)
                        + " s); CPU: server " + Results.fixed(serverCpu[i], 2) + " s, clients "
                        + Results.fixed(clientsCpu[i], 2) + " s, floor " + Results.fixed(floorCpu[i], 2) + " s");
                out.flush();
            }
            for (String node : cluster.identities()) {
                clientRss = Math.max(clientRss, ProcessFigures.rssMib(cluster.client(node).pid()));
            }
        }
        double floorP50 = median(floor);
        double directorP50 = median(director);
        double directorMax = Arrays.stream(director).max().orElseThrow();
        return new Run(security, nodes, bytes, repeats, verified, floor, director, floorP50, directorP50,
                bytes * nodes / floorP50 / MB,
                bytes * nodes / directorP50 / MB, bytes * nodes / directorMax / MB, directorP50 / floorP50,
                median(floorCpu), median(serverCpu), median(clientsCpu),
                (median(serverCpu) + median(clientsCpu)) / median(floorCpu), clientRss);
    }

    /**
     * One ADD to every node, timed from submission to the last result stored; then every copy is
     * checked and deleted. Each node writes under a directory of its own, new for each call, and
     * the job skips the cache, so every call transfers the whole file to every node.
     */
    private Transfer transfer(BenchCluster cluster, Path source, String sha256, long bytes, Path directory)
            throws Exception {
        double serverCpu = ProcessFigures.cpuSeconds(cluster.server().pid());
        double clientsCpu = clientsCpu(cluster);
        String arguments = "--skip-cache " + source + " " + directory + "/{{ node.identity }}/payload.bin";
        List<ApiRequest.JobSubmission> job = List.of(new ApiRequest.JobSubmission("ADD", arguments,
                "bench-transfer", cluster.identities()));
        double seconds = cluster.runAndWait(job, nodes, timeoutSeconds).seconds();
        serverCpu = ProcessFigures.cpuSeconds(cluster.server().pid()) - serverCpu;
        clientsCpu = clientsCpu(cluster) - clientsCpu;
        for (String node : cluster.identities()) {
            Path copy = directory.resolve(node).resolve("payload.bin");
            if (!Files.isRegularFile(copy) || Files.size(copy) != bytes) {
                throw new IllegalStateException(node + ": " + copy + " is missing or has "
                        + (Files.isRegularFile(copy) ? Files.size(copy) : 0) + " bytes instead of " + bytes);
            }
            String actual = CopyFloor.sha256(copy);
            if (!actual.equals(sha256)) {
                throw new IllegalStateException(node + ": " + copy + " has SHA-256 " + actual + ", expected " + sha256);
            }
        }
        TempTrees.delete(directory);
        return new Transfer(seconds, serverCpu, clientsCpu);
    }

    private static double clientsCpu(BenchCluster cluster) throws IOException {
        double seconds = 0;
        for (String node : cluster.identities()) {
            seconds += ProcessFigures.cpuSeconds(cluster.client(node).pid());
        }
        return seconds;
    }

    /** Writes {@code bytes} random bytes (not compressible, not all alike) and returns their SHA-256. */
    private static String writeRandom(Path file, long bytes) throws IOException {
        MessageDigest digest = CopyFloor.newDigest();
        SplittableRandom random = new SplittableRandom();
        byte[] block = new byte[1024 * 1024];
        try (OutputStream stream = Files.newOutputStream(file)) {
            for (long written = 0; written < bytes; written += block.length) {
                for (int i = 0; i < block.length; i += 8) {
                    long value = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        block[i + b] = (byte) (value >>> (8 * b));
                    }
                }
                int length = (int) Math.min(block.length, bytes - written);
                stream.write(block, 0, length);
                digest.update(block, 0, length);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(sorted.length - 1) / 2];
    }
}
