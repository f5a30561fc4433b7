package io.director.server.transport;

import io.director.dsl.wire.CurveKeys;
import org.zeromq.ZMQ;

/**
 * How the server's ZeroMQ sockets are protected: CurveZMQ with the server's key pair (the
 * default), or nothing ({@code --encryption none}, for benchmarks on a trusted loopback).
 *
 * @param keys the server's key pair, or null for plaintext
 */
public record WireSecurity(CurveKeys keys) {

    /** The ZAP domain of the server's sockets. */
    static final String ZAP_DOMAIN = "director";

    public static WireSecurity curve(CurveKeys keys) {
        return new WireSecurity(java.util.Objects.requireNonNull(keys, "keys"));
    }

    public static WireSecurity plaintext() {
        return new WireSecurity(null);
    }

    public boolean encrypted() {
        return keys != null;
    }

    /** Makes a socket a CURVE server, before it binds. */
    void applyTo(ZMQ.Socket socket) {
        if (keys != null) {
            socket.setCurveServer(true);
            socket.setCurveSecretKey(keys.secretKeyBytes());
            socket.setZAPDomain(ZAP_DOMAIN);
        }
    }

    @Override
    public String toString() {
        return keys == null ? "plaintext" : "curve (server key " + keys.publicKey() + ")";
    }
}
