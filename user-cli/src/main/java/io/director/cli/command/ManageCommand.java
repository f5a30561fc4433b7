package io.director.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.director.cli.ApiClient;
import io.director.cli.CliException;
import io.director.cli.ExitCodes;
import io.director.dsl.wire.NodeReport;
import io.director.dsl.wire.WireCodec;
import io.director.server.api.ApiReply;
import io.director.server.api.ApiRequest;
import io.director.server.dispatch.DeploymentKeeper;
import io.director.server.node.NodeView;
import io.director.server.store.Hop;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code director manage}: look at and tidy the server's nodes and jobs (exactly one action). */
final class ManageCommand implements Callable<Integer>, JsonAware, DirectorSubcommand {

    /** The actions: an exclusive group of exactly one, which picocli checks. */
    static final class Action {
        final OptionSpec listNodes = Options.flag("--list-nodes", "Identity, state, seconds to expiry, version, "
                + "uptime, CPUs, memory, disk, load, jails and VMs (count/limit), labels.").build();

        final OptionSpec listWorkloads = Options.flag("--list-workloads", "Every jail and VM the nodes report: "
                + "node, kind, name, state, project, memory, CPUs (with --project: only that project's).").build();

        final OptionSpec listDeployments = Options.flag("--list-deployments", "The deployments kept by "
                + "'orchestrate --keep': id, project, placement, replicas, last action.").build();

        final OptionSpec dropDeployment = Options.value("--drop-deployment", String.class, "ID", "Stop keeping a "
                + "deployment (its id or a prefix of at least 4 characters); its workloads stay (see "
                + "'director destroy PROJECT').").build();

        final OptionSpec listJobs = Options.flag("--list-jobs", "Every job with its state and per-node counts.")
                .build();

        final OptionSpec jobInfo = Options.value("--job-info", String.class, "ID|last",
                "The whole job, with every node's output.").build();

        final OptionSpec purgeJobs = Options.flag("--purge-jobs", "Forget every job and result.").build();

        final OptionSpec purgeNodes = Options.flag("--purge-nodes",
                "Forget every node; live ones reappear at their next heartbeat.").build();

        final OptionSpec exportJobs = Options.value("--export-jobs", Path.class, "FILE",
                "Write every job, with output, as YAML (JSON with --json).").build();

        final OptionSpec exportNodes = Options.value("--export-nodes", Path.class, "FILE",
                "Write every node as YAML (JSON with --json).").build();

        final OptionSpec analyzeJob = Options.value("--analyze-job", String.class, "ID|last",
                "Runtime, fastest and slowest node of a job.").build();

        final OptionSpec analyzeParent = Options.value("--analyze-parent", String.class, "ID",
                "The same over every job of an orchestration.").build();

        final OptionSpec analyzeAll = Options.flag("--analyze-all", "The same over every job.").build();

        ArgGroupSpec group() {
            return ArgGroupSpec.builder().exclusive(true).multiplicity("1")
                    .addArg(listNodes).addArg(listWorkloads).addArg(listDeployments).addArg(dropDeployment)
                    .addArg(listJobs).addArg(jobInfo).addArg(purgeJobs).addArg(purgeNodes).addArg(exportJobs)
                    .addArg(exportNodes).addArg(analyzeJob).addArg(analyzeParent).addArg(analyzeAll).build();
        }
    }

    private final CommandSpec spec = Options.command(this, "manage",
            "List and inspect nodes and jobs, or purge them (exactly one action).");

    private final DirectorCommand root;

    final Action action = new Action();

    private final OptionSpec filter = Options.value("--filter", Filter.class, "STATE",
            "With --list-jobs: success, failed (also partial) or processing.").build();

    private final OptionSpec project = Options.value("--project", String.class, "NAME",
            "With --list-workloads: only this project's.").build();

    private final JsonOption json = JsonOption.addTo(spec);

    enum Filter { success, failed, processing }

