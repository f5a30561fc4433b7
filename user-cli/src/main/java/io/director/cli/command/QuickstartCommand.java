package io.director.cli.command;

import io.director.cli.ApiClient;
import io.director.cli.cluster.LocalCluster;
import io.director.dsl.orchestration.Orchestration;
import io.director.dsl.orchestration.OrchestrationLoader;
import io.director.server.api.ApiReply;
import io.director.server.api.ApiRequest;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code director quickstart}: a server and clients on loopback in a temporary directory, the
 * example orchestration {@code orchestrations/quickstart.yaml} run on them with its results per
 * node, a plan showing what a second run would do, then everything stopped.
 */
final class QuickstartCommand implements Callable<Integer>, DirectorSubcommand {

    /** The example and the files it adds, as shipped in the jar. */
    private static final List<String> EXAMPLE = List.of("quickstart.yaml", "files/motd");

    private final CommandSpec spec = Options.command(this, "quickstart",
            "Start a local server and clients, run the example orchestration, print the results, stop.");

    private final OptionSpec clients = Options.value("--clients", int.class, "N",
            "How many clients (default: ${DEFAULT-VALUE}).").defaultValue("3").build();

    private final OptionSpec keep = Options.flag("--keep", "Keep the temporary directory (logs, datastore, caches).")
            .fallbackValue("true").build();

    QuickstartCommand(DirectorCommand root) {
        spec.addOption(clients);
        spec.addOption(keep);
    }

    @Override
    public CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        int clients = this.clients.getValue();
        boolean keep = Options.on(this.keep);
        Path dir = Files.createTempDirectory("director-quickstart-");
        out.println("Starting a server and " + clients + " clients in " + dir + " …");
        out.flush();
        List<String> names = new ArrayList<>();
        try (LocalCluster cluster = new LocalCluster(dir, 1, List.of())) {
            cluster.startServer(60_000);
            for (int i = 1; i <= clients; i++) {
                String name = "node-" + i;
                names.add(name);
                cluster.startClient(name, List.of("--labels", "role=" + (i == 1 ? "db" : "web")));
            }
            cluster.awaitNodes(names, 60_000);
            out.println("Nodes alive: " + String.join(", ", names));
            Path example = extractExample(dir.resolve("orchestrations"));
            Orchestration orchestration = new OrchestrationLoader().load(example);
            try (ApiClient api = ApiClient.connect(cluster.socketPath())) {
                api.call(new ApiRequest.Submit(List.of(new ApiRequest.JobSubmission("ARG",
                        "workspace " + dir.resolve("workspace"), null, List.of()))), ApiReply.JobIds.class);
                out.println();
                out.println("Running " + example.getFileName() + " (director orchestrate " + example + " --wait):");
                List<ApiRequest.JobSubmission> jobs = OrchestrationJobs.submissions(
                        OrchestrationJobs.entries(List.of(orchestration), false, List.of()), List.of());
                List<String> ids = api.call(new ApiRequest.Submit(jobs), ApiReply.JobIds.class).jobIds();
                List<ApiReply.JobView> done = awaitJobs(api, ids);
                done.forEach(job -> printResult(out, job));
                out.println();
                out.println("A second run would do this (director orchestrate " + example.getFileName() + " --plan):");
                ApiReply.Plan plan = api.call(new ApiRequest.Plan(jobs, null), ApiReply.Plan.class);
                for (ApiReply.PlannedJob job : plan.jobs()) {
                    out.printf("  %-6s %-12s %s%n", job.verb(), job.name() == null ? "" : job.name(),
                            String.join(", ", new java.util.TreeSet<>(job.nodes().values())));
                }
            }
            out.println();
            out.println("Stopping the server and clients …");
            out.flush();
        } catch (io.director.dsl.orchestration.OrchestrationException e) {
            throw new IllegalStateException("the shipped example is invalid: " + e.getMessage(), e);
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

    private static Path extractExample(Path target) throws IOException {
        for (String name : EXAMPLE) {
            Path file = target.resolve(name);
            Files.createDirectories(file.getParent());
            try (InputStream in = QuickstartCommand.class.getResourceAsStream("/orchestrations/" + name)) {
                if (in == null) {
                    throw new IOException("the example " + name + " is missing from this build");
                }
                Files.copy(in, file);
            }
        }
        return target.resolve(EXAMPLE.get(0));
    }

    private static List<ApiReply.JobView> awaitJobs(ApiClient api, List<String> ids) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            List<ApiReply.JobView> jobs = api.call(new ApiRequest.JobStatus(ids, true), ApiReply.Jobs.class).jobs();
            boolean open = jobs.stream().anyMatch(j -> j.state().equals("processing"));
            if (!open || System.currentTimeMillis() > deadline) {
                return jobs;
            }
            Thread.sleep(25);
        }
    }

    private static void printResult(PrintWriter out, ApiReply.JobView job) {
        String title = job.name() != null ? job.name() : TextRender.definition(job.definition());
        out.println("  " + title + ": " + job.state());
        if (job.name() == null && !job.verb().equals("RUN") && !job.verb().equals("ECHO")) {
            return; // variables and files: the state line says enough
        }
        for (Map.Entry<String, ApiReply.NodeResult> node : job.nodes().entrySet()) {
            ApiReply.NodeResult result = node.getValue();
            StringBuilder line = new StringBuilder(String.format("    %-8s %-8s", node.getKey(), result.state()));
            String text = !result.stdout().isBlank() ? result.stdout().strip()
                    : !result.stderr().isBlank() ? "stderr: " + result.stderr().strip() : "";
            if (!text.isEmpty()) {
                line.append("  ").append(text.replace("\n", " ⏎ "));
            }
            if (result.info() != null) {
                line.append("  (").append(result.info()).append(')');
            }
            out.println(line);
        }
    }
}
