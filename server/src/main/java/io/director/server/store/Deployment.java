package io.director.server.store;

import io.director.dsl.placement.Placement;
import io.director.dsl.wire.Job;

import java.util.List;

/**
 * A scaled block kept by {@code orchestrate --keep}: the server keeps its project's replicas
 * between the placement's min and max on the block's targets, re-evaluating every heartbeat
 * interval, until the deployment is dropped. Stored, so it outlives a server restart.
 *
 * @param jobs the block's jobs as first submitted; each placement sends copies with new ids
 */
public record Deployment(String id, String project, Placement placement, List<String> targets, List<Job> jobs,
                         long created) {

    public Deployment {
        targets = List.copyOf(targets);
        jobs = List.copyOf(jobs);
    }
}