    ManageCommand(DirectorCommand root) {
        this.root = root;
        spec.addArgGroup(action.group());
        spec.addOption(filter);
        spec.addOption(project);
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
    public Integer call() throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        Filter filter = this.filter.getValue();
        String project = this.project.getValue();
        String dropDeployment = action.dropDeployment.getValue();
        String jobInfo = action.jobInfo.getValue();
        Path exportJobs = action.exportJobs.getValue();
        Path exportNodes = action.exportNodes.getValue();
        try (ApiClient api = ApiClient.connect(root.socketPath())) {
            if (Options.on(action.listNodes)) {
                ApiReply.Nodes nodes = api.call(new ApiRequest.ListNodes(), ApiReply.Nodes.class);
                print(out, nodes, () -> listNodes(out, nodes));
            } else if (Options.on(action.listWorkloads)) {
                ApiReply.Workloads workloads = api.call(new ApiRequest.ListWorkloads(project), ApiReply.Workloads.class);
                print(out, workloads, () -> listWorkloads(out, workloads));
            } else if (Options.on(action.listDeployments)) {
                ApiReply.Deployments deployments = api.call(new ApiRequest.ListDeployments(),
                        ApiReply.Deployments.class);
                print(out, deployments, () -> listDeployments(out, deployments));
            } else if (dropDeployment != null) {
                ApiReply.Dropped dropped = api.call(new ApiRequest.DropDeployment(dropDeployment),
                        ApiReply.Dropped.class);
                print(out, dropped, () -> out.println("dropped deployment " + dropped.dropped()));
            } else if (Options.on(action.listJobs)) {
                ApiReply.Jobs jobs = api.call(new ApiRequest.ListJobs(filter == null ? null : filter.name()),
                        ApiReply.Jobs.class);
                print(out, jobs, () -> listJobs(out, jobs));
            } else if (jobInfo != null) {
                ApiReply.JobView job = api.call(new ApiRequest.JobInfo(jobInfo), ApiReply.JobView.class);
                print(out, job, () -> jobInfo(out, job));
            } else if (Options.on(action.purgeJobs)) {
                ApiReply.Purged purged = api.call(new ApiRequest.PurgeJobs(), ApiReply.Purged.class);
                print(out, purged, () -> out.println("purged " + purged.purged() + " job(s)"));
            } else if (Options.on(action.purgeNodes)) {
                ApiReply.Purged purged = api.call(new ApiRequest.PurgeNodes(), ApiReply.Purged.class);
                print(out, purged, () -> out.println("purged " + purged.purged() + " node(s)"));
            } else if (exportJobs != null) {
                List<String> ids = api.call(new ApiRequest.ListJobs(null), ApiReply.Jobs.class).jobs().stream()
                        .map(ApiReply.JobView::jobId).toList();
                ApiReply.Jobs jobs = api.call(new ApiRequest.JobStatus(ids, true), ApiReply.Jobs.class);
                export(out, exportJobs, jobs, jobs.jobs().size() + " job(s)");
            } else if (exportNodes != null) {
                ApiReply.Nodes nodes = api.call(new ApiRequest.ListNodes(), ApiReply.Nodes.class);
                export(out, exportNodes, nodes, nodes.nodes().size() + " node(s)");
            } else {
                analyze(out, api);
            }
        }
        out.flush();
        return 0;
    }

