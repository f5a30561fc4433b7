package io.director.server.dispatch;

import io.director.dsl.placement.Placement;
import io.director.dsl.placement.TargetSelector;
import io.director.dsl.verb.JailVerb;
import io.director.dsl.verb.VmVerb;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.JobResult;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.NodeState;
import io.director.server.node.Node;
import io.director.server.node.NodeRegistry;
import io.director.server.store.NewJob;
import io.director.server.store.ServerStore;
import io.director.server.transfer.TransferPermissions;
import io.director.server.transport.Outbound;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * Turns submissions into per-node work and follows it to a final state. Loop thread only.
 * <p>
 * The datastore is the queue: a job is stored before anything is sent, every node's unfinished
 * jobs are sent again whenever it says hello, and nodes drop repeats by job id. So a node that
 * is slow, gone or reconnecting never holds up another, and nothing is lost to a restart.
 */
public final class JobDispatcher {

    private static final Logger LOG = Logger.getLogger(JobDispatcher.class.getName());

    private final ServerStore store;
    private final NodeRegistry registry;
    private final Outbound outbound;
    private final int outputCap;
    private final TransferPermissions transfers;
    private final PlacementStrategy strategy = new PlacementStrategy(new java.security.SecureRandom());
    private final CapacityForwarding forwarding = new CapacityForwarding();
    /** Forwards after capacity refusals, at most, per placed node ({@code --max-hops}). */
    private final int maxHops;
    private static final Set<String> PROJECT_VERBS = Set.of(JailVerb.NAME, VmVerb.NAME);

    /** @param outputCap bytes of stdout and of stderr kept per job and node, whatever a node sends */
    public JobDispatcher(ServerStore store, NodeRegistry registry, Outbound outbound, int outputCap,
                         TransferPermissions transfers, int maxHops) {
        this.maxHops = maxHops;
        this.store = Objects.requireNonNull(store, "store");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.outbound = Objects.requireNonNull(outbound, "outbound");
        this.outputCap = outputCap;
        this.transfers = Objects.requireNonNull(transfers, "transfers");
    }

    /**
     * A job and the nodes named for it (empty: every live node): names, globs or label
     * selectors. Jobs with the same {@code group} (an orchestration block) share a placement,
     * which chooses among the targets the nodes that run them; null: every target.
     */
    public record Submission(Job job, List<String> targets, Placement placement, String group) {
        public Submission {
            targets = targets == null ? List.of() : List.copyOf(targets);
        }

        public Submission(Job job, List<String> targets) {
            this(job, targets, null, null);
        }
    }

    /** A submission with the nodes it goes to, and the placement choice that picked them (or null). */
    public record Placed(Submission submission, List<Node> targets, PlacementStrategy.Choice choice) {
    }

    /** Where each submission goes, with one placement choice per group (in submission order). */
    public record Placements(List<Placed> placed, Map<String, PlacementStrategy.Choice> choices) {
    }

    /**
     * Resolves every submission's targets and, for placed groups, chooses the nodes: once per
     * group, so all jobs of a block go to the same nodes.
     */
    public Placements place(List<Submission> submissions) throws SubmissionException {
        Map<String, PlacementStrategy.Choice> choices = new LinkedHashMap<>();
        Map<String, List<Node>> groupTargets = new HashMap<>();
        List<Placed> placed = new ArrayList<>();
        for (Submission submission : submissions) {
            if (submission.placement() == null || submission.placement().strategy().equals(Placement.ALL)) {
                List<Node> targets = resolve(submission.targets());
                placed.add(new Placed(submission, targets, null));
                continue;
            }
            String group = submission.group() == null ? submission.job().jobId() : submission.group();
            if (!choices.containsKey(group)) {
                List<Node> candidates = resolve(submission.targets()).stream().filter(Node::isAlive).toList();
                String project = projectOf(submissions, group);
                if (submission.placement().needsProject() && project == null) {
                    throw new SubmissionException("placement '" + submission.placement().strategy() + "' counts a "
                            + "project's workloads: give the JAIL or VM create a --project NAME");
                }
                PlacementStrategy.Choice choice = strategy.choose(submission.placement(), project, candidates,
                        registry.alive());
                choices.put(group, choice);
                List<Node> nodes = new ArrayList<>();
                choice.nodes().forEach(n -> registry.find(n).ifPresent(nodes::add));
                groupTargets.put(group, nodes);
            }
            placed.add(new Placed(submission, groupTargets.get(group), choices.get(group)));
        }
        return new Placements(placed, choices);
    }

