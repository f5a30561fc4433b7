package io.director.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.director.cli.ApiClient;
import io.director.cli.CliException;
import io.director.cli.ExitCodes;
import io.director.dsl.wire.WireCodec;
import io.director.server.api.ApiReply;
import io.director.server.api.ApiRequest;
import io.director.dsl.wire.NodeReport;
import io.director.server.dispatch.DeploymentKeeper;
import io.director.server.node.NodeView;
import io.director.server.store.Hop;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

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
@Command(name = "manage", mixinStandardHelpOptions = true,
        description = "List and inspect nodes and jobs, or purge them (exactly one action).")
final class ManageCommand implements Callable<Integer>, JsonAware {

    /** The action; picocli makes sure exactly one is given (the group {@link #addActions} makes). */
    static final class Action {
        @Option(names = "--list-nodes", description = "Identity, state, seconds to expiry, version, uptime, CPUs, "
                + "memory, disk, load, jails and VMs (count/limit), labels.")
        boolean listNodes;

        @Option(names = "--list-workloads", description = "Every jail and VM the nodes report: node, kind, name, "
                + "state, project, memory, CPUs (with --project: only that project's).")
        boolean listWorkloads;

        @Option(names = "--list-deployments", description = "The deployments kept by 'orchestrate --keep': id, "
                + "project, placement, replicas, last action.")
        boolean listDeployments;

        @Option(names = "--drop-deployment", paramLabel = "ID", description = "Stop keeping a deployment (its id or "
                + "a prefix of at least 4 characters); its workloads stay (see 'director destroy PROJECT').")
        String dropDeployment;

        @Option(names = "--list-jobs", description = "Every job with its state and per-node counts.")
        boolean listJobs;

        @Option(names = "--job-info", paramLabel = "ID|last", description = "The whole job, with every node's output.")
        String jobInfo;

        @Option(names = "--purge-jobs", description = "Forget every job and result.")
        boolean purgeJobs;

        @Option(names = "--purge-nodes", description = "Forget every node; live ones reappear at their next heartbeat.")
        boolean purgeNodes;

        @Option(names = "--export-jobs", paramLabel = "FILE", description = "Write every job, with output, as YAML (JSON with --json).")
        Path exportJobs;

        @Option(names = "--export-nodes", paramLabel = "FILE", description = "Write every node as YAML (JSON with --json).")
        Path exportNodes;

        @Option(names = "--analyze-job", paramLabel = "ID|last", description = "Runtime, fastest and slowest node of a job.")
        String analyzeJob;

        @Option(names = "--analyze-parent", paramLabel = "ID", description = "The same over every job of an orchestration.")
        String analyzeParent;

        @Option(names = "--analyze-all", description = "The same over every job.")
        boolean analyzeAll;
    }

    @Spec
    CommandSpec spec;

    @ParentCommand
    DirectorCommand root;

    /** Its options form an exclusive group of exactly one: see {@link #addActions}. */
    final Action action = new Action();

    @Option(names = "--filter", paramLabel = "STATE",
            description = "With --list-jobs: success, failed (also partial) or processing.")
    Filter filter;

    @Option(names = "--project", paramLabel = "NAME", description = "With --list-workloads: only this project's.")
    String project;

    @Mixin
    JsonOption json;

    enum Filter { success, failed, processing }

    /**
     * Adds the actions to manage's command line: {@link Action}'s annotated options as one
     * exclusive group of exactly one. Not an {@code @ArgGroup}: picocli gives an annotated group
     * an object of its own, and making it renders the group's synopsis once for each of its
     * options (arguments of trace messages it does not print), about 20 ms of every manage
     * command (docs/performance.md). The usage, checks and messages are the same.
     */
    static void addActions(CommandLine manage) {
        ManageCommand command = manage.getCommand();
        CommandLine.Model.ArgGroupSpec.Builder group = CommandLine.Model.ArgGroupSpec.builder()
                .exclusive(true).multiplicity("1");
        // A loop, not a method reference: see Main.ParameterExceptionHandler.
        for (CommandLine.Model.OptionSpec option : CommandSpec.forAnnotatedObject(command.action).options()) {
            group.addArg(option);
        }
        manage.getCommandSpec().addArgGroup(group.build());
    }

