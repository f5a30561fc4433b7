package io.director.server.dispatch;

import io.director.dsl.placement.Placement;
import io.director.dsl.verb.JailVerb;
import io.director.dsl.verb.VmVerb;
import io.director.dsl.verb.JobParser;
import io.director.dsl.verb.DslException;
import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.NodeReport;
import io.director.server.node.Node;
import io.director.server.node.NodeRegistry;
import io.director.server.store.Deployment;
import io.director.server.store.ServerStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Keeps the scaled blocks of {@code orchestrate --keep} (docs/placement.md): every heartbeat
 * interval it counts each deployment's replicas (live targets whose report holds the project,
 * plus nodes it sent the block to and that have not reported it yet), places the block on more
 * nodes when there are fewer than {@code min} (a holder expired), or one more when a holder is
 * over a threshold, and destroys the project on one holder when there are more than
 * {@code max}, or more than {@code min} and every holder stayed under the thresholds for the
 * stabilisation window. Loop thread only.
 */
public final class DeploymentKeeper {

    private static final Logger LOG = Logger.getLogger(DeploymentKeeper.class.getName());

    private final ServerStore store;
    private final NodeRegistry registry;
    private final JobDispatcher dispatcher;
    private final long intervalMillis;
    /** How long a node the block was just sent to counts as a replica before its report shows it. */
    private final long placingGraceMillis;
    private final Map<String, Kept> kept = new LinkedHashMap<>();
    private long nextEvaluation;

    /** A deployment and what the keeper knows of it now (memory only). */
    private static final class Kept {
        final Deployment deployment;
        final Map<String, Long> placing = new HashMap<>();
        /** Nodes whose replica is being destroyed: no longer counted, even while their report still shows it. */
        final Map<String, Long> removing = new HashMap<>();
        long calmSince;
        String lastAction = "kept";
        List<String> replicas = new ArrayList<>();

        Kept(Deployment deployment) {
            this.deployment = deployment;
        }
    }

    /** A deployment as {@code manage --list-deployments} shows it. */
    public record View(String id, String project, String placement, List<String> targets, List<String> replicas,
                       long created, String lastAction) {
    }

    public DeploymentKeeper(ServerStore store, NodeRegistry registry, JobDispatcher dispatcher, long intervalMillis) {
        this.store = store;
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.intervalMillis = intervalMillis;
        this.placingGraceMillis = Math.max(10_000, 5 * intervalMillis);
    }

    /** The stored deployments, at a server start. */
    public void restore(List<Deployment> deployments) {
        deployments.forEach(d -> kept.put(d.id(), new Kept(d)));
    }

    /**
     * Keeps every scaled group of a submission that was just stored and sent; returns their ids.
     *
     * @param submissions the submission's jobs, with their placements and groups
     */
    public List<String> keep(List<JobDispatcher.Submission> submissions, long now) {
        Map<String, List<JobDispatcher.Submission>> groups = new LinkedHashMap<>();
        for (JobDispatcher.Submission s : submissions) {
            if (s.placement() != null && s.placement().strategy().equals(Placement.SCALE)) {
                groups.computeIfAbsent(s.group() == null ? s.job().jobId() : s.group(), g -> new ArrayList<>()).add(s);
            }
        }
        List<String> ids = new ArrayList<>();
        groups.forEach((group, jobs) -> {
            JobDispatcher.Submission first = jobs.get(0);
            String project = projectOf(jobs);
            Deployment deployment = new Deployment(UUID.randomUUID().toString(), project, first.placement(),
                    first.targets(), jobs.stream().map(JobDispatcher.Submission::job).toList(), now);
            store.saveDeployment(deployment);
            Kept k = new Kept(deployment);
            store.findJobs(List.of(first.job().jobId()), false).stream().findFirst()
                    .ifPresent(job -> job.nodes().keySet().forEach(node -> k.placing.put(node, now)));
            kept.put(deployment.id(), k);
            ids.add(deployment.id());
            LOG.info(() -> "keeping deployment " + deployment.id() + " of project " + project + " ("
                    + first.placement().describe() + ")");
        });
        return ids;
    }

    private static String projectOf(List<JobDispatcher.Submission> jobs) {
        for (JobDispatcher.Submission s : jobs) {
            String project = s.job().definition().text(JailVerb.PROJECT);
            if (project != null) {
                return project;
            }
        }
        return null;
    }

    public List<View> list() {
        List<View> views = new ArrayList<>();
        for (Kept k : kept.values()) {
            Deployment d = k.deployment;
            views.add(new View(d.id(), d.project(), d.placement().describe(), d.targets(), List.copyOf(k.replicas),
                    d.created(),
                    k.lastAction));
        }
        return views;
    }

    /** Forgets a deployment (its workloads stay); its id, or empty when no deployment has that id or unique prefix. */
    public Optional<String> drop(String idOrPrefix) {
        Optional<String> id = kept.keySet().stream().filter(k -> k.equals(idOrPrefix)).findFirst()
                .or(() -> {
                    List<String> matches = kept.keySet().stream().filter(k -> idOrPrefix.length() >= 4
                            && k.startsWith(idOrPrefix)).toList();
                    return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
                });
        id.ifPresent(i -> {
            kept.remove(i);
            store.deleteDeployment(i);
            LOG.info(() -> "dropped deployment " + i);
        });
        return id;
    }

    /** Called every loop tick; evaluates every deployment once per heartbeat interval. */
    public void tick(long now) {
        if (now < nextEvaluation || kept.isEmpty()) {
            return;
        }
        nextEvaluation = now + intervalMillis;
        for (Kept k : kept.values()) {
            try {
                evaluate(k, now);
            } catch (SubmissionException e) {
                k.lastAction = "cannot place: " + e.getMessage();
            } catch (RuntimeException e) {
                k.lastAction = "failed: " + e.getMessage();
                LOG.warning(() -> "deployment " + k.deployment.id() + ": " + e);
            }
        }
    }

