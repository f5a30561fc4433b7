package io.director.server.transport;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** How the server's ROUTER sockets (job port, transfer port) are made: one place, one set of options. */
public final class RouterSockets {

    private RouterSockets() {
    }

    /**
     * A bound ROUTER: sends to an unknown peer fail instead of vanishing (ROUTER_MANDATORY); a
     * peer that reconnects with the same routing id takes it over (the newest connection wins);
     * larger messages than {@code maxMessageBytes} drop the sender's connection; linger 0.
     * Port 0 binds an ephemeral port. Throws ZMQException when the address cannot be bound.
     */
    public static ZMQ.Socket bind(ZContext context, String address, int port, long maxMessageBytes, int perPeerQueue) {
        ZMQ.Socket socket = context.createSocket(SocketType.ROUTER);
        socket.setRouterMandatory(true);
        socket.setRouterHandover(true);
        socket.setMaxMsgSize(maxMessageBytes);
        socket.setSndHWM(perPeerQueue);
        socket.setRcvHWM(perPeerQueue);
        socket.setLinger(0);
        socket.bind("tcp://" + address + ":" + (port == 0 ? "*" : Integer.toString(port)));
        return socket;
    }

    /** The port a socket is bound to (the ephemeral one when 0 was asked for). */
    public static int boundPort(ZMQ.Socket socket) {
        String endpoint = socket.getLastEndpoint();
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }
}
