package io.director.server.dispatch;

import io.director.dsl.placement.Placement;
import io.director.dsl.wire.NodeReport;
import io.director.server.node.Node;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Chooses, among a block's live targets, the nodes that run it, by the block's placement
 * (docs/placement.md). Pure: it reads the nodes' last capacity reports and decides; the
 * dispatcher stores and sends. Each node chosen by the server (rather than named by the user)
 * comes with the other candidates in order of preference, where the work goes when that node
 * refuses it for capacity.
 */
public final class PlacementStrategy {

    /** How much one unit of load per CPU weighs against the share of free memory in a node's score. */
    static final double LOAD_WEIGHT = 0.5;

    private final Random random;
    private final Map<String, Rule> rules = rules();

    public PlacementStrategy(Random random) {
        this.random = random;
    }

    /**
     * The nodes chosen, in order; for each the alternatives (best first) if it refuses; and one
     * line saying why, for {@code --plan} and the logs.
     */
    public record Choice(String strategy, List<String> nodes, Map<String, List<String>> alternatives, String reason) {
        public Choice {
            nodes = List.copyOf(nodes);
            alternatives = Collections.unmodifiableMap(new LinkedHashMap<>(alternatives));
        }
    }

    /**
     * @param project    the block's project (needed by once, each and scale)
     * @param candidates the block's live targets, in target order
     * @param alive      every live node (once looks at all of them)
     */
    public Choice choose(Placement placement, String project, List<Node> candidates, Collection<Node> alive)
            throws SubmissionException {
        String strategy = placement.strategy();
        if (candidates.isEmpty() && !strategy.equals(Placement.ONCE)) {
            throw new SubmissionException("placement '" + placement.describe() + "': no live target to choose from");
        }
        Rule rule = rules.get(strategy);
        if (rule == null) {
            throw new SubmissionException("unknown placement '" + strategy + "'");
        }
        return rule.choose(placement, project, candidates, alive);
    }

    /** One strategy's choice; the table below holds one per strategy name. */
    @FunctionalInterface
    private interface Rule {
        Choice choose(Placement placement, String project, List<Node> candidates, Collection<Node> alive)
                throws SubmissionException;
    }

    /** Every strategy, by name: a lookup, not a switch, so a new one is one line here. */
    private Map<String, Rule> rules() {
        return Map.of(
                Placement.ALL, (p, project, candidates, alive) -> new Choice(Placement.ALL,
                        candidates.stream().map(Node::identity).toList(), Map.of(), "every target"),
                Placement.SINGLE, (p, project, candidates, alive) -> single(p,
                        candidates.stream().map(Node::identity).toList()),
                Placement.RANDOM, (p, project, candidates, alive) -> random(candidates),
                Placement.SPREAD, (p, project, candidates, alive) -> oneOf(Placement.SPREAD,
                        ranked(candidates, project), "fewest of the project's workloads, then most free capacity"),
                Placement.ONCE, (p, project, candidates, alive) -> once(project, candidates, alive),
                Placement.EACH, (p, project, candidates, alive) -> each(project, candidates),
                Placement.SCALE, (p, project, candidates, alive) -> scale(p, project, candidates));
    }

    private static Choice single(Placement placement, List<String> names) throws SubmissionException {
        if (!names.contains(placement.node())) {
            throw new SubmissionException("placement 'single: " + placement.node() + "': '" + placement.node()
                    + "' is not a live target (live targets: " + String.join(", ", names) + ")");
        }
        return new Choice(Placement.SINGLE, List.of(placement.node()), Map.of(), "the node named");
    }

    private Choice random(List<Node> candidates) {
        List<String> shuffled = new ArrayList<>(candidates.stream().map(Node::identity).toList());
        Collections.shuffle(shuffled, random);
        return new Choice(Placement.RANDOM, List.of(shuffled.get(0)), Map.of(shuffled.get(0),
                shuffled.subList(1, shuffled.size())), "chosen at random");
    }

    private static Choice oneOf(String strategy, List<String> ranked, String reason) {
        return new Choice(strategy, List.of(ranked.get(0)), Map.of(ranked.get(0), ranked.subList(1, ranked.size())),
                reason);
    }

    private static Choice once(String project, List<Node> candidates, Collection<Node> alive)
            throws SubmissionException {
        List<String> holders = alive.stream().filter(n -> holds(n, project)).map(Node::identity).toList();
        if (!holders.isEmpty()) {
            return new Choice(Placement.ONCE, List.of(), Map.of(), "project '" + project + "' is already on "
                    + String.join(", ", holders) + ": nothing to do");
        }
        if (candidates.isEmpty()) {
            throw new SubmissionException("placement 'once': no live target to choose from");
        }
        return oneOf(Placement.ONCE, ranked(candidates, project), "no node has project '" + project
                + "' yet: the one with the most free capacity");
    }

