package io.director.server.store;

/**
 * A node's CurveZMQ public key as the server keeps it: which identity presented it, whether it
 * is {@code pending}, {@code accepted} or {@code rejected}, and when and where it was seen
 * (epoch milliseconds; the peer's address).
 */
public record StoredKey(String publicKey, String identity, String state, String machineId, String address,
                        long firstSeen, long lastSeen) {
}
