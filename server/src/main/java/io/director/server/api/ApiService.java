package io.director.server.api;

import io.director.dsl.verb.AddVerb;
import io.director.dsl.verb.CommonOptions;
import io.director.dsl.verb.CopyVerb;
import io.director.dsl.verb.DslException;
import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.JobParser;
import io.director.dsl.verb.JailVerb;
import io.director.dsl.verb.VmVerb;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.NodeReport;
import io.director.dsl.wire.TransferFile;
import io.director.dsl.wire.NodeState;
import io.director.server.dispatch.DeploymentKeeper;
import io.director.server.dispatch.JobDispatcher;
import io.director.server.dispatch.PlanCoordinator;
import io.director.server.dispatch.SubmissionException;
import io.director.server.node.Node;
import io.director.server.node.NodeKeys;
import io.director.server.node.NodeRegistry;
import io.director.server.store.NodeOutcome;
import io.director.server.store.ServerStore;
import io.director.server.store.StoreException;
import io.director.server.store.StoredJob;
import io.director.server.transfer.ChunkChecksums;
import io.director.server.transfer.FileManifest;
import io.director.server.transfer.ManifestException;
import io.director.dsl.wire.CurveKeys;
import io.director.dsl.wire.Message;
import io.director.server.transport.ServerLoop;
import io.director.server.transport.WireSecurity;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Answers CLI requests. Reads go straight to the datastore's reader; anything that touches
 * live node or dispatch state runs on the server loop. Called from API connection threads.
 */
public final class ApiService {

    private static final Logger LOG = Logger.getLogger(ApiService.class.getName());
    private static final long LOOP_TIMEOUT_SECONDS = 60;
    private static final long PLAN_TIMEOUT_SECONDS = 30;
    private static final java.util.Set<String> TRANSFER_VERBS = java.util.Set.of(AddVerb.NAME, CopyVerb.NAME);

    private final ServerLoop loop;
    private final NodeRegistry registry;
    private final NodeKeys keys;
    private final WireSecurity security;
    private final JobDispatcher dispatcher;
    private final PlanCoordinator plans;
    private final DeploymentKeeper deployments;
    private final ServerStore store;
    private final ChunkChecksums checksums;
    private final JobParser parser = JobParser.standard();

    /**
     * @param keys      the node keys, or null without encryption
     * @param checksums where ADD/COPY submissions keep their files' chunk checksums for the
     *                  transfer endpoint
     */
    public ApiService(ServerLoop loop, NodeRegistry registry, NodeKeys keys, WireSecurity security,
                      JobDispatcher dispatcher, PlanCoordinator plans, DeploymentKeeper deployments,
                      ServerStore store, ChunkChecksums checksums) {
        this.checksums = Objects.requireNonNull(checksums, "checksums");
        this.deployments = deployments;
        this.loop = loop;
        this.registry = registry;
        this.keys = keys;
        this.security = security;
        this.dispatcher = dispatcher;
        this.plans = plans;
        this.store = store;
    }

    public Object handle(ApiRequest request) {
        try {
            if (request instanceof ApiRequest.Submit submit) {
                return submit(submit);
            } else if (request instanceof ApiRequest.Plan plan) {
                return plan(plan);
            } else if (request instanceof ApiRequest.ListNodes) {
                return new ApiReply.Nodes(onLoop(() -> registry.snapshot(System.currentTimeMillis())));
            } else if (request instanceof ApiRequest.ListJobs list) {
                return listJobs(list.filter());
            } else if (request instanceof ApiRequest.JobInfo info) {
                return jobInfo(info.jobId());
            } else if (request instanceof ApiRequest.JobStatus status) {
                List<ApiReply.JobView> views = new ArrayList<>();
                for (StoredJob job : store.findJobs(status.jobIds() == null ? List.of() : status.jobIds(),
                        status.withOutput())) {
                    views.add(status.withOutput() ? withHops(view(job)) : view(job));
                }
                return new ApiReply.Jobs(views);
            } else if (request instanceof ApiRequest.PurgeJobs) {
                return new ApiReply.Purged(onLoop(store::purgeJobs));
            } else if (request instanceof ApiRequest.PurgeNodes) {
                return new ApiReply.Purged(onLoop(() -> {
                    registry.purge();
                    return store.purgeNodes();
                }));
            } else if (request instanceof ApiRequest.ListKeys) {
                return listKeys();
            } else if (request instanceof ApiRequest.ChangeKey change) {
                return changeKey(change);
            } else if (request instanceof ApiRequest.ListWorkloads list) {
                return new ApiReply.Workloads(onLoop(() -> workloads(list.project())));
            } else if (request instanceof ApiRequest.DestroyProject destroy) {
                return destroyProject(destroy.project());
            } else if (request instanceof ApiRequest.ListDeployments) {
                return new ApiReply.Deployments(onLoop(deployments::list));
            } else if (request instanceof ApiRequest.DropDeployment drop) {
                String id = drop.id() == null ? "" : drop.id();
                return onLoop(() -> deployments.drop(id)).<Object>map(ApiReply.Dropped::new)
                        .orElseGet(() -> new ApiReply.Failure("no deployment '" + id + "' (see 'director manage "
                                + "--list-deployments')", ApiReply.Failure.NOT_FOUND));
            }
            return new ApiReply.Failure("unsupported request", ApiReply.Failure.INVALID);
        } catch (StoreException e) {
            LOG.severe(e.getMessage());
            return new ApiReply.Failure(e.getMessage(), ApiReply.Failure.INTERNAL);
        }
    }