    private void evaluate(Kept k, long now) throws SubmissionException {
        Deployment d = k.deployment;
        Placement p = d.placement();
        List<Node> candidates = dispatcher.resolve(d.targets()).stream().filter(Node::isAlive).toList();
        List<Node> holders = new ArrayList<>();
        List<Node> others = new ArrayList<>();
        for (Node node : candidates) {
            boolean reports = PlacementStrategy.holds(node, d.project());
            Long removedAt = k.removing.get(node.identity());
            if (removedAt != null) {
                if (reports && now - removedAt < placingGraceMillis) {
                    continue; // neither a replica nor free for a new one until its report says it is gone
                }
                k.removing.remove(node.identity());
            }
            Long placedAt = k.placing.get(node.identity());
            if (reports || (placedAt != null && now - placedAt < placingGraceMillis)) {
                holders.add(node);
            } else {
                others.add(node);
            }
            if (reports || (placedAt != null && now - placedAt >= placingGraceMillis)) {
                k.placing.remove(node.identity());
            }
        }
        k.placing.keySet().removeIf(n -> candidates.stream().noneMatch(c -> c.identity().equals(n)));
        k.replicas = new ArrayList<>(holders.stream().map(Node::identity).toList());
        boolean over = holders.stream().anyMatch(n -> PlacementStrategy.overThreshold(p, n.report()));
        if (holders.size() < p.min()) {
            add(k, others, p.min() - holders.size(), holders.size() + " replica(s), fewer than min " + p.min(), now);
        } else if (over && holders.size() < p.max() && k.placing.isEmpty()) {
            add(k, others, 1, "over a threshold", now);
        } else if (holders.size() > p.max()) {
            remove(k, holders, "more than max " + p.max(), now);
        } else if (!over && holders.size() > p.min() && k.placing.isEmpty()) {
            if (k.calmSince == 0) {
                k.calmSince = now;
            } else if (now - k.calmSince >= p.stabilizeSeconds() * 1000) {
                remove(k, holders, "under the thresholds for " + p.stabilizeSeconds() + " s", now);
                k.calmSince = now;
            }
        }
        if (over) {
            k.calmSince = 0;
        }
    }

    /** Sends the block to {@code count} more nodes, each chosen as by {@code spread} among the others. */
    private void add(Kept k, List<Node> others, int count, String why, long now) throws SubmissionException {
        List<Node> left = new ArrayList<>(others);
        for (int i = 0; i < count && !left.isEmpty(); i++) {
            List<String> ranked = PlacementStrategy.ranked(left, k.deployment.project());
            String group = "deployment-" + k.deployment.id() + "-" + now + "-" + i;
            String parentId = UUID.randomUUID().toString();
            List<JobDispatcher.Submission> submissions = new ArrayList<>();
            for (Job template : k.deployment.jobs()) {
                String jobId = submissions.isEmpty() ? parentId : UUID.randomUUID().toString();
                Job job = new Job(jobId, parentId, template.name(), template.definition(), template.fingerprint(),
                        Job.MAIN_QUEUE, template.files());
                submissions.add(new JobDispatcher.Submission(job, ranked, Placement.of(Placement.SPREAD), group));
            }
            dispatcher.submit(submissions, now);
            String node = store.targetStates(parentId).keySet().stream().findFirst().orElse(ranked.get(0));
            k.placing.put(node, now);
            k.replicas.add(node);
            left.removeIf(n -> n.identity().equals(node));
            k.lastAction = why + ": placed on " + node;
            LOG.info(() -> "deployment " + k.deployment.id() + ": " + k.lastAction);
        }
        if (left.isEmpty() && count > others.size()) {
            k.lastAction = why + ": no other live target to place on";
        }
    }

    /** Destroys the project's workloads on the holder with the least free capacity. */
    private void remove(Kept k, List<Node> holders, String why, long now) throws SubmissionException {
        List<String> ranked = PlacementStrategy.ranked(holders, null);
        Node worst = registry.find(ranked.get(ranked.size() - 1)).orElseThrow();
        List<JobDispatcher.Submission> submissions = new ArrayList<>();
        String parentId = UUID.randomUUID().toString();
        for (NodeReport.Workload w : worst.report() == null ? List.<NodeReport.Workload>of()
                : worst.report().workloads()) {
            if (!k.deployment.project().equals(w.project())) {
                continue;
            }
            String verb = w.kind().equals(NodeReport.Workload.VM) ? VmVerb.NAME : JailVerb.NAME;
            JobDefinition definition;
            try {
                definition = JobParser.standard().parse(verb, "--force destroy " + w.name());
            } catch (DslException e) {
                throw new SubmissionException("cannot destroy " + w.name() + ": " + e.getMessage());
            }
            String jobId = submissions.isEmpty() ? parentId : UUID.randomUUID().toString();
            submissions.add(new JobDispatcher.Submission(new Job(jobId, parentId, "scale down "
                    + k.deployment.project(), definition, Fingerprint.of(definition), Job.MAIN_QUEUE, List.of()),
                    List.of(worst.identity())));
        }
        if (!submissions.isEmpty()) {
            dispatcher.submit(submissions, now);
            k.removing.put(worst.identity(), now);
            k.lastAction = why + ": removed from " + worst.identity();
            k.replicas.remove(worst.identity());
            LOG.info(() -> "deployment " + k.deployment.id() + ": " + k.lastAction);
        }
    }
}