    private static Choice each(String project, List<Node> candidates) {
        List<String> holders = candidates.stream().filter(n -> holds(n, project)).map(Node::identity).toList();
        List<Node> others = candidates.stream().filter(n -> !holds(n, project)).toList();
        if (others.isEmpty()) {
            return new Choice(Placement.EACH, holders, Map.of(), "every target has project '" + project
                    + "' already");
        }
        List<String> ranked = ranked(others, project);
        List<String> nodes = new ArrayList<>(holders);
        nodes.add(ranked.get(0));
        return new Choice(Placement.EACH, nodes, Map.of(ranked.get(0), ranked.subList(1, ranked.size())),
                (holders.isEmpty() ? "no target has project '" + project + "' yet" : "project '" + project + "' is on "
                        + String.join(", ", holders)) + ": one more node, " + ranked.get(0));
    }

    private static Choice scale(Placement placement, String project, List<Node> candidates) {
        List<Node> holders = candidates.stream().filter(n -> holds(n, project)).toList();
        List<String> holderNames = holders.stream().map(Node::identity).toList();
        int want = Math.max(placement.min(), Math.min(placement.max(), holders.size()));
        String reason;
        List<String> over = holders.stream().filter(n -> overThreshold(placement, n.report())).map(Node::identity)
                .toList();
        if (holders.size() < placement.min()) {
            reason = holders.size() + " replica(s), fewer than min " + placement.min();
        } else if (holders.size() > placement.max()) {
            reason = holders.size() + " replica(s), more than max " + placement.max() + ": the extra ones are left "
                    + "as they are (a kept deployment removes them)";
        } else if (!over.isEmpty() && holders.size() < placement.max()) {
            want = holders.size() + 1;
            reason = "over the threshold on " + String.join(", ", over) + ": one more replica";
        } else {
            reason = holders.size() + " replica(s), within " + placement.min() + ".." + placement.max();
        }
        List<String> ranked = ranked(candidates.stream().filter(n -> !holds(n, project)).toList(), project);
        List<String> nodes = new ArrayList<>(holderNames);
        Map<String, List<String>> alternatives = new LinkedHashMap<>();
        int adding = Math.max(0, Math.min(want - holders.size(), ranked.size()));
        for (int i = 0; i < adding; i++) {
            nodes.add(ranked.get(i));
            alternatives.put(ranked.get(i), ranked.subList(adding, ranked.size()));
        }
        if (adding < want - holders.size()) {
            reason += "; only " + adding + " more node(s) to add";
        }
        return new Choice(Placement.SCALE, nodes, alternatives, reason);
    }

    /** Whether a node's last report is over one of the block's thresholds. */
    static boolean overThreshold(Placement placement, NodeReport report) {
        if (report == null) {
            return false;
        }
        if (placement.loadAbove() != null && report.cpus() > 0 && report.load() >= 0
                && report.load() / report.cpus() > placement.loadAbove()) {
            return true;
        }
        return placement.memoryAbove() != null && report.memoryTotal() > 0 && report.memoryFree() >= 0
                && 1.0 - (double) report.memoryFree() / report.memoryTotal() > placement.memoryAbove();
    }

    static boolean holds(Node node, String project) {
        return project != null && node.report() != null && node.report().holdsProject(project);
    }

    /**
     * Candidates best first: fewest workloads of the project, then highest {@link #score}, then
     * target order (the sort is stable).
     */
    static List<String> ranked(List<Node> candidates, String project) {
        Function<Node, Long> replicas = n -> project == null || n.report() == null ? 0L
                : n.report().workloads().stream().filter(w -> project.equals(w.project())).count();
        return candidates.stream()
                .sorted(Comparator.comparing(replicas).thenComparing(n -> -score(n.report())))
                .map(Node::identity).toList();
    }

    /**
     * Free capacity as one number: the share of memory free beyond the node's reserve, less
     * {@value #LOAD_WEIGHT} times its load per CPU (at most 1). A node with no report scores
     * below every node with one.
     */
    static double score(NodeReport report) {
        if (report == null || report.memoryTotal() <= 0 || report.memoryFree() < 0) {
            return -10;
        }
        double memory = (double) (report.memoryFree() - report.limits().reserveMemory()) / report.memoryTotal();
        double load = report.cpus() > 0 && report.load() >= 0 ? Math.min(1, report.load() / report.cpus()) : 0;
        return memory - LOAD_WEIGHT * load;
    }
}