    /** Loop thread: the workloads in the nodes' last reports, by node, then as each node lists them. */
    private List<ApiReply.WorkloadView> workloads(String project) {
        List<ApiReply.WorkloadView> views = new ArrayList<>();
        for (var node : registry.snapshot(System.currentTimeMillis())) {
            if (node.report() == null) {
                continue;
            }
            for (NodeReport.Workload w : node.report().workloads()) {
                if (project == null || project.equals(w.project())) {
                    views.add(new ApiReply.WorkloadView(node.identity(), node.state(), w.kind(), w.name(), w.state(),
                            w.project(), w.memory(), w.cpus(), w.disk()));
                }
            }
        }
        return views;
    }

    /**
     * {@code director destroy PROJECT}: one {@code JAIL --force destroy} or {@code VM --force
     * destroy} job per workload of the project, on the live node that reports it.
     */
    private Object destroyProject(String project) {
        if (project == null || !JailVerb.PROJECT_NAME.matcher(project).matches()) {
            return new ApiReply.Failure("a project name is required (1 to 63 letters, digits, '.', '_' or '-'), got '"
                    + project + "'", ApiReply.Failure.INVALID);
        }
        List<ApiRequest.JobSubmission> jobs = new ArrayList<>();
        for (ApiReply.WorkloadView w : onLoop(() -> workloads(project))) {
            if (w.nodeState().equals("alive")) {
                String verb = w.kind().equals(NodeReport.Workload.VM) ? VmVerb.NAME : JailVerb.NAME;
                jobs.add(new ApiRequest.JobSubmission(verb, "--force destroy " + w.name(),
                        "destroy " + project + " " + w.name(), List.of(w.node())));
            }
        }
        if (jobs.isEmpty()) {
            return new ApiReply.Failure("no live node reports a workload of project '" + project
                    + "' (see 'director manage --list-workloads')", ApiReply.Failure.NOT_FOUND);
        }
        return submit(new ApiRequest.Submit(jobs, null));
    }

    private Object listKeys() {
        if (keys == null) {
            return new ApiReply.Keys(false, null, null, List.of());
        }
        String serverKey = security.keys().publicKey();
        return new ApiReply.Keys(true, serverKey, CurveKeys.fingerprint(serverKey), onLoop(keys::list));
    }

    /**
     * Runs an operator's decision on the loop, with its effects on live connections: an accepted
     * pending node is asked to say hello at once; a node whose accepted key is rejected or
     * deleted is removed (its open jobs fail) and told why.
     */
    private Object changeKey(ApiRequest.ChangeKey change) {
        if (keys == null) {
            return new ApiReply.Failure("encryption is off on this server (--encryption none): there are no node "
                    + "keys to manage", ApiReply.Failure.INVALID);
        }
        String action = change.action() == null ? "" : change.action();
        if (change.identity() == null || change.identity().isBlank()) {
            return new ApiReply.Failure("a node identity is required", ApiReply.Failure.INVALID);
        }
        String fingerprint = change.fingerprint() == null || change.fingerprint().isBlank() ? null
                : change.fingerprint().toLowerCase(java.util.Locale.ROOT);
        if (fingerprint != null && !fingerprint.matches("[0-9a-f]{4,64}")) {
            return new ApiReply.Failure("--key must be a key fingerprint (at least 4 hex digits), got '"
                    + change.fingerprint() + "'", ApiReply.Failure.INVALID);
        }
        NodeKeys.Change result = onLoop(() -> {
            long now = System.currentTimeMillis();
            NodeKeys.Change done = switch (action) {
                case "accept" -> keys.accept(change.identity(), fingerprint, now);
                case "reject" -> keys.reject(change.identity(), fingerprint);
                case "delete" -> keys.delete(change.identity(), fingerprint);
                default -> null;
            };
            if (done != null && done.error() == null) {
                applyKeyChange(action, done, now);
            }
            return done;
        });
        if (result == null) {
            return new ApiReply.Failure("unknown key action '" + action + "': use accept, reject or delete",
                    ApiReply.Failure.INVALID);
        }
        if (result.error() != null) {
            return new ApiReply.Failure(result.error(), result.error().startsWith("no ")
                    ? ApiReply.Failure.NOT_FOUND : ApiReply.Failure.INVALID);
        }
        LOG.info(() -> done(action) + " the key(s) of '" + change.identity() + "': " + String.join(", ",
                result.changed().stream().map(c -> CurveKeys.shortFingerprint(c.key().publicKey())).toList()));
        return new ApiReply.KeysChanged(action, result.changed().stream().map(NodeKeys.Changed::key).toList());
    }

