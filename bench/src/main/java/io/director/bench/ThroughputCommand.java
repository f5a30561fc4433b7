package io.director.bench;

import io.director.bench.cluster.BenchCluster;
import io.director.bench.cluster.SpawnFloor;
import io.director.server.api.ApiRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bench throughput}: many RUN jobs on a few client processes, against the spawn-only floor. */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = {"Throughput: N x 'RUN --skip-cache <command>' to every client of a real server with real "
                + "client processes (started by bin/director), from submission to the last result stored; and "
                + "in the same run the spawn-only floor: the same sh -c executions with the same parallelism."})
final class ThroughputCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "1000", description = "Jobs (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--clients", paramLabel = "N[,N…]", split = ",", defaultValue = "2,6",
            description = "Client processes, one cluster per count (default: ${DEFAULT-VALUE}).")
    List<Integer> clientCounts;

    @Option(names = "--warm-up", paramLabel = "N", defaultValue = "50",
            description = "Untimed jobs to every client first, so that class loading and the JIT are paid"
                    + " before the timed jobs (default: ${DEFAULT-VALUE}).")
    int warmUp;

    @Option(names = "--command", defaultValue = "echo hello world",
            description = "What each job runs (default: ${DEFAULT-VALUE}).")
    String command;

    @Option(names = "--heartbeat", paramLabel = "SECONDS", defaultValue = "2",
            description = "Heartbeat interval of the cluster (default: ${DEFAULT-VALUE}).")
    double heartbeatSeconds;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Longest wait for one workload (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(names = "--encryption", paramLabel = "MODE", defaultValue = "curve",
            description = "curve (the default of a cluster) or none (default: ${DEFAULT-VALUE}).")
    String encryption;

    @Option(names = "--output", paramLabel = "FILE", defaultValue = "bench-throughput.json",
            description = "Where the JSON results go (default: ${DEFAULT-VALUE}).")
    Path output;

    /** One client count's figures. */
    record Run(int clients, long executions, double floorSeconds, double directorSeconds,
               double executionsPerSecond, double directorOverFloor, double nodeExecutionMillis) {
    }

    @Override
    public Integer call() throws Exception {
        Bench.configureLogging(false);
        PrintWriter out = spec.commandLine().getOut();
        List<Run> runs = new ArrayList<>();
        for (int clients : clientCounts) {
            out.println(clients + " clients: starting a server and " + clients + " client processes");
            out.flush();
            try (BenchCluster cluster = BenchCluster.start(clients, heartbeatSeconds, !encryption.equals("none"))) {
                // A warm-up, not reported: the first jobs pay for class loading and the JIT.
                if (warmUp > 0) {
                    cluster.runAndWait(submissions(warmUp), clients, timeoutSeconds);
                }
                double floor = SpawnFloor.seconds(clients, jobs, command);
                BenchCluster.Timing timing = cluster.runAndWait(submissions(jobs), clients, timeoutSeconds);
                double director = timing.seconds();
                long executions = (long) jobs * clients;
                runs.add(new Run(clients, executions, floor, director, executions / director, director / floor,
                        timing.executionMillis()));
                out.println(clients + " clients: " + executions + " executions in " + Results.fixed(director, 2)
                        + " s; the spawn floor " + Results.fixed(floor, 2) + " s");
                out.flush();
            }
        }
        Table table = new Table("throughput", "executions", "spawn floor (s)", "Director (s)", "executions/s",
                "Director / floor", "job on its node (ms)");
        for (Run run : runs) {
            table.row(run.clients() + " clients", run.executions(), Results.fixed(run.floorSeconds(), 2),
                    Results.fixed(run.directorSeconds(), 2), Results.fixed(run.executionsPerSecond(), 0),
                    Results.fixed(run.directorOverFloor(), 2), Results.fixed(run.nodeExecutionMillis(), 2));
        }
        out.println();
        table.print(out);
        Map<String, Double> ratios = new LinkedHashMap<>();
        runs.forEach(run -> ratios.put("director_over_floor_" + run.clients() + "_clients", run.directorOverFloor()));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("jobs", jobs);
        settings.put("clients", clientCounts);
        settings.put("warm_up", warmUp);
        settings.put("command", command);
        settings.put("heartbeat_seconds", heartbeatSeconds);
        settings.put("encryption", encryption);
        Results.write(output, "throughput", settings, runs, ratios);
        out.println("results written to " + output);
        out.flush();
        return 0;
    }

    private List<ApiRequest.JobSubmission> submissions(int count) {
        return Collections.nCopies(count, new ApiRequest.JobSubmission("RUN", "--skip-cache " + command,
                "bench-throughput", List.of()));
    }
}
