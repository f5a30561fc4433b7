package io.director.server.transport;

import io.director.dsl.wire.Message;

/** What the loop calls for traffic from nodes. Called on the loop thread only; must not block long. */
public interface InboundHandler {

    /** A decoded message from this peer. */
    void onMessage(Peer peer, Message message);

    /** Bytes from a peer that are not a valid message; {@code reason} says why. */
    void onMalformed(Peer peer, String reason);

    /** Called about every {@link ServerLoop#TICK_MILLIS} ms for timers (expiry, flushing). */
    void onTick(long now);
}
