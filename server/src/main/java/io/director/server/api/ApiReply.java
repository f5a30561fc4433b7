package io.director.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.director.dsl.verb.JobDefinition;
import io.director.server.dispatch.DeploymentKeeper;
import io.director.server.dispatch.PlacementStrategy;
import io.director.server.node.NodeKeys;
import io.director.server.store.Hop;
import io.director.server.node.NodeView;

import java.util.List;
import java.util.Map;

/** Replies on the UNIX socket. Field names follow spec/cli.md's {@code --json} section. */
public final class ApiReply {

    private ApiReply() {
    }

    /** What went wrong, and what kind of wrong: {@code invalid}, {@code not_found} or {@code internal}. */
    public record Failure(String error, String kind) {
        public static final String INVALID = "invalid";
        public static final String NOT_FOUND = "not_found";
        public static final String INTERNAL = "internal";
    }

    public record JobIds(List<String> jobIds) {
    }

    public record Nodes(List<NodeView> nodes) {
    }

    public record Jobs(List<JobView> jobs) {
    }

    public record Purged(int purged) {
    }

    /** {@code --plan}: each job (in submission order) with its outcome per node, and each block's placement choice. */
    public record Plan(List<PlannedJob> jobs, List<PlacementStrategy.Choice> placements) {
    }

    /** {@code --list-deployments}: the kept deployments. */
    public record Deployments(List<DeploymentKeeper.View> deployments) {
    }

    /** {@code --drop-deployment}: the id of the deployment no longer kept. */
    public record Dropped(String dropped) {
    }

    /** {@code --list-workloads}: every jail and VM the nodes report. */
    public record Workloads(List<WorkloadView> workloads) {
    }

    /**
     * One jail or VM: the node it runs on and that node's state, then the workload as the node
     * reports it (sizes in bytes, 0 when not limited).
     */
    public record WorkloadView(String node, String nodeState, String kind, String name, String state, String project,
                               long memory, double cpus, long disk) {
    }

    /** @param nodes outcome per node: run, cached, done-once, unchanged, always, unreachable or no answer */
    public record PlannedJob(String name, String verb, String fingerprint, Map<String, String> nodes) {
    }

    /** A job with its state on each target node. */
    public record JobView(String jobId, String parentId, String name, String verb, JobDefinition definition,
                          String fingerprint, String state, String created, Map<String, NodeResult> nodes,
                          Map<String, Long> counts, Double executionTime, List<Hop> hops) {
    }

    /** One job on one node; stdout and stderr are left out of listings. */
    public record NodeResult(String state, Integer exitCode,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String stdout,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String stderr,
                             String info, Double executionTime, Double roundtripTime) {
    }

    /**
     * {@code keys list}: whether the node ports are encrypted, the server's public key and its
     * fingerprint (null without encryption), and every node key.
     */
    public record Keys(boolean encrypted, String serverKey, String serverFingerprint, List<NodeKeys.KeyView> keys) {
    }

    /** {@code keys accept|reject|delete}: what was done to which keys. */
    public record KeysChanged(String action, List<NodeKeys.KeyView> keys) {
    }
}
