package io.director.server.node;

import java.util.Map;

/**
 * An immutable snapshot of a node for the API (spec: cli.md, {@code --list-nodes}).
 * {@code expiresIn} is seconds until it is expired (0 once it is), times are epoch milliseconds.
 */
public record NodeView(String identity, String state, double expiresIn, String version, String machineId,
                       Map<String, String> labels, long lastHeartbeat, long startedAt, Map<String, String> facts) {
}
