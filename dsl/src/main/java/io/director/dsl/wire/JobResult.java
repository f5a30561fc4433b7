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
