package io.director.server.store;

import io.director.dsl.wire.Job;
import io.director.dsl.wire.NodeState;

import java.util.Map;

/** A job with its per-node outcomes, keyed by node identity in target order. */
public record StoredJob(Job job, long created, Map<String, NodeOutcome> nodes) {

    /** success when every node succeeded or was skipped, failed when all failed, else partial or processing. */
    public String state() {
        if (nodes.isEmpty()) {
            return "success";
        }
        boolean anyOpen = false;
        int good = 0;
        for (NodeOutcome outcome : nodes.values()) {
            if (!outcome.state().isFinal()) {
                anyOpen = true;
            } else if (outcome.state().isSuccessful()) {
                good++;
            }
        }
        if (anyOpen) {
            return "processing";
        }
        if (good == nodes.size()) {
            return "success";
        }
        return good == 0 ? "failed" : "partial";
    }

    public long count(NodeState state) {
        return nodes.values().stream().filter(o -> o.state() == state).count();
    }
}