    /** The literal --project of the group's JAIL or VM create, if any. */
    private static String projectOf(List<Submission> submissions, String group) {
        for (Submission s : submissions) {
            String g = s.group() == null ? s.job().jobId() : s.group();
            String project = s.job().definition().text(JailVerb.PROJECT);
            if (g.equals(group) && project != null && !project.contains("{")
                    && PROJECT_VERBS.contains(s.job().definition().verb())) {
                return project;
            }
        }
        return null;
    }

    /** Stores the jobs (all or none), then sends them to their connected targets. */
    public List<String> submit(List<Submission> submissions, long now) throws SubmissionException {
        List<NewJob> newJobs = new ArrayList<>();
        Map<String, String> runOnceInBatch = new HashMap<>();
        Placements placements = place(submissions);
        Map<String, List<String>> jobsOfGroup = new LinkedHashMap<>();
        for (Placed placed : placements.placed()) {
            Submission submission = placed.submission();
            if (placed.choice() != null) {
                jobsOfGroup.computeIfAbsent(submission.group() == null ? submission.job().jobId() : submission.group(),
                        g -> new ArrayList<>()).add(submission.job().jobId());
            }
            List<Node> targets = placed.targets();
            Map<String, NodeState> states = new LinkedHashMap<>();
            Map<String, String> infos = new HashMap<>();
            for (Node node : targets) {
                if (node.isAlive()) {
                    states.put(node.identity(), NodeState.QUEUED);
                } else {
                    states.put(node.identity(), NodeState.FAILED);
                    infos.put(node.identity(), ServerStore.UNREACHABLE);
                }
            }
            Job job = submission.job();
            if (job.definition().runOnce()) {
                placeRunOnce(job, states, infos, runOnceInBatch);
            }
            newJobs.add(new NewJob(job, states, infos));
        }
        store.insertJobs(newJobs, now);
        jobsOfGroup.forEach((group, jobIds) -> {
            PlacementStrategy.Choice choice = placements.choices().get(group);
            var nodes = CapacityForwarding.groupNodes(choice.nodes());
            choice.alternatives().forEach((node, alternatives) -> forwarding.add(jobIds, node, alternatives, nodes));
            LOG.info(() -> "placement " + choice.strategy() + ": " + (choice.nodes().isEmpty() ? "no node"
                    : String.join(", ", choice.nodes())) + " (" + choice.reason() + ")");
        });

        Map<Node, List<String>> sent = new LinkedHashMap<>();
        for (NewJob newJob : newJobs) {
            for (Map.Entry<String, NodeState> target : newJob.states().entrySet()) {
                if (target.getValue() != NodeState.QUEUED) {
                    continue;
                }
                Node node = registry.find(target.getKey()).orElseThrow();
                if (node.connected() && send(node, new Message.Dispatch(newJob.job()))) {
                    sent.computeIfAbsent(node, n -> new ArrayList<>()).add(newJob.job().jobId());
                }
            }
        }
        sent.forEach((node, ids) -> store.markDispatched(node.identity(), ids, now));
        List<String> ids = new ArrayList<>(newJobs.size());
        newJobs.forEach(j -> ids.add(j.job().jobId()));
        return ids;
    }