    /** Writes a document to a file as YAML, or JSON with --json; says what it wrote. */
    private void export(PrintWriter out, Path file, Object document, String what) {
        try {
            String text;
            if (json.enabled()) {
                text = WireCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n";
            } else {
                Object tree = WireCodec.mapper().convertValue(document, Object.class);
                text = new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build()).dumpToString(tree);
            }
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot write " + file + ": " + e.getMessage());
        }
        if (json.enabled()) {
            out.println("{\"exported\": " + JsonOption.quote(file.toString()) + "}");
        } else {
            out.println("exported " + what + " to " + file);
        }
    }

    private void analyze(PrintWriter out, ApiClient api) throws JsonProcessingException {
        String analyzeJob = action.analyzeJob.getValue();
        String analyzeParent = action.analyzeParent.getValue();
        List<ApiReply.JobView> jobs;
        String scope;
        if (analyzeJob != null) {
            jobs = List.of(api.call(new ApiRequest.JobInfo(analyzeJob), ApiReply.JobView.class));
            scope = "job " + jobs.get(0).jobId();
        } else {
            jobs = api.call(new ApiRequest.ListJobs(null), ApiReply.Jobs.class).jobs();
            if (analyzeParent != null) {
                jobs = jobs.stream().filter(j -> j.parentId().equals(analyzeParent)).toList();
                if (jobs.isEmpty()) {
                    throw new CliException(ExitCodes.FAILED, "no jobs with parent '" + analyzeParent + "'");
                }
                scope = "parent " + analyzeParent;
            } else {
                scope = "all jobs";
            }
        }
        JobAnalysis analysis = JobAnalysis.of(scope, jobs);
        print(out, analysis, () -> analysis.printText(out));
    }

    private void print(PrintWriter out, Object document, Runnable text) throws JsonProcessingException {
        if (json.enabled()) {
            out.println(WireCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(document));
        } else {
            text.run();
        }
    }

    private static void listNodes(PrintWriter out, ApiReply.Nodes nodes) {
        String format = "%-24s %-8s %-8s %-10s %-8s %-22s %4s %-13s %-8s %-5s %-7s %-7s %s%n";
        out.printf(format, "IDENTITY", "STATE", "EXPIRES", "VERSION", "UPTIME", "DRIVERS (JAIL/VM)", "CPUS",
                "MEM FREE/ALL", "DISK", "LOAD", "JAILS", "VMS", "LABELS");
        long now = System.currentTimeMillis();
        for (NodeView node : nodes.nodes()) {
            String drivers = node.facts().getOrDefault("jail_driver", "-") + "/"
                    + node.facts().getOrDefault("vm_driver", "-");
            NodeReport r = node.report();
            out.printf(format, node.identity(), node.state(), String.format("%.1fs", node.expiresIn()),
                    node.version(), TextRender.duration(now - node.startedAt()), drivers,
                    r == null ? "-" : Integer.toString(r.cpus()),
                    r == null ? "-" : size(r.memoryFree()) + "/" + size(r.memoryTotal()),
                    r == null ? "-" : size(r.diskFree()),
                    r == null || r.load() < 0 ? "-" : String.format("%.2f", r.load()),
                    r == null ? "-" : count(r.count(NodeReport.Workload.JAIL), r.limits().maxJails()),
                    r == null ? "-" : count(r.count(NodeReport.Workload.VM), r.limits().maxVms()),
                    labels(node.labels()));
        }
    }

    /** {@code 3/10}, or {@code 3} without a limit. */
    private static String count(long count, int limit) {
        return limit < 0 ? Long.toString(count) : count + "/" + limit;
    }

    /** Bytes as G or M, one decimal for G; {@code -} when unknown. */
    static String size(long bytes) {
        if (bytes < 0) {
            return "-";
        }
        if (bytes >= 1L << 30) {
            return String.format("%.1fG", bytes / (double) (1L << 30));
        }
        return (bytes >> 20) + "M";
    }

    private static void listDeployments(PrintWriter out, ApiReply.Deployments deployments) {
        String format = "%-36s %-16s %-12s %-24s %s%n";
        out.printf(format, "ID", "PROJECT", "PLACEMENT", "REPLICAS", "LAST ACTION");
        for (DeploymentKeeper.View d : deployments.deployments()) {
            out.printf(format, d.id(), d.project(), d.placement(),
                    d.replicas().isEmpty() ? "-" : String.join(",", d.replicas()), d.lastAction());
        }
    }

    private static void listWorkloads(PrintWriter out, ApiReply.Workloads workloads) {
        String format = "%-24s %-8s %-5s %-24s %-10s %-16s %-8s %s%n";
        out.printf(format, "NODE", "NODE", "KIND", "NAME", "STATE", "PROJECT", "MEMORY", "CPUS");
        for (ApiReply.WorkloadView w : workloads.workloads()) {
            out.printf(format, w.node(), w.nodeState(), w.kind(), w.name(), w.state(),
                    w.project() == null ? "-" : w.project(), w.memory() == 0 ? "-" : size(w.memory()),
                    w.cpus() == 0 ? "-" : (w.cpus() == Math.rint(w.cpus()) ? Long.toString((long) w.cpus()) : Double.toString(w.cpus())));
        }
    }

    private static String labels(Map<String, String> labels) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(labels).forEach((k, v) -> text.append(text.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return text.length() == 0 ? "-" : text.toString();
    }

    private static void listJobs(PrintWriter out, ApiReply.Jobs jobs) {
        String format = "%-36s %-8s %-16s %-5s %-10s %4s %4s %4s %8s%n";
        out.printf(format, "ID", "PARENT", "NAME", "VERB", "STATE", "OK", "FAIL", "RUN", "TIME");
        for (ApiReply.JobView job : jobs.jobs()) {
            Map<String, Long> c = job.counts();
            long ok = c.getOrDefault("success", 0L) + c.getOrDefault("skipped", 0L);
            long failed = c.getOrDefault("failed", 0L) + c.getOrDefault("cancelled", 0L);
            long running = c.getOrDefault("queued", 0L) + c.getOrDefault("processing", 0L);
            out.printf(format, job.jobId(), job.parentId().substring(0, 8), job.name() == null ? "-" : job.name(),
                    job.verb(), job.state(), ok, failed, running, TextRender.seconds(job.executionTime()));
        }
    }

    private static void jobInfo(PrintWriter out, ApiReply.JobView job) {
        out.println("job_id:      " + job.jobId());
        out.println("parent_id:   " + job.parentId());
        out.println("name:        " + (job.name() == null ? "-" : job.name()));
        out.println("definition:  " + TextRender.definition(job.definition()));
        out.println("fingerprint: " + job.fingerprint());
        out.println("state:       " + job.state());
        out.println("created:     " + job.created());
        for (Hop hop : job.hops() == null ? List.<Hop>of() : job.hops()) {
            out.println("hop:         " + hop.from() + " refused (" + hop.reason() + ") -> "
                    + (hop.to() == null ? "no node left" : hop.to()));
        }
        job.nodes().forEach((node, result) -> {
            StringBuilder head = new StringBuilder("node " + node + ": " + result.state());
            if (result.exitCode() != null) {
                head.append(", exit ").append(result.exitCode());
            }
            head.append(", ran ").append(TextRender.seconds(result.executionTime()))
                    .append(", roundtrip ").append(TextRender.seconds(result.roundtripTime()));
            out.println(head);
            if (result.info() != null) {
                out.println("  info: " + result.info());
            }
            if (result.stdout() != null && !result.stdout().isEmpty()) {
                out.println("  stdout:");
                out.print(TextRender.indent(result.stdout().stripTrailing(), "    "));
            }
            if (result.stderr() != null && !result.stderr().isEmpty()) {
                out.println("  stderr:");
                out.print(TextRender.indent(result.stderr().stripTrailing(), "    "));
            }
        });
    }
}
