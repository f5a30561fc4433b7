package io.director.server.store;

import io.director.dsl.wire.Job;
import io.director.dsl.wire.NodeState;

import java.util.Map;

/**
 * A job to store, with the first state of each target (queued, or already final when the
 * dispatcher decided at submission, e.g. run-once skipped or node unreachable) and its info.
 */
public record NewJob(Job job, Map<String, NodeState> states, Map<String, String> infos) {

    public NewJob {
        states = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(states));
        infos = Map.copyOf(infos);
    }
}
