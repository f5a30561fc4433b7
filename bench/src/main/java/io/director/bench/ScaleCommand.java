package io.director.bench;

import io.director.bench.cluster.BenchCluster;
import io.director.bench.cluster.ProcessFigures;
import io.director.bench.cluster.TempTrees;
import io.director.cli.ApiClient;
import io.director.cli.cluster.LocalCluster;
import io.director.dsl.wire.CurveKeys;
import io.director.server.api.ApiReply;
import io.director.server.api.ApiRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bench scale}: one server process holding a swarm of encrypted nodes, its RSS and idle CPU. */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = {"Scale: a real server process (bin/director server) and a swarm of N encrypted simulated "
                + "nodes in this JVM that enrol with the shared key and heartbeat; once all are alive and the "
                + "cluster has idled, the server's resident memory and its CPU over a window."})
final class ScaleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "10000", description = "Nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--heartbeat", paramLabel = "SECONDS", defaultValue = "10",
            description = "Heartbeat interval (default: ${DEFAULT-VALUE}).")
    double heartbeatSeconds;

    @Option(names = "--idle", paramLabel = "SECONDS", defaultValue = "30",
            description = "Idle time once every node is alive, before measuring (default: ${DEFAULT-VALUE}).")
    double idleSeconds;

    @Option(names = "--cpu-window", paramLabel = "SECONDS", defaultValue = "30",
            description = "Window over which the server's CPU is measured (default: ${DEFAULT-VALUE}).")
    double cpuWindowSeconds;

    @Option(names = "--nodes-per-process", paramLabel = "N", defaultValue = "2500",
            description = "Simulated nodes per swarm process: each needs about 6 file descriptors per node "
                    + "within its own limit (default: ${DEFAULT-VALUE}).")
    int nodesPerProcess;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Longest wait for every node to enrol (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(names = "--output", paramLabel = "FILE", defaultValue = "bench-scale.json",
            description = "Where the JSON results go (default: ${DEFAULT-VALUE}).")
    Path output;

    record Figures(int nodes, double enrolSeconds, long alive, double serverRssMib, double serverCpuPercent,
                   double heartbeatsPerSecond, double cpuMicrosPerHeartbeat) {
    }

    @Override
    public Integer call() throws Exception {
        Bench.configureLogging(false);
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("director-bench-");
        LocalCluster cluster = new LocalCluster(dir, heartbeatSeconds, List.of(),
                BenchCluster.launcherCommand());
        Figures figures;
        try {
            cluster.startServer(120_000);
            String serverKey = CurveKeys.derivedFrom(cluster.sharedKey()).publicKey();
            int processes = Math.max(1, (int) Math.ceil((double) nodes / nodesPerProcess));
            out.println(nodes + " encrypted nodes enrolling, from " + processes + " swarm process(es)");
            out.flush();
            long start = System.currentTimeMillis();
            List<Process> swarms = new ArrayList<>();
            try {
                for (int p = 0; p < processes; p++) {
                    int first = p * nodesPerProcess;
                    int count = Math.min(nodesPerProcess, nodes - first);
                    swarms.add(startSwarm(count, first, cluster.jobPort(), cluster.sharedKey(), serverKey, p + 1));
                }
                long enrolledAt = start;
                for (Process swarm : swarms) {
                    String line = new java.io.BufferedReader(new java.io.InputStreamReader(swarm.getInputStream(),
                            java.nio.charset.StandardCharsets.UTF_8)).readLine();
                    if (line == null || !line.startsWith("enrolled ")) {
                        throw new IllegalStateException("a swarm process did not enrol all its nodes: " + line);
                    }
                    enrolledAt = Math.max(enrolledAt, Long.parseLong(line.substring("enrolled ".length())));
                }
                double enrol = (enrolledAt - start) / 1000.0;
                out.println("all enrolled in " + Results.fixed(enrol, 1) + " s; idling " + idleSeconds + " s");
                out.flush();
                Thread.sleep(Math.round(idleSeconds * 1000));
                long pid = cluster.server().pid();
                double cpuBefore = ProcessFigures.cpuSeconds(pid);
                long windowStart = System.nanoTime();
                Thread.sleep(Math.round(cpuWindowSeconds * 1000));
                double cpu = ProcessFigures.cpuSeconds(pid) - cpuBefore;
                double window = (System.nanoTime() - windowStart) / 1e9;
                double rss = ProcessFigures.rssMib(pid);
                long alive;
                try (ApiClient api = ApiClient.connect(cluster.socketPath())) {
                    alive = api.call(new ApiRequest.ListNodes(), ApiReply.Nodes.class).nodes().stream()
                            .filter(node -> "alive".equals(node.state())).count();
                }
                double heartbeatsPerSecond = nodes / heartbeatSeconds;
                figures = new Figures(nodes, enrol, alive, rss, 100 * cpu / window, heartbeatsPerSecond,
                        1e6 * cpu / (window * heartbeatsPerSecond));
            } finally {
                for (Process swarm : swarms) {
                    swarm.getOutputStream().close(); // the swarm's signal to stop
                }
                for (Process swarm : swarms) {
                    if (!swarm.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                        swarm.destroyForcibly();
                    }
                }
            }
        } finally {
            cluster.close();
            TempTrees.delete(dir);
        }
        Table table = new Table("scale", "measured", "target");
        table.row("nodes enrolled (s)", Results.fixed(figures.enrolSeconds(), 1), "-");
        table.row("nodes listed alive", figures.alive() + " of " + figures.nodes(), "all");
        table.row("heartbeats per second", Results.fixed(figures.heartbeatsPerSecond(), 0), "-");
        table.row("server RSS (MiB)", Results.fixed(figures.serverRssMib(), 1), "< 1024");
        table.row("server CPU (% of a core)", Results.fixed(figures.serverCpuPercent(), 2), "< 5");
        table.row("server CPU per heartbeat (µs)", Results.fixed(figures.cpuMicrosPerHeartbeat(), 1), "-");
        table.print(out);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("nodes", nodes);
        settings.put("nodes_per_process", nodesPerProcess);
        settings.put("heartbeat_seconds", heartbeatSeconds);
        settings.put("idle_seconds", idleSeconds);
        settings.put("cpu_window_seconds", cpuWindowSeconds);
        Results.write(output, "scale", settings, List.of(figures), new LinkedHashMap<>());
        out.println("results written to " + output);
        out.flush();
        return figures.alive() == figures.nodes() ? 0 : Bench.EXIT_INCOMPLETE;
    }

    /** One share of the swarm, in a JVM of its own (its own file descriptor limit). */
    private Process startSwarm(int count, int first, int jobPort, String sharedKey, String serverKey, long seed)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Bench.class.getName(), "swarm",
                "--nodes", Integer.toString(count), "--first-index", Integer.toString(first),
                "--job-port", Integer.toString(jobPort), "--shared-key", sharedKey, "--server-key", serverKey,
                "--heartbeat-millis", Long.toString(Math.round(heartbeatSeconds * 1000)),
                "--seed", Long.toString(seed),
                "--timeout-millis", Long.toString(Math.round(timeoutSeconds * 1000))));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

}
