package io.director.bench;

import io.director.bench.storm.ReconnectStorm;
import io.director.bench.storm.StormResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bench storm}: the reconnect storm, with CURVE and with the plaintext baseline, in one run. */
@Command(name = "storm", mixinStandardHelpOptions = true,
        description = {"Reconnect storm: N simulated nodes enrol with a real in-process server, which is then "
                + "closed and started again on the same datastore and ports; measures the time until every "
                + "node is back, handshakes per second and the server's CPU time."})
final class StormCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "1000",
            description = "Simulated nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--encryption", paramLabel = "MODE", defaultValue = "both",
            description = "curve, none, or both: none (the baseline) then curve (default: ${DEFAULT-VALUE}).")
    EncryptionModes encryption;

    @Option(names = "--heartbeat", paramLabel = "SECONDS", defaultValue = "2",
            description = "Server heartbeat interval; nodes are expired after three (default: ${DEFAULT-VALUE}).")
    double heartbeatSeconds;

    @Option(names = "--nodes-per-thread", paramLabel = "N", defaultValue = "250",
            description = "Simulated nodes driven by one thread (default: ${DEFAULT-VALUE}).")
    int nodesPerThread;

    @Option(names = "--nodes-per-context", paramLabel = "N", defaultValue = "0",
            description = "Simulated nodes sharing one ZContext; 0: one each when the file descriptor limit "
                    + "allows (about 22 per node), else the fewest that fit (default: ${DEFAULT-VALUE}).")
    int nodesPerContext;

    @Option(names = "--warmup-nodes", paramLabel = "N", defaultValue = "50",
            description = "Nodes of an unreported CURVE storm run first, so the JIT has compiled the hot "
                    + "paths before anything is measured; 0 skips it (default: ${DEFAULT-VALUE}).")
    int warmupNodes;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Longest wait for any one phase (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(names = "--echo", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "After the storm, send one ECHO job to every node and time the results; "
                    + "--no-echo skips it (default: on).")
    boolean echo;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the swarm's machine ids and jitter.")
    long seed;

    @Option(names = "--output", paramLabel = "FILE", defaultValue = "bench-storm.json",
            description = "Where the JSON results go (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--verbose", description = "Log the server's and swarm's info messages on stderr.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Bench.configureLogging(verbose);
        PrintWriter out = spec.commandLine().getOut();
        if (warmupNodes > 0) {
            out.println("warm-up: a CURVE storm of " + warmupNodes + " nodes (not reported)");
            out.flush();
            new ReconnectStorm(settings(warmupNodes, true, false), line -> { }).run();
        }
        List<StormResult> runs = new ArrayList<>();
        for (boolean encrypted : encryption.modes()) {
            runs.add(new ReconnectStorm(settings(nodes, encrypted, echo), line -> {
                out.println(line);
                out.flush();
            }).run());
        }
        out.println();
        print(runs, out);
        Map<String, Double> ratios = ratios(runs);
        ratios.forEach((name, value) -> out.println(name + ": " + Results.fixed(value, 2)));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("nodes", nodes);
        settings.put("heartbeat_seconds", heartbeatSeconds);
        settings.put("nodes_per_thread", nodesPerThread);
        settings.put("nodes_per_context", nodesPerContext);
        settings.put("warmup_nodes", warmupNodes);
        settings.put("timeout_seconds", timeoutSeconds);
        settings.put("echo", echo);
        settings.put("seed", seed);
        Results.write(output, "storm", settings, runs, ratios);
        out.println("results written to " + output);
        out.flush();
        return runs.stream().allMatch(StormResult::completed) ? 0 : Bench.EXIT_INCOMPLETE;
    }

    private ReconnectStorm.Settings settings(int count, boolean encrypted, boolean withEcho) {
        return new ReconnectStorm.Settings(count, encrypted, heartbeatSeconds, nodesPerThread, nodesPerContext,
                timeoutSeconds, withEcho, seed);
    }

    private static void print(List<StormResult> runs, PrintWriter out) {
        List<String> header = new ArrayList<>(List.of("reconnect storm"));
        runs.forEach(run -> header.add(run.security()));
        Table table = new Table(header.toArray(String[]::new));
        row(table, runs, "nodes", r -> Integer.toString(r.nodes()));
        row(table, runs, "swarm threads / nodes per ZContext", r -> r.swarmThreads() + " / " + r.nodesPerContext());
        row(table, runs, "first enrolment (s)", r -> Results.fixed(r.coldSeconds(), 2));
        row(table, runs, "server close + start (s)", r -> Results.fixed(r.closeSeconds() + r.startSeconds(), 2));
        row(table, runs, "all welcomed again (s)", r -> Results.fixed(r.recoverySeconds(), 2));
        row(table, runs, "all listed again by the API (s)", r -> Results.fixed(r.recoveryApiSeconds(), 2));
        row(table, runs, "handshakes per second", r -> Results.fixed(r.handshakesPerSecond(), 1));
        row(table, runs, "server CPU in the storm (s)", r -> Results.fixed(r.serverCpuSeconds(), 2));
        row(table, runs, "server CPU per node (ms)", r -> Results.fixed(r.serverCpuMillisPerNode(), 2));
        row(table, runs, "JVM CPU in the storm (s)", r -> Results.fixed(r.processCpuSeconds(), 2));
        row(table, runs, "nodes that gave up on a silent server", r -> String.valueOf(
                r.stormCounters().getOrDefault("silent_server_reconnects", 0L)));
        row(table, runs, "ECHO to all, results stored (s)", r -> Results.fixed(r.echoSeconds(), 2));
        row(table, runs, "ECHO successes", r -> Long.toString(r.echoSucceeded()));
        row(table, runs, "completed", r -> r.completed() ? "yes" : "no: " + r.failure());
        table.print(out);
    }

    private static void row(Table table, List<StormResult> runs, String name,
                            java.util.function.Function<StormResult, String> cell) {
        List<String> cells = new ArrayList<>(List.of(name));
        runs.forEach(run -> cells.add(cell.apply(run)));
        table.row(cells.toArray());
    }

    /** CURVE's figures over the plaintext baseline's, when both ran. */
    private static Map<String, Double> ratios(List<StormResult> runs) {
        Map<String, Double> ratios = new LinkedHashMap<>();
        StormResult curve = runs.stream().filter(r -> r.security().equals("curve")).findFirst().orElse(null);
        StormResult none = runs.stream().filter(r -> r.security().equals("none")).findFirst().orElse(null);
        if (curve != null && none != null) {
            ratios.put("recovery_time_curve_over_none", Results.ratio(curve.recoverySeconds(), none.recoverySeconds()));
            ratios.put("first_enrolment_curve_over_none", Results.ratio(curve.coldSeconds(), none.coldSeconds()));
            ratios.put("server_cpu_curve_over_none", Results.ratio(curve.serverCpuSeconds(), none.serverCpuSeconds()));
            ratios.put("jvm_cpu_curve_over_none", Results.ratio(curve.processCpuSeconds(), none.processCpuSeconds()));
        }
        return ratios;
    }
}
