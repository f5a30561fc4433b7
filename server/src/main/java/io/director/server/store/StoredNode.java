package io.director.server.store;

import java.util.Map;

/** A node as kept in the datastore. Times are epoch milliseconds; {@code expired} once it went silent. */
public record StoredNode(String identity, String machineId, String routingId, String version,
                         Map<String, String> labels, Map<String, String> facts, long startedAt, long firstSeen,
                         long lastHeartbeat, boolean expired) {

    public StoredNode {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        facts = facts == null ? Map.of() : Map.copyOf(facts);
    }
}
