package io.director.client.exec;

import io.director.dsl.wire.NodeState;

/**
 * What an executor reports: success or failure, the process exit code where there was one,
 * captured output (already capped) and a short info line.
 */
public record Execution(NodeState state, Integer exitCode, String stdout, String stderr, String info) {

    public static Execution failed(String info) {
        return new Execution(NodeState.FAILED, null, "", "", info);
    }
}
