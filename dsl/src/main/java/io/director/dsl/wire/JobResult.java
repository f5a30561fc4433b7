package io.director.dsl.wire;

import java.util.Objects;

/**
 * The outcome of one job on one node.
 *
 * @param state         {@code success}, {@code skipped}, {@code failed} (never a non-final state)
 * @param exitCode      the process exit code where there was a process, else null
 * @param info          a short human explanation (cached, timeout after 5 s, …), or null
 * @param executionTime seconds the job ran on the node
 * @param startedAt     epoch milliseconds on the node
 * @param finishedAt    epoch milliseconds on the node
 */
public record JobResult(String jobId, NodeState state, Integer exitCode, String stdout, String stderr, String info,
                        double executionTime, long startedAt, long finishedAt) {

    /**
     * How the info of a failed {@code JAIL}/{@code VM create} starts when the node refused it
     * because one of its limits would be exceeded; the server then forwards the work to another
     * node (protocol.md, "Capacity refusals").
     */
    public static final String CAPACITY_REFUSAL = "refused for capacity: ";

    /** Whether this is a node's capacity refusal, which the server may forward elsewhere. */
    public boolean capacityRefusal() {
        return state == NodeState.FAILED && info != null && info.startsWith(CAPACITY_REFUSAL);
    }

    public JobResult {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(state, "state");
        if (!state.isFinal()) {
            throw new IllegalArgumentException("a result needs a final state, not " + state.wireName());
        }
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
    }
}