    private static String done(String action) {
        return action.endsWith("e") ? action + "d" : action + "ed";
    }

    /** Loop thread. */
    private void applyKeyChange(String action, NodeKeys.Change change, long now) {
        for (NodeKeys.Changed changed : change.changed()) {
            String identity = changed.key().identity();
            if (changed.wasAccepted()) {
                java.util.Optional<Node> removed = registry.remove(identity);
                store.deleteNode(identity);
                if (removed.isPresent()) {
                    Node node = removed.get();
                    dispatcher.removed(node, "node removed: its key was " + done(action), now);
                    if (node.connected()) {
                        tell(node.routingId(), action);
                    }
                }
                // The identity is free again: a waiting node with another key may ask now (with a
                // shared key it is accepted at once; otherwise it is pending, for the operator).
                for (String waiting : keys.pendingConnections(identity)) {
                    loop.send(waiting, new Message.HelloRequired("the identity's previous key was " + done(action)));
                }
            } else if (changed.connection() != null) {
                tell(changed.connection(), action);
            }
        }
    }

    /** Accepted or deleted: say hello again now (enrolled, or pending again); rejected: told so. */
    private void tell(String connection, String action) {
        Message message = action.equals("reject")
                ? new Message.Refused("the server's operator rejected this node's key", true)
                : new Message.HelloRequired("the server's operator " + done(action) + " this node's key");
        loop.send(connection, message);
    }

    private Object submit(ApiRequest.Submit submit) {
        List<JobDispatcher.Submission> submissions;
        try {
            submissions = parse(submit.jobs(), submit.workingDirectory());
        } catch (InvalidSubmission e) {
            return e.failure;
        }
        if (submit.keep() && submissions.stream().noneMatch(s -> s.placement() != null
                && s.placement().strategy().equals(io.director.dsl.placement.Placement.SCALE))) {
            return new ApiReply.Failure("--keep keeps blocks placed with 'scale', and there is none",
                    ApiReply.Failure.INVALID);
        }
        try {
            List<String> ids = onLoopChecked(() -> {
                long now = System.currentTimeMillis();
                List<String> submitted = dispatcher.submit(submissions, now);
                if (submit.keep()) {
                    deployments.keep(submissions, now);
                }
                return submitted;
            });
            return new ApiReply.JobIds(ids);
        } catch (SubmissionException e) {
            return new ApiReply.Failure(e.getMessage(), ApiReply.Failure.INVALID);
        }
    }

