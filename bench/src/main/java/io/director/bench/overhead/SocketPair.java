package io.director.bench.overhead;

import io.director.client.link.LinkSecurity;
import io.director.dsl.wire.CurveKeys;
import io.director.dsl.wire.Limits;
import io.director.server.transport.RouterSockets;
import io.director.server.transport.WireSecurity;
import io.director.server.transport.ZapHandler;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A server ROUTER and a node DEALER on loopback, each in its own context, made the way the server
 * and the node's link make theirs (the server's own socket options, ZAP handler and CURVE keys),
 * and connected: the DEALER's first message has told the ROUTER its routing id.
 */
final class SocketPair implements AutoCloseable {

    private static final int HANDSHAKE_IVL_MILLIS = 10_000;
    private static final int CONNECT_WAIT_MILLIS = 3 * HANDSHAKE_IVL_MILLIS + 1000;
    private static final int RECEIVE_TIMEOUT_MILLIS = 30_000;
    private static final int PER_PEER_QUEUE = 100_000;

    final ZMQ.Socket router;
    final ZMQ.Socket dealer;
    final byte[] routingId;
    /** How long the DEALER's first message took to arrive (handshake included). */
    final long connectMillis;
    private final ZContext serverContext;
    private final ZContext nodeContext;
    private final ZapHandler zap;

    private SocketPair(ZContext serverContext, ZContext nodeContext, ZapHandler zap, ZMQ.Socket router,
                       ZMQ.Socket dealer, byte[] routingId, long connectMillis) {
        this.serverContext = serverContext;
        this.nodeContext = nodeContext;
        this.zap = zap;
        this.router = router;
        this.dealer = dealer;
        this.routingId = routingId;
        this.connectMillis = connectMillis;
    }

    /** Opens and connects a pair; {@code first} is the DEALER's first message (a hello would be). */
    static SocketPair open(boolean encrypted, byte[] first) {
        CurveKeys serverKeys = encrypted ? CurveKeys.generate() : null;
        WireSecurity serverSecurity = encrypted ? WireSecurity.curve(serverKeys) : WireSecurity.plaintext();
        ZContext serverContext = new ZContext();
        ZapHandler zap = ZapHandler.install(serverContext, serverSecurity);
        ZMQ.Socket router = RouterSockets.bind(serverContext, "127.0.0.1", 0, Limits.MAX_MESSAGE_BYTES,
                PER_PEER_QUEUE, serverSecurity);
        int port = RouterSockets.boundPort(router);

        ZContext nodeContext = new ZContext();
        ZMQ.Socket dealer = nodeContext.createSocket(SocketType.DEALER);
        LinkSecurity nodeSecurity = encrypted ? LinkSecurity.curve(CurveKeys.generate(), serverKeys.publicKey())
                : LinkSecurity.plaintext();
        nodeSecurity.applyTo(dealer);
        dealer.setLinger(0);
        dealer.setMaxMsgSize(Limits.MAX_MESSAGE_BYTES);
        dealer.setHandshakeIvl(HANDSHAKE_IVL_MILLIS);
        dealer.setRcvHWM(PER_PEER_QUEUE);
        dealer.setSndHWM(PER_PEER_QUEUE);
        dealer.connect("tcp://127.0.0.1:" + port);
        long connecting = System.nanoTime();
        dealer.send(first, 0);
        // A fresh connection here sometimes sits out a whole handshake interval, with or without
        // CURVE, then connects again: wait for a few of them.
        router.setReceiveTimeOut(CONNECT_WAIT_MILLIS);
        byte[] routingId = router.recv(0);
        if (routingId == null) {
            nodeContext.close();
            if (zap != null) {
                zap.close();
            }
            serverContext.close();
            throw new IllegalStateException("the DEALER's first message did not reach the ROUTER within "
                    + CONNECT_WAIT_MILLIS + " ms (" + (encrypted ? "CURVE" : "plaintext") + ")");
        }
        while (router.hasReceiveMore()) {
            router.recv(0);
        }
        long connectMillis = (System.nanoTime() - connecting) / 1_000_000;
        // A message lost on loopback would otherwise hang the benchmark: fail instead.
        router.setReceiveTimeOut(RECEIVE_TIMEOUT_MILLIS);
        dealer.setReceiveTimeOut(RECEIVE_TIMEOUT_MILLIS);
        return new SocketPair(serverContext, nodeContext, zap, router, dealer, routingId, connectMillis);
    }

    @Override
    public void close() {
        nodeContext.close();
        if (zap != null) {
            zap.close(); // before its context, whose sockets it uses
        }
        serverContext.close();
    }
}