    /**
     * The nodes selected, or every live node when none is named: the union of what each word
     * selects. A name must be a known node (an expired one gets the job as unreachable); a glob
     * or label selector selects live nodes and must select at least one.
     */
    List<Node> resolve(List<String> names) throws SubmissionException {
        if (names.isEmpty()) {
            List<Node> alive = registry.alive();
            if (alive.isEmpty()) {
                throw new SubmissionException("no live node to run on: start a client, or check "
                        + "'director manage --list-nodes'");
            }
            return alive;
        }
        Map<String, Node> nodes = new LinkedHashMap<>();
        Set<String> unknown = new LinkedHashSet<>();
        Set<String> unmatched = new LinkedHashSet<>();
        for (String name : new LinkedHashSet<>(names)) {
            TargetSelector selector;
            try {
                selector = TargetSelector.parse(name);
            } catch (IllegalArgumentException e) {
                throw new SubmissionException(e.getMessage());
            }
            if (selector.kind() == TargetSelector.Kind.NAME) {
                registry.find(name).ifPresentOrElse(n -> nodes.putIfAbsent(n.identity(), n), () -> unknown.add(name));
                continue;
            }
            boolean any = false;
            for (Node node : registry.alive()) {
                if (selector.matches(node.identity(), node.labels())) {
                    nodes.putIfAbsent(node.identity(), node);
                    any = true;
                }
            }
            if (!any) {
                unmatched.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new SubmissionException("unknown target node" + (unknown.size() > 1 ? "s" : "") + " '"
                    + String.join("', '", unknown) + "' (see 'director manage --list-nodes')");
        }
        if (!unmatched.isEmpty()) {
            throw new SubmissionException("target" + (unmatched.size() > 1 ? "s" : "") + " '"
                    + String.join("', '", unmatched) + "' select" + (unmatched.size() > 1 ? "" : "s")
                    + " no live node (see 'director manage --list-nodes')");
        }
        return new ArrayList<>(nodes.values());
    }

    /**
     * Run-once: if the job already succeeded (or is under way) on any node, every target is
     * skipped; otherwise one live target, chosen at random, runs it and the others are skipped.
     */
    private void placeRunOnce(Job job, Map<String, NodeState> states, Map<String, String> infos,
                              Map<String, String> runOnceInBatch) {
        String holder = runOnceInBatch.get(job.fingerprint());
        boolean done = false;
        if (holder == null) {
            var stored = store.runOnceHolder(job.fingerprint());
            if (stored.isPresent()) {
                holder = stored.get().identity();
                done = stored.get().done();
            }
        }
        if (holder != null) {
            String info = done ? "run-once: already done on " + holder : "run-once: under way on " + holder;
            for (Map.Entry<String, NodeState> target : states.entrySet()) {
                if (target.getValue() == NodeState.QUEUED) {
                    target.setValue(NodeState.SKIPPED);
                    infos.put(target.getKey(), info);
                }
            }
            return;
        }
        List<String> candidates = new ArrayList<>();
        states.forEach((identity, state) -> {
            if (state == NodeState.QUEUED) {
                candidates.add(identity);
            }
        });
        if (candidates.isEmpty()) {
            return;
        }
        Collections.shuffle(candidates, ThreadLocalRandom.current());
        String chosen = candidates.get(0);
        runOnceInBatch.put(job.fingerprint(), chosen);
        for (String identity : candidates) {
            if (!identity.equals(chosen)) {
                states.put(identity, NodeState.SKIPPED);
                infos.put(identity, "run-once: runs on " + chosen);
            }
        }
    }

    /** A node said hello: send it every job it has not finished, oldest first. */
    public void resend(Node node, long now) {
        List<Job> open = store.openJobs(node.identity());
        List<String> sent = new ArrayList<>();
        for (Job job : open) {
            if (!send(node, new Message.Dispatch(job))) {
                break;
            }
            sent.add(job.jobId());
        }
        store.markDispatched(node.identity(), sent, now);
        if (!open.isEmpty()) {
            LOG.info(() -> "sent " + sent.size() + " unfinished job(s) to " + node.identity());
        }
    }

    public void started(Node node, Message.Started started) {
        store.markStarted(node.identity(), started.jobId(), started.startedAt());
    }

    /**
     * A node refused, for capacity, a job the server placed there: the job and the rest of its
     * block go to the next candidate that is alive and connected and does not run the block
     * already; when none is left, the job fails naming every node that refused and why.
     * Returns false when the server did not place it (the refusal is then an ordinary failure).
     */
    private boolean forward(Node node, JobResult refused, long now) {
        var found = forwarding.slot(refused.jobId(), node.identity());
        if (found.isEmpty()) {
            return false;
        }
        CapacityForwarding.Slot slot = found.get();
        String reason = refused.info().substring(JobResult.CAPACITY_REFUSAL.length());
        slot.refusals.add(node.identity() + ": " + reason);
        transfers.revoke(node.identity(), refused.jobId());
        while (!slot.alternatives.isEmpty() && slot.refusals.size() <= maxHops) {
            String next = slot.alternatives.remove(0);
            Optional<Node> candidate = registry.find(next);
            if (candidate.isEmpty() || !candidate.get().isAlive() || !candidate.get().connected()
                    || slot.groupNodes.contains(next)) {
                continue;
            }
            Node to = candidate.get();
            store.forward(slot.jobIds, node.identity(), next, reason, "forwarded to " + next + ": " + node.identity()
                    + " " + refused.info(), now);
            forwarding.moved(slot, next);
            LOG.info(() -> node.identity() + " refused job " + refused.jobId() + " (" + reason + "); forwarded "
                    + slot.jobIds.size() + " job(s) to " + next);
            List<String> sent = new ArrayList<>();
            for (Job job : store.openJobs(next)) {
                if (slot.jobIds.contains(job.jobId()) && send(to, new Message.Dispatch(job))) {
                    sent.add(job.jobId());
                }
            }
            store.markDispatched(next, sent, now);
            return true;
        }
        String info = (slot.refusals.size() > maxHops && !slot.alternatives.isEmpty()
                ? "no node took it within --max-hops " + maxHops + ": " : "no node could take it: ")
                + String.join("; ", slot.refusals);
        store.failForwarding(slot.jobIds, refused.jobId(), node.identity(), reason, info, now);
        forwarding.drop(slot);
        LOG.warning(() -> "job " + refused.jobId() + " failed: " + info);
        return true;
    }

    /** Stores a result, then acknowledges it so the node can forget it. */
    public void result(Node node, JobResult reported, long now) {
        if (reported.capacityRefusal() && forward(node, reported, now)) {
            send(node, new Message.ResultAck(reported.jobId()));
            return;
        }
        forwarding.finished(reported.jobId(), node.identity());
        // Nodes cut their output to the cap they were given; a node that did not is cut here.
        JobResult result = new JobResult(reported.jobId(), reported.state(), reported.exitCode(),
                Limits.capOutput(reported.stdout(), outputCap), Limits.capOutput(reported.stderr(), outputCap),
                reported.info(), reported.executionTime(), reported.startedAt(), reported.finishedAt());
        ServerStore.ResultOutcome outcome = store.recordResult(node.identity(), result, now);
        transfers.revoke(node.identity(), result.jobId());
        if (outcome == ServerStore.ResultOutcome.NOT_SENT_TO_NODE) {
            LOG.warning(() -> "node " + node.identity() + " reported a result for job " + result.jobId()
                    + " that was never sent to it (or was purged); dropped");
        }
        send(node, new Message.ResultAck(result.jobId()));
    }

    /** Nodes went silent: their unfinished jobs fail rather than wait forever. */
    public void expired(List<Node> nodes, long now) {
        store.markExpired(nodes.stream().map(Node::identity).toList());
        for (Node node : nodes) {
            transfers.revokeAll(node.identity());
            int failed = store.failOpenJobs(node.identity(), ServerStore.UNREACHABLE, now);
            if (failed > 0) {
                LOG.warning(() -> failed + " job(s) on " + node.identity() + " failed: " + ServerStore.UNREACHABLE);
            }
        }
    }

    /** An operator removed the node (its key was rejected or deleted): its open jobs fail with {@code info}. */
    public void removed(Node node, String info, long now) {
        transfers.revokeAll(node.identity());
        int failed = store.failOpenJobs(node.identity(), info, now);
        if (failed > 0) {
            LOG.warning(() -> failed + " job(s) on " + node.identity() + " failed: " + info);
        }
    }

    private boolean send(Node node, Message message) {
        if (message instanceof Message.Dispatch dispatch) {
            // Before the send: the node may fetch at once. In an encrypted cluster the job goes with the grant's key.
            message = new Message.Dispatch(transfers.grant(node.identity(), dispatch.job()));
        }
        if (outbound.send(node.routingId(), message)) {
            return true;
        }
        // Disconnected or its queue is full: make it say hello again, which resends what it misses.
        registry.lostConnection(node);
        return false;
    }
}
