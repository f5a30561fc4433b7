package io.director.server.dispatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The nodes the server chose for a block, and where each block's work goes if its node refuses
 * it for capacity: the block's jobs, the alternatives left (best first), the refusals so far.
 * Kept in memory on the loop thread only: after a server restart a refusal fails the job as it is.
 */
final class CapacityForwarding {

    /** One node's share of a placed block. */
    static final class Slot {
        final List<String> jobIds;
        final List<String> alternatives;
        final Set<String> groupNodes;
        final List<String> refusals = new ArrayList<>();
        String node;

        Slot(List<String> jobIds, String node, List<String> alternatives, Set<String> groupNodes) {
            this.jobIds = List.copyOf(jobIds);
            this.node = node;
            this.alternatives = new ArrayList<>(alternatives);
            this.groupNodes = groupNodes;
        }
    }

    private final Map<String, Slot> byJobAndNode = new HashMap<>();

    /** A node chosen by the server for these jobs, with where to go next if it refuses them. */
    void add(List<String> jobIds, String node, List<String> alternatives, Set<String> groupNodes) {
        Slot slot = new Slot(jobIds, node, alternatives, groupNodes);
        jobIds.forEach(id -> byJobAndNode.put(key(id, node), slot));
    }

    /** The slot a refused job belongs to on that node, if the server placed it there. */
    Optional<Slot> slot(String jobId, String node) {
        return Optional.ofNullable(byJobAndNode.get(key(jobId, node)));
    }

    /** The slot's work went to {@code to}. */
    void moved(Slot slot, String to) {
        slot.jobIds.forEach(id -> byJobAndNode.remove(key(id, slot.node)));
        slot.node = to;
        slot.groupNodes.add(to);
        slot.jobIds.forEach(id -> byJobAndNode.put(key(id, to), slot));
    }

    /** Nowhere left to go. */
    void drop(Slot slot) {
        slot.jobIds.forEach(id -> byJobAndNode.remove(key(id, slot.node)));
    }

    /** A job finished on a node without a refusal: nothing more to forward for it there. */
    void finished(String jobId, String node) {
        byJobAndNode.remove(key(jobId, node));
    }

    int size() {
        return byJobAndNode.size();
    }

    static Set<String> groupNodes(List<String> nodes) {
        return new LinkedHashSet<>(nodes);
    }

    private static String key(String jobId, String node) {
        return jobId + '\u0000' + node;
    }
}
