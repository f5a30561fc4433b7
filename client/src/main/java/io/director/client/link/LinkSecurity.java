package io.director.client.link;

import io.director.dsl.wire.CurveKeys;
import org.zeromq.ZMQ;

import java.util.Objects;

/**
 * How a node's sockets talk to the server: CurveZMQ with the node's own key pair and the server
 * public key it pinned (the default), or plaintext ({@code --encryption none}).
 *
 * @param keys      the node's key pair, or null for plaintext
 * @param serverKey the server's public key (Z85), or null for plaintext
 * @param source    where the server key came from, for messages ("given by --server-key", …)
 */
public record LinkSecurity(CurveKeys keys, String serverKey, String source) {

    public LinkSecurity {
        if ((keys == null) != (serverKey == null)) {
            throw new IllegalArgumentException("CURVE needs both the node's key pair and the server's public key");
        }
        if (serverKey != null && !CurveKeys.isKey(serverKey)) {
            throw new IllegalArgumentException("the server key is not a CurveZMQ public key (40 Z85 characters)");
        }
    }

    public static LinkSecurity curve(CurveKeys keys, String serverKey, String source) {
        return new LinkSecurity(Objects.requireNonNull(keys, "keys"), Objects.requireNonNull(serverKey, "serverKey"),
                source);
    }

    public static LinkSecurity curve(CurveKeys keys, String serverKey) {
        return curve(keys, serverKey, "given");
    }

    public static LinkSecurity plaintext() {
        return new LinkSecurity(null, null, null);
    }

    public boolean encrypted() {
        return keys != null;
    }

    /** The client's own public key, or null for plaintext (what a shared-key proof is bound to). */
    public String publicKey() {
        return keys == null ? null : keys.publicKey();
    }

    /** Makes a socket a CURVE client of the server, before it connects. */
    public void applyTo(ZMQ.Socket socket) {
        if (keys != null) {
            socket.setCurvePublicKey(keys.publicKeyBytes());
            socket.setCurveSecretKey(keys.secretKeyBytes());
            socket.setCurveServerKey(ZMQ.Curve.z85Decode(serverKey));
        }
    }

    @Override
    public String toString() {
        return keys == null ? "plaintext" : "curve (server key " + serverKey + ")";
    }
}
