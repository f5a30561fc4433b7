package io.director.server.transport;

import io.director.dsl.wire.Message;

/** Sends messages to nodes. Loop thread only. */
public interface Outbound {

    /**
     * Queues a message for the peer on this connection (its routing id) without blocking. Returns false when
     * the peer is not connected or its queue is full; the caller keeps the work for later.
     */
    boolean send(String connection, Message message);
}
