package io.director.server.dispatch;

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

    /** @param outputCap bytes of stdout and of stderr kept per job and node, whatever a node sends */
    public JobDispatcher(ServerStore store, NodeRegistry registry, Outbound outbound, int outputCap,
                         TransferPermissions transfers) {
        this.store = Objects.requireNonNull(store, "store");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.outbound = Objects.requireNonNull(outbound, "outbound");
        this.outputCap = outputCap;
        this.transfers = Objects.requireNonNull(transfers, "transfers");
    }

    /** A job and the nodes named for it (empty: every live node). */
    public record Submission(Job job, List<String> targets) {
        public Submission {
            targets = targets == null ? List.of() : List.copyOf(targets);
        }
    }

    /** Stores the jobs (all or none), then sends them to their connected targets. */
    public List<String> submit(List<Submission> submissions, long now) throws SubmissionException {
        List<NewJob> newJobs = new ArrayList<>();
        Map<String, String> runOnceInBatch = new HashMap<>();
        for (Submission submission : submissions) {
            List<Node> targets = resolve(submission.targets());
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

    /** The nodes named (all must be known), or every live node when none is named. */
    List<Node> resolve(List<String> names) throws SubmissionException {
        if (names.isEmpty()) {
            List<Node> alive = registry.alive();
            if (alive.isEmpty()) {
                throw new SubmissionException("no live node to run on: start a client, or check "
                        + "'director manage --list-nodes'");
            }
            return alive;
        }
        List<Node> nodes = new ArrayList<>();
        Set<String> unknown = new LinkedHashSet<>();
        for (String name : new LinkedHashSet<>(names)) {
            registry.find(name).ifPresentOrElse(nodes::add, () -> unknown.add(name));
        }
        if (!unknown.isEmpty()) {
            throw new SubmissionException("unknown target node" + (unknown.size() > 1 ? "s" : "") + " '"
                    + String.join("', '", unknown) + "' (see 'director manage --list-nodes')");
        }
        return nodes;
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

    /** Stores a result, then acknowledges it so the node can forget it. */
    public void result(Node node, JobResult reported, long now) {
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
            transfers.grant(node.identity(), dispatch.job()); // before the send: the node may fetch at once
        }
        if (outbound.send(node.routingId(), message)) {
            return true;
        }
        // Disconnected or its queue is full: make it say hello again, which resends what it misses.
        registry.lostConnection(node);
        return false;
    }
}
