package io.director.bench;

import io.director.bench.cluster.BenchCluster;
import io.director.server.api.ApiRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bench fanout}: one job to many client processes, time to the last result stored. */
@Command(name = "fanout", mixinStandardHelpOptions = true,
        description = {"Fan-out: one 'RUN --skip-cache true' to N real client processes (started by bin/director), "
                + "from submission to the last result stored; p50 and max over repeats. One cluster of the largest "
                + "N serves every count (the first N nodes are targeted)."})
final class FanoutCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--clients", paramLabel = "N[,N…]", split = ",", defaultValue = "10,50",
            description = "Client counts (default: ${DEFAULT-VALUE}).")
    List<Integer> clientCounts;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "5",
            description = "Timed jobs per count, after one untimed (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--heartbeat", paramLabel = "SECONDS", defaultValue = "5",
            description = "Heartbeat interval of the cluster (default: ${DEFAULT-VALUE}).")
    double heartbeatSeconds;

    @Option(names = "--output", paramLabel = "FILE", defaultValue = "bench-fanout.json",
            description = "Where the JSON results go (default: ${DEFAULT-VALUE}).")
    Path output;

    record Run(int clients, int repeats, double p50Seconds, double maxSeconds, double[] seconds) {
    }

    @Override
    public Integer call() throws Exception {
        Bench.configureLogging(false);
        PrintWriter out = spec.commandLine().getOut();
        int largest = clientCounts.stream().mapToInt(Integer::intValue).max().orElseThrow();
        out.println("starting a server and " + largest + " client processes");
        out.flush();
        List<Run> runs = new ArrayList<>();
        try (BenchCluster cluster = BenchCluster.start(largest, heartbeatSeconds, true)) {
            for (int clients : clientCounts) {
                List<String> targets = cluster.identities().subList(0, clients);
                List<ApiRequest.JobSubmission> job = List.of(new ApiRequest.JobSubmission("RUN",
                        "--skip-cache true", "bench-fanout", targets));
                cluster.runAndWait(job, clients, 120); // untimed: the first job loads what the rest reuse
                double[] seconds = new double[repeats];
                for (int i = 0; i < repeats; i++) {
                    seconds[i] = cluster.runAndWait(job, clients, 120).seconds();
                }
                double[] sorted = seconds.clone();
                Arrays.sort(sorted);
                runs.add(new Run(clients, repeats, sorted[(repeats - 1) / 2], sorted[repeats - 1], seconds));
                out.println(clients + " clients: p50 " + Results.fixed(sorted[(repeats - 1) / 2], 3) + " s");
                out.flush();
            }
        }
        Table table = new Table("fan-out, RUN true", "p50 (s)", "max (s)");
        runs.forEach(run -> table.row(run.clients() + " clients", Results.fixed(run.p50Seconds(), 3),
                Results.fixed(run.maxSeconds(), 3)));
        out.println();
        table.print(out);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("clients", clientCounts);
        settings.put("repeats", repeats);
        settings.put("heartbeat_seconds", heartbeatSeconds);
        Results.write(output, "fanout", settings, runs, new LinkedHashMap<>());
        out.println("results written to " + output);
        out.flush();
        return 0;
    }
}
