package io.director.server.node;

import io.director.dsl.wire.NodeReport;

import java.util.Map;

/**
 * An immutable snapshot of a node for the API (spec: cli.md, {@code --list-nodes}).
 * {@code expiresIn} is seconds until it is expired (0 once it is), times are epoch milliseconds.
 * {@code report} is the node's last capacity report (resources, limits, jails and VMs), or null
 * when it has sent none since this server started.
 */
public record NodeView(String identity, String state, double expiresIn, String version, String machineId,
                       Map<String, String> labels, long lastHeartbeat, long startedAt, Map<String, String> facts,
                       NodeReport report) {
}
