package io.director.server.store;

import io.director.dsl.wire.NodeState;

/**
 * One job's state on one node, as stored. Times are epoch milliseconds (0: not yet);
 * stdout and stderr are null when the caller asked for the job without its output.
 */
public record NodeOutcome(String identity, NodeState state, Integer exitCode, String stdout, String stderr,
                          String info, long dispatchedAt, long startedAt, long finishedAt, Double executionTime,
                          Double roundtripTime) {
}
