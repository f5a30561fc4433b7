package io.director.server.transport;

/**
 * Where a message came from: the connection (the routing id the ROUTER gave it, unforgeable by
 * the peer), the peer's CurveZMQ public key as ZAP authenticated it (null without encryption),
 * and its network address (for logs).
 */
public record Peer(String connection, String publicKey, String address) {

    /** For logs: the address (or the connection when it is unknown), and the key's fingerprint. */
    public String describe() {
        String where = address != null ? address : "connection " + connection;
        return publicKey == null || !io.director.dsl.wire.CurveKeys.isKey(publicKey) ? where
                : where + ", key " + io.director.dsl.wire.CurveKeys.shortFingerprint(publicKey);
    }
}
