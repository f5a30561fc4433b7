package io.director.server.dispatch;

import io.director.dsl.wire.Job;
import io.director.dsl.wire.Message;
import io.director.server.node.Node;
import io.director.server.store.ServerStore;
import io.director.server.transport.Outbound;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * {@code --plan}: asks every target what each job would do there, without running or storing
 * anything. Nodes answer {@code run}, {@code cached}, {@code unchanged} or {@code always}; the
 * server adds what only it knows: {@code done-once} for run-once jobs (done somewhere already,
 * or to be done by the first target), and {@code unreachable} for targets that are not
 * connected. Loop thread only, except the futures it hands out.
 */
public final class PlanCoordinator {

    public static final String UNREACHABLE = "unreachable";
    public static final String NO_ANSWER = "no answer";
    public static final String DONE_ONCE = "done-once";

    private final ServerStore store;
    private final JobDispatcher dispatcher;
    private final Outbound outbound;
    private final Map<String, Pending> pending = new HashMap<>();

    public PlanCoordinator(ServerStore store, JobDispatcher dispatcher, Outbound outbound) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.outbound = outbound;
    }

    /** Outcome per job id (in submission order), per node identity (in target order). */
    public record Plan(List<Job> jobs, Map<String, Map<String, String>> outcomes,
                       List<PlacementStrategy.Choice> placements) {
    }

    private static final class Pending {
        final String planId;
        final List<Job> jobs;
        final Map<String, Map<String, String>> outcomes = new LinkedHashMap<>();
        final Map<String, List<String>> asked = new HashMap<>();
        final CompletableFuture<Plan> future = new CompletableFuture<>();
        List<PlacementStrategy.Choice> placements = List.of();

        Pending(String planId, List<Job> jobs) {
            this.planId = planId;
            this.jobs = jobs;
        }

        Plan plan() {
            return new Plan(jobs, outcomes, placements);
        }
    }

    /** Sends the plan requests; the future completes when every asked node has answered. */
    public CompletableFuture<Plan> start(List<JobDispatcher.Submission> submissions) throws SubmissionException {
        String planId = UUID.randomUUID().toString();
        List<Job> jobs = submissions.stream().map(JobDispatcher.Submission::job).toList();
        Pending plan = new Pending(planId, jobs);
        Map<Node, List<Job>> perNode = new LinkedHashMap<>();
        JobDispatcher.Placements placements = dispatcher.place(submissions);
        plan.placements = List.copyOf(placements.choices().values());
        for (JobDispatcher.Placed placed : placements.placed()) {
            Job job = placed.submission().job();
            Map<String, String> outcomes = new LinkedHashMap<>();
            plan.outcomes.put(job.jobId(), outcomes);
            // Done somewhere, or under way somewhere: a real submission would skip it everywhere.
            boolean doneOnce = job.definition().runOnce() && store.runOnceHolder(job.fingerprint()).isPresent();
            boolean first = true;
            for (Node node : placed.targets()) {
                if (!node.isAlive() || !node.connected()) {
                    outcomes.put(node.identity(), UNREACHABLE);
                    continue;
                }
                // Only the first target of a run-once job would run it; the others are done by it.
                if (doneOnce || (job.definition().runOnce() && !first)) {
                    outcomes.put(node.identity(), DONE_ONCE);
                } else {
                    outcomes.put(node.identity(), NO_ANSWER);
                }
                first = false;
                perNode.computeIfAbsent(node, n -> new ArrayList<>()).add(job);
            }
        }
        perNode.forEach((node, nodeJobs) -> {
            if (outbound.send(node.routingId(), new Message.PlanRequest(planId, nodeJobs))) {
                plan.asked.put(node.identity(), nodeJobs.stream().map(Job::jobId).toList());
            } else {
                nodeJobs.forEach(job -> plan.outcomes.get(job.jobId()).put(node.identity(), UNREACHABLE));
            }
        });
        if (plan.asked.isEmpty()) {
            plan.future.complete(plan.plan());
        } else {
            pending.put(planId, plan);
        }
        return plan.future;
    }

    public void reply(Node node, Message.PlanReply reply) {
        Pending plan = pending.get(reply.planId());
        if (plan == null) {
            return; // finished or given up already
        }
        List<String> asked = plan.asked.remove(node.identity());
        if (asked == null) {
            return;
        }
        for (int i = 0; i < asked.size() && i < reply.outcomes().size(); i++) {
            Map<String, String> outcomes = plan.outcomes.get(asked.get(i));
            if (!DONE_ONCE.equals(outcomes.get(node.identity()))) {
                outcomes.put(node.identity(), reply.outcomes().get(i));
            }
        }
        if (plan.asked.isEmpty()) {
            finish(plan.planId);
        }
    }

    public void expired(List<Node> nodes) {
        for (Pending plan : List.copyOf(pending.values())) {
            for (Node node : nodes) {
                List<String> asked = plan.asked.remove(node.identity());
                if (asked != null) {
                    asked.forEach(id -> plan.outcomes.get(id).put(node.identity(), UNREACHABLE));
                }
            }
            if (plan.asked.isEmpty()) {
                finish(plan.planId);
            }
        }
    }

    /** Completes a plan with what it has; nodes that did not answer stay {@code no answer}. */
    public void finish(String planId) {
        Pending plan = pending.remove(planId);
        if (plan != null) {
            plan.future.complete(plan.plan());
        }
    }

    /** The id of the plan a future belongs to, for giving up on it. */
    public String idOf(CompletableFuture<Plan> future) {
        for (Pending plan : pending.values()) {
            if (plan.future == future) {
                return plan.planId;
            }
        }
        return null;
    }
}