    private Object plan(ApiRequest.Plan request) {
        List<JobDispatcher.Submission> submissions;
        try {
            submissions = parse(request.jobs(), request.workingDirectory());
        } catch (InvalidSubmission e) {
            return e.failure;
        }
        CompletableFuture<PlanCoordinator.Plan> future;
        try {
            future = onLoopChecked(() -> plans.start(submissions));
        } catch (SubmissionException e) {
            return new ApiReply.Failure(e.getMessage(), ApiReply.Failure.INVALID);
        }
        PlanCoordinator.Plan plan;
        try {
            plan = future.get(PLAN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            // Give up on the nodes that did not answer: they are reported as such.
            loop.execute(() -> plans.finish(plans.idOf(future)));
            plan = future.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("plan failed: " + e.getCause().getMessage(), e.getCause());
        }
        List<ApiReply.PlannedJob> jobs = new ArrayList<>();
        for (Job job : plan.jobs()) {
            jobs.add(new ApiReply.PlannedJob(job.name(), job.definition().verb(), job.fingerprint(),
                    plan.outcomes().get(job.jobId())));
        }
        return new ApiReply.Plan(jobs, plan.placements());
    }

    /** A submission that fails validation, with the reply that says why. */
    private static final class InvalidSubmission extends Exception {
        final ApiReply.Failure failure;

        InvalidSubmission(String message) {
            super(message);
            this.failure = new ApiReply.Failure(message, ApiReply.Failure.INVALID);
        }
    }

    /**
     * Parses and validates every job (again: never trust the CLI); all share the first job's id
     * as parent. ADD/COPY sources are listed and hashed here, on the API thread, never on the loop.
     */
    private List<JobDispatcher.Submission> parse(List<ApiRequest.JobSubmission> jobs, String workingDirectory)
            throws InvalidSubmission {
        if (jobs == null || jobs.isEmpty()) {
            throw new InvalidSubmission("nothing to submit");
        }
        List<JobDispatcher.Submission> submissions = new ArrayList<>();
        String parentId = null;
        int index = 0;
        for (ApiRequest.JobSubmission s : jobs) {
            index++;
            JobDefinition definition;
            try {
                definition = parser.parse(s.verb(), s.arguments());
            } catch (DslException e) {
                String where = e.column() > 0 ? " (column " + e.column() + ")" : "";
                throw new InvalidSubmission((jobs.size() > 1 ? "job " + index + ": " : "") + e.getMessage() + where);
            }
            String jobId = UUID.randomUUID().toString();
            if (parentId == null) {
                parentId = jobId;
            }
            String name = s.name() != null ? s.name() : definition.text(CommonOptions.NAME);
            String queue = s.queue() == null ? Job.MAIN_QUEUE : parentId + "/" + s.queue();
            List<TransferFile> files = List.of();
            if (TRANSFER_VERBS.contains(definition.verb())) {
                String base = s.sourceDirectory() != null ? s.sourceDirectory() : workingDirectory;
                try {
                    files = FileManifest.of(definition, base == null ? null : Path.of(base), checksums);
                } catch (ManifestException e) {
                    throw new InvalidSubmission((jobs.size() > 1 ? "job " + index + ": " : "") + e.getMessage());
                } catch (InvalidPathException e) {
                    throw new InvalidSubmission((jobs.size() > 1 ? "job " + index + ": " : "")
                            + "not a valid directory for relative sources: " + e.getReason());
                }
            }
            Job job = new Job(jobId, parentId, name, definition, Fingerprint.of(definition), queue, files);
            submissions.add(new JobDispatcher.Submission(job, s.targets(), s.placement(), s.group()));
        }
        return submissions;
    }

    private Object listJobs(String filter) {
        List<ApiReply.JobView> views = new ArrayList<>();
        for (StoredJob job : store.listJobs()) {
            String state = job.state();
            boolean keep = filter == null
                    || filter.equals(state)
                    || (filter.equals("failed") && state.equals("partial"));
            if (keep) {
                views.add(view(job));
            }
        }
        return new ApiReply.Jobs(views);
    }

    private Object jobInfo(String jobId) {
        Optional<String> id = "last".equals(jobId) ? store.lastJobId() : Optional.ofNullable(jobId);
        Optional<StoredJob> job = id.flatMap(i -> store.findJob(i, true));
        if (job.isEmpty()) {
            return new ApiReply.Failure("no job '" + jobId + "' (see 'director manage --list-jobs')",
                    ApiReply.Failure.NOT_FOUND);
        }
        ApiReply.JobView view = view(job.get());
        return withHops(view);
    }

    private ApiReply.JobView withHops(ApiReply.JobView view) {
        List<io.director.server.store.Hop> hops = store.hops(view.jobId());
        return hops.isEmpty() ? view : new ApiReply.JobView(view.jobId(), view.parentId(), view.name(), view.verb(),
                view.definition(), view.fingerprint(), view.state(), view.created(), view.nodes(), view.counts(),
                view.executionTime(), hops);
    }

    static ApiReply.JobView view(StoredJob stored) {
        Map<String, ApiReply.NodeResult> nodes = new LinkedHashMap<>();
        Double slowest = null;
        for (NodeOutcome o : stored.nodes().values()) {
            nodes.put(o.identity(), new ApiReply.NodeResult(o.state().wireName(), o.exitCode(), o.stdout(),
                    o.stderr(), o.info(), o.executionTime(), o.roundtripTime()));
            if (o.executionTime() != null && (slowest == null || o.executionTime() > slowest)) {
                slowest = o.executionTime();
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (NodeState state : NodeState.values()) {
            counts.put(state.wireName(), stored.count(state));
        }
        Job job = stored.job();
        return new ApiReply.JobView(job.jobId(), job.parentId(), job.name(), job.definition().verb(),
                job.definition(), job.fingerprint(), stored.state(), Instant.ofEpochMilli(stored.created()).toString(),
                nodes, counts, slowest, List.of());
    }

    private interface LoopWork<T> {
        T run() throws Exception;
    }

    private <T> T onLoop(LoopWork<T> work) {
        try {
            return onLoopChecked(work);
        } catch (SubmissionException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T onLoopChecked(LoopWork<T> work) throws SubmissionException {
        java.util.concurrent.CompletableFuture<T> future = null;
        try {
            future = loop.call(work::run);
            return future.get(LOOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SubmissionException se) {
                throw se;
            }
            if (cause instanceof StoreException se) {
                throw se;
            }
            throw new IllegalStateException("server loop failed: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new IllegalStateException("the server loop did not answer within " + LOOP_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
