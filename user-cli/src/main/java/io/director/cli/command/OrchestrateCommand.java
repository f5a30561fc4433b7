package io.director.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.director.cli.ApiClient;
import io.director.cli.CliException;
import io.director.cli.ExitCodes;
import io.director.dsl.orchestration.Orchestration;
import io.director.dsl.orchestration.OrchestrationException;
import io.director.dsl.orchestration.OrchestrationLoader;
import io.director.dsl.placement.TargetSelector;
import io.director.dsl.wire.WireCodec;
import io.director.server.api.ApiReply;
import io.director.server.api.ApiRequest;
import io.director.server.dispatch.PlacementStrategy;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

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
final class OrchestrateCommand implements Callable<Integer>, JsonAware, DirectorSubcommand {

    private final CommandSpec spec = Options.command(this, "orchestrate",
            "Run orchestration files: blocks of jobs fanned out to their targets.");

    private final DirectorCommand root;

    private final PositionalParamSpec files = Options.parameter("0..*", "FILE",
            "Orchestration YAML files, run in order.").arity("1..*").type(List.class).auxiliaryTypes(Path.class).build();

    private final OptionSpec targets = Options.repeated("--target", String.class, "ID",
            "Overrides the targets of every block: a name, a glob such as 'web-*' or a label selector such as "
                    + "'label:role=web' (repeatable, the union).").build();

    private final OptionSpec restrict = Options.repeated("--restrict", String.class, "FINGERPRINT",
            "Submit only the jobs with these fingerprints (repeatable).").build();

    private final OptionSpec ignoreCache = Options.flag("--ignore-cache", "Every job runs as if it had --skip-cache.")
            .fallbackValue("true").build();

    private final OptionSpec fingerPrint = Options.flag("--finger-print",
            "Print the jobs and their fingerprints; submit nothing.").fallbackValue("true").build();

    private final OptionSpec plan = Options.flag("--plan",
            "Ask the nodes what would run, running nothing; exit 2 if anything would.").fallbackValue("true").build();

    private final OptionSpec keep = Options.flag("--keep",
            "Keep every block placed with 'scale' as a deployment: the server replaces replicas on "
                    + "nodes that expire and scales them, until 'director manage --drop-deployment ID'.")
            .fallbackValue("true").build();

    private final WaitOptions waitOptions = WaitOptions.addTo(spec);

    private final JsonOption json = JsonOption.addTo(spec);

    OrchestrateCommand(DirectorCommand root) {
        this.root = root;
        spec.addPositional(files);
        spec.addOption(targets);
        spec.addOption(restrict);
        spec.addOption(ignoreCache);
        spec.addOption(fingerPrint);
        spec.addOption(plan);
        spec.addOption(keep);
    }

    @Override
    public CommandSpec spec() {
        return spec;
    }

    @Override
    public boolean json() {
        return json.enabled();
    }

    @Override
    public Integer call() throws Exception {
        List<Path> files = Options.list(this.files);
        List<String> targets = Options.list(this.targets);
        List<String> restrict = Options.list(this.restrict);
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
        List<OrchestrationJobs.Entry> entries = OrchestrationJobs.entries(orchestrations, Options.on(ignoreCache),
                new TreeSet<>(restrict));
        PrintWriter out = spec.commandLine().getOut();
        if (Options.on(fingerPrint)) {
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
            if (Options.on(plan)) {
                ApiReply.Plan reply = api.call(new ApiRequest.Plan(submissions, workingDirectory), ApiReply.Plan.class);
                return printPlan(out, reply);
            }
            List<String> ids = api.call(new ApiRequest.Submit(submissions, workingDirectory, Options.on(keep)),
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