    @Override
    public boolean json() {
        return json.enabled();
    }

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        try (ApiClient api = ApiClient.connect(root.socketPath())) {
            if (action.listNodes) {
                ApiReply.Nodes nodes = api.call(new ApiRequest.ListNodes(), ApiReply.Nodes.class);
                print(out, nodes, () -> listNodes(out, nodes));
            } else if (action.listWorkloads) {
                ApiReply.Workloads workloads = api.call(new ApiRequest.ListWorkloads(project), ApiReply.Workloads.class);
                print(out, workloads, () -> listWorkloads(out, workloads));
            } else if (action.listDeployments) {
                ApiReply.Deployments deployments = api.call(new ApiRequest.ListDeployments(),
                        ApiReply.Deployments.class);
                print(out, deployments, () -> listDeployments(out, deployments));
            } else if (action.dropDeployment != null) {
                ApiReply.Dropped dropped = api.call(new ApiRequest.DropDeployment(action.dropDeployment),
                        ApiReply.Dropped.class);
                print(out, dropped, () -> out.println("dropped deployment " + dropped.dropped()));
            } else if (action.listJobs) {
                ApiReply.Jobs jobs = api.call(new ApiRequest.ListJobs(filter == null ? null : filter.name()),
                        ApiReply.Jobs.class);
                print(out, jobs, () -> listJobs(out, jobs));
            } else if (action.jobInfo != null) {
                ApiReply.JobView job = api.call(new ApiRequest.JobInfo(action.jobInfo), ApiReply.JobView.class);
                print(out, job, () -> jobInfo(out, job));
            } else if (action.purgeJobs) {
                ApiReply.Purged purged = api.call(new ApiRequest.PurgeJobs(), ApiReply.Purged.class);
                print(out, purged, () -> out.println("purged " + purged.purged() + " job(s)"));
            } else if (action.purgeNodes) {
                ApiReply.Purged purged = api.call(new ApiRequest.PurgeNodes(), ApiReply.Purged.class);
                print(out, purged, () -> out.println("purged " + purged.purged() + " node(s)"));
            } else if (action.exportJobs != null) {
                List<String> ids = api.call(new ApiRequest.ListJobs(null), ApiReply.Jobs.class).jobs().stream()
                        .map(ApiReply.JobView::jobId).toList();
                ApiReply.Jobs jobs = api.call(new ApiRequest.JobStatus(ids, true), ApiReply.Jobs.class);
                export(out, action.exportJobs, jobs, jobs.jobs().size() + " job(s)");
            } else if (action.exportNodes != null) {
                ApiReply.Nodes nodes = api.call(new ApiRequest.ListNodes(), ApiReply.Nodes.class);
                export(out, action.exportNodes, nodes, nodes.nodes().size() + " node(s)");
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
        List<ApiReply.JobView> jobs;
        String scope;
        if (action.analyzeJob != null) {
            jobs = List.of(api.call(new ApiRequest.JobInfo(action.analyzeJob), ApiReply.JobView.class));
            scope = "job " + jobs.get(0).jobId();
        } else {
            jobs = api.call(new ApiRequest.ListJobs(null), ApiReply.Jobs.class).jobs();
            if (action.analyzeParent != null) {
                jobs = jobs.stream().filter(j -> j.parentId().equals(action.analyzeParent)).toList();
                if (jobs.isEmpty()) {
                    throw new CliException(ExitCodes.FAILED, "no jobs with parent '" + action.analyzeParent + "'");
                }
                scope = "parent " + action.analyzeParent;
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
