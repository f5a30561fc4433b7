package io.director.server.dispatch;

import io.director.dsl.DirectorVersion;
import io.director.dsl.placement.Placement;
import io.director.dsl.wire.HelloProof;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.NodeReport;
import io.director.server.node.HelloCheck;
import io.director.server.node.Node;
import io.director.server.node.NodeRegistry;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each strategy over nodes enrolled in a real registry, with the capacity reports their hellos carry. */
class PlacementStrategyTest {

    private static final long GIB = 1L << 30;

    private final NodeRegistry registry = new NodeRegistry(1000, new HelloCheck(null));
    private final PlacementStrategy strategy = new PlacementStrategy(new Random(7));

    private Node node(String identity, long memoryFree, double load, String... projects) {
        List<NodeReport.Workload> workloads = java.util.Arrays.stream(projects)
                .map(p -> new NodeReport.Workload("jail", p + "-" + identity, "created", p, 0, 0, 0)).toList();
        NodeReport report = new NodeReport(4, 16 * GIB, memoryFree, 100 * GIB, load, NodeReport.Limits.NONE,
                workloads);
        Message.Hello hello = new Message.Hello(DirectorVersion.PROTOCOL, identity, "m-" + identity, "0.1.0",
                Map.of(), 1, HelloProof.newNonce(), null, Map.of(), report);
        return registry.enrol("r-" + identity, null, hello, 10).node();
    }

    @Test
    void spreadPrefersFewestReplicasThenMostFreeCapacityAndListsTheOthersAsAlternatives() throws Exception {
        Node a = node("a", 12 * GIB, 0, "web");
        Node b = node("b", 4 * GIB, 0);
        Node c = node("c", 8 * GIB, 0);
        PlacementStrategy.Choice choice = strategy.choose(Placement.of("spread"), "web", List.of(a, b, c),
                registry.alive());
        assertEquals(List.of("c"), choice.nodes(), "a holds the project; c has more free memory than b");
        assertEquals(Map.of("c", List.of("b", "a")), choice.alternatives());
    }

    @Test
    void loadLowersTheScore() {
        Node idle = node("idle", 8 * GIB, 0);
        Node busy = node("busy", 9 * GIB, 4);
        assertEquals(List.of("idle", "busy"), PlacementStrategy.ranked(List.of(busy, idle), null),
                "a load of 1 per CPU weighs more than 1/16 of the memory");
    }

    @Test
    void onceDoesNothingWhenAnyLiveNodeHoldsTheProject() throws Exception {
        Node a = node("a", 8 * GIB, 0);
        Node b = node("b", 8 * GIB, 0, "shop");
        PlacementStrategy.Choice choice = strategy.choose(Placement.of("once"), "shop", List.of(a), registry.alive());
        assertEquals(List.of(), choice.nodes(), "b is no target but holds the project: " + choice.reason());
        PlacementStrategy.Choice blog = strategy.choose(Placement.of("once"), "blog", List.of(a, b), registry.alive());
        assertEquals(List.of("a"), blog.nodes(), "nobody holds blog: the best target, a tie kept in target order");
        assertEquals(Map.of("a", List.of("b")), blog.alternatives());
    }

    @Test
    void eachKeepsTheHoldersAndAddsOneNode() throws Exception {
        Node a = node("a", 8 * GIB, 0, "blog");
        Node b = node("b", 4 * GIB, 0);
        Node c = node("c", 6 * GIB, 0);
        assertEquals(List.of("a", "c"), strategy.choose(Placement.of("each"), "blog", List.of(a, b, c),
                registry.alive()).nodes());
        Node all = node("d", 6 * GIB, 0, "blog");
        assertEquals(List.of("a", "d"), strategy.choose(Placement.of("each"), "blog", List.of(a, all),
                registry.alive()).nodes(), "every target holds it: only those");
    }

    @Test
    void scaleBringsReplicasToMinAndAddsOneOverAThreshold() throws Exception {
        Node a = node("a", 1 * GIB, 0, "api");
        Node b = node("b", 8 * GIB, 0);
        Node c = node("c", 6 * GIB, 0);
        List<Node> targets = List.of(a, b, c);
        assertEquals(List.of("a", "b"), strategy.choose(Placement.scale(2, 3, null, null, null), "api", targets,
                registry.alive()).nodes(), "one replica, min 2");
        assertEquals(List.of("a"), strategy.choose(Placement.scale(1, 3, null, null, null), "api", targets,
                registry.alive()).nodes(), "within bounds, no threshold");
        PlacementStrategy.Choice hot = strategy.choose(Placement.scale(1, 3, null, 0.9, null), "api", targets,
                registry.alive());
        assertEquals(List.of("a", "b"), hot.nodes(), "a uses 15/16 of its memory: " + hot.reason());
        assertEquals(List.of("a"), strategy.choose(Placement.scale(1, 1, null, 0.9, null), "api", targets,
                registry.alive()).nodes(), "never past max");
    }

    @Test
    void randomPicksEveryTargetOverManyDrawsAndSingleOnlyALiveTarget() throws Exception {
        Node a = node("a", 8 * GIB, 0);
        Node b = node("b", 8 * GIB, 0);
        Node c = node("c", 8 * GIB, 0);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            PlacementStrategy.Choice choice = strategy.choose(Placement.of("random"), null, List.of(a, b, c),
                    registry.alive());
            assertEquals(1, choice.nodes().size());
            assertEquals(2, choice.alternatives().get(choice.nodes().get(0)).size());
            seen.addAll(choice.nodes());
        }
        assertEquals(Set.of("a", "b", "c"), seen);
        assertEquals(List.of("b"), strategy.choose(Placement.single("b"), null, List.of(a, b), registry.alive())
                .nodes());
        SubmissionException e = assertThrows(SubmissionException.class,
                () -> strategy.choose(Placement.single("c"), null, List.of(a, b), registry.alive()));
        assertTrue(e.getMessage().contains("'c' is not a live target (live targets: a, b)"), e.getMessage());
    }
}
