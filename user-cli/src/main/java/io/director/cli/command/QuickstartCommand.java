package io.director.cli.command;

import io.director.cli.ApiClient;
import io.director.cli.cluster.LocalCluster;
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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code director quickstart}: a server and three clients on loopback in a temporary
 * directory, a few jobs, their results per node, then everything stopped.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Start a local server and clients, run example jobs, print the results, stop.")
final class QuickstartCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "3", description = "How many clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--keep", description = "Keep the temporary directory (logs, datastore, caches).")
    boolean keep;

    private record Step(String title, String verb, String arguments) {
    }

    private static final List<Step> STEPS = List.of(
            new Step("every node says hello", "RUN", "echo \"hello from $(uname -s) $(uname -m)\""),
            new Step("the same job again: each node's cache skips it", "RUN",
                    "echo \"hello from $(uname -s) $(uname -m)\""),
            new Step("--skip-cache runs it anyway", "RUN", "--skip-cache echo \"hello again\""),
            new Step("--run-once: exactly one node runs it", "RUN", "--run-once echo \"only one node prints this\""),
            new Step("a failing command is reported with its exit code", "RUN", "--skip-cache echo oops >&2; exit 3"));

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("director-quickstart-");
        out.println("Starting a server and " + clients + " clients in " + dir + " …");
        out.flush();
        List<String> names = new ArrayList<>();
        try (LocalCluster cluster = new LocalCluster(dir, 1, List.of())) {
            cluster.startServer(60_000);
            for (int i = 1; i <= clients; i++) {
                String name = "node-" + i;
                names.add(name);
                cluster.startClient(name, List.of());
            }
            cluster.awaitNodes(names, 60_000);
            out.println("Nodes alive: " + String.join(", ", names));
            try (ApiClient api = ApiClient.connect(cluster.socketPath())) {
                int n = 1;
                for (Step step : STEPS) {
                    out.println();
                    out.println("Job " + n++ + ": " + step.title());
                    out.println("  director exec --verb " + step.verb() + " '" + step.arguments() + "'");
                    String id = api.call(new ApiRequest.Submit(List.of(new ApiRequest.JobSubmission(step.verb(),
                            step.arguments(), null, List.of()))), ApiReply.JobIds.class).jobIds().get(0);
                    printResult(out, awaitJob(api, id));
                    out.flush();
                }
            }
            out.println();
            out.println("Stopping the server and clients …");
            out.flush();
        } finally {
            if (!keep) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        out.println(keep ? "Done. Logs and state kept in " + dir : "Done.");
        out.flush();
        return 0;
    }

    private static ApiReply.JobView awaitJob(ApiClient api, String id) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            ApiReply.JobView job = api.call(new ApiRequest.JobStatus(List.of(id), true), ApiReply.Jobs.class)
                    .jobs().get(0);
            if (!job.state().equals("processing") || System.currentTimeMillis() > deadline) {
                return job;
            }
            Thread.sleep(25);
        }
    }

    private static void printResult(PrintWriter out, ApiReply.JobView job) {
        job.nodes().forEach((node, result) -> {
            StringBuilder line = new StringBuilder(String.format("  %-8s %-8s", node, result.state()));
            if (result.exitCode() != null) {
                line.append(" exit=").append(result.exitCode());
            }
            String text = !result.stdout().isBlank() ? result.stdout().strip()
                    : !result.stderr().isBlank() ? "stderr: " + result.stderr().strip() : "";
            if (!text.isEmpty()) {
                line.append("  ").append(text.replace("\n", " ⏎ "));
            }
            if (result.info() != null) {
                line.append("  (").append(result.info()).append(')');
            }
            out.println(line);
        });
        out.println("  job " + job.state());
    }
}
