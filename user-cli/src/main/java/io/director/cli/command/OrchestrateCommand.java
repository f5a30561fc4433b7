package io.director.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.director.cli.ApiClient;
import io.director.cli.CliException;
import io.director.cli.ExitCodes;
import io.director.dsl.orchestration.Orchestration;
import io.director.dsl.orchestration.OrchestrationException;
import io.director.dsl.orchestration.OrchestrationLoader;
import io.director.dsl.wire.WireCodec;
import io.director.dsl.placement.TargetSelector;
import io.director.server.api.ApiReply;
import io.director.server.dispatch.PlacementStrategy;
import io.director.server.api.ApiRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code director orchestrate FILE…}: validates every file completely, then submits their jobs
 * as one orchestration (or shows their fingerprints, or a plan). Nothing is submitted when any
 * file has an error.
 */
@Command(name = "orchestrate", mixinStandardHelpOptions = true,
        description = "Run orchestration files: blocks of jobs fanned out to their targets.")
final class OrchestrateCommand implements Callable<Integer>, JsonAware {

    @Spec
    CommandSpec spec;

    @ParentCommand
    DirectorCommand root;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Orchestration YAML files, run in order.")
    List<Path> files;

    @Option(names = "--target", paramLabel = "ID", description = "Overrides the targets of every block: a name, a "
            + "glob such as 'web-*' or a label selector such as 'label:role=web' (repeatable, the union).")
    List<String> targets = new ArrayList<>();

    @Option(names = "--restrict", paramLabel = "FINGERPRINT",
            description = "Submit only the jobs with these fingerprints (repeatable).")
    List<String> restrict = new ArrayList<>();

    @Option(names = "--ignore-cache", fallbackValue = "true",
            description = "Every job runs as if it had --skip-cache.")
    boolean ignoreCache;

    @Option(names = "--finger-print", fallbackValue = "true",
            description = "Print the jobs and their fingerprints; submit nothing.")
    boolean fingerPrint;

    @Option(names = "--plan", fallbackValue = "true",
            description = "Ask the nodes what would run, running nothing; exit 2 if anything would.")
    boolean plan;

    @Option(names = "--keep", fallbackValue = "true",
            description = "Keep every block placed with 'scale' as a deployment: the server replaces replicas on "
                    + "nodes that expire and scales them, until 'director manage --drop-deployment ID'.")
    boolean keep;

    @Mixin
    WaitOptions waitOptions;

    @Mixin
    JsonOption json;

    @Override
    public boolean json() {
        return json.enabled();
    }

    @Override
    public Integer call() throws Exception {
        List<Orchestration> orchestrations;
        try {
            orchestrations = new OrchestrationLoader().loadAll(files);
        } catch (OrchestrationException e) {
            e.problems().forEach(problem -> spec.commandLine().getErr().println(problem));
            spec.commandLine().getErr().flush();
            throw new CliException(ExitCodes.INVALID_INPUT, e.problems().size() + " error(s) in "
                    + (files.size() == 1 ? files.get(0) : files.size() + " files") + "; nothing was submitted");
        }
        for (String target : targets) {
            try {
                TargetSelector.parse(target);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.INVALID_INPUT, "--target: " + e.getMessage());
            }
        }
        List<OrchestrationJobs.Entry> entries = OrchestrationJobs.entries(orchestrations, ignoreCache,
                new TreeSet<>(restrict));
        PrintWriter out = spec.commandLine().getOut();
        if (fingerPrint) {
            printFingerprints(out, entries);
            return ExitCodes.OK;
        }
        if (entries.isEmpty()) {
            throw new CliException(ExitCodes.INVALID_INPUT, "no job left to submit"
                    + (restrict.isEmpty() ? "" : " after --restrict " + String.join(", ", restrict)));
        }
        List<ApiRequest.JobSubmission> submissions = OrchestrationJobs.submissions(entries, targets);
        String workingDirectory = Path.of("").toAbsolutePath().toString();
        try (ApiClient api = ApiClient.connect(root.socketPath())) {
            if (plan) {
                ApiReply.Plan reply = api.call(new ApiRequest.Plan(submissions, workingDirectory), ApiReply.Plan.class);
                return printPlan(out, reply);
            }
            List<String> ids = api.call(new ApiRequest.Submit(submissions, workingDirectory, keep),
                    ApiReply.JobIds.class).jobIds();
            return JobWaiter.report(api, ids, out, spec.commandLine().getErr(), waitOptions, json.enabled(), false);
        }
    }

    private void printFingerprints(PrintWriter out, List<OrchestrationJobs.Entry> entries) throws JsonProcessingException {
        if (json.enabled()) {
            List<Map<String, Object>> jobs = new ArrayList<>();
            for (OrchestrationJobs.Entry entry : entries) {
                Map<String, Object> job = new LinkedHashMap<>();
                job.put("file", entry.file().file().toString());
                job.put("line", entry.job().line());
                job.put("block", entry.block().name());
                job.put("name", entry.job().name());
                job.put("verb", entry.definition().verb());
                job.put("fingerprint", entry.fingerprint());
                jobs.add(job);
            }
            out.println(WireCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("jobs", jobs)));
        } else {
            String format = "%-56s  %-10s  %s%n";
            out.printf(format, "FINGERPRINT", "VERB", "WHERE");
            for (OrchestrationJobs.Entry entry : entries) {
                out.printf(format, entry.fingerprint(), entry.definition().verb(),
                        entry.file().file() + ":" + entry.job().line()
                                + (entry.job().name() == null ? "" : " (" + entry.job().name() + ")"));
            }
        }
        out.flush();
    }

    private int printPlan(PrintWriter out, ApiReply.Plan plan) throws JsonProcessingException {
        boolean wouldRun = plan.jobs().stream().flatMap(j -> j.nodes().values().stream()).anyMatch("run"::equals);
        if (json.enabled()) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("jobs", plan.jobs());
            document.put("placements", plan.placements() == null ? List.of() : plan.placements());
            document.put("would_run", wouldRun);
            out.println(WireCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(document));
        } else {
            for (PlacementStrategy.Choice choice : plan.placements() == null ? List.<PlacementStrategy.Choice>of()
                    : plan.placements()) {
                out.println("placement " + choice.strategy() + ": " + (choice.nodes().isEmpty() ? "no node"
                        : String.join(", ", choice.nodes())) + " (" + choice.reason() + ")");
            }
            String format = "%-4s %-10s %-24s %-20s %s%n";
            out.printf(format, "#", "VERB", "NAME", "NODE", "OUTCOME");
            int n = 1;
            for (ApiReply.PlannedJob job : plan.jobs()) {
                for (Map.Entry<String, String> node : job.nodes().entrySet()) {
                    out.printf(format, n, job.verb(), job.name() == null ? "-" : job.name(), node.getKey(),
                            node.getValue());
                }
                n++;
            }
            out.println(wouldRun ? "plan: something would run" : "plan: nothing would run");
        }
        out.flush();
        return wouldRun ? ExitCodes.INVALID_INPUT : ExitCodes.OK;
    }
}
