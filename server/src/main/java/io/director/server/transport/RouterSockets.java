package io.director.server.transport;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** How the server's ROUTER sockets (job port, transfer port) are made: one place, one set of options. */
public final class RouterSockets {

    private RouterSockets() {
    }

    /**
     * A bound ROUTER: sends to an unknown peer fail instead of vanishing (ROUTER_MANDATORY);
     * every connection gets a routing id from the ROUTER itself (peers set none), so no peer can
     * claim another's and receive its traffic; larger messages than {@code maxMessageBytes} drop
     * the sender's connection; linger 0; CURVE when {@code security} says so (the context needs
     * a {@link ZapHandler}). Port 0 binds an ephemeral port. Throws ZMQException when the
     * address cannot be bound.
     */
    public static ZMQ.Socket bind(ZContext context, String address, int port, long maxMessageBytes, int perPeerQueue,
                                  WireSecurity security) {
        ZMQ.Socket socket = context.createSocket(SocketType.ROUTER);
        socket.setRouterMandatory(true);
        security.applyTo(socket);
        socket.setMaxMsgSize(maxMessageBytes);
        socket.setSndHWM(perPeerQueue);
        socket.setRcvHWM(perPeerQueue);
        socket.setLinger(0);
        socket.bind("tcp://" + address + ":" + (port == 0 ? "*" : Integer.toString(port)));
        return socket;
    }

    /**
     * A routing id as the key the server files a connection under: its bytes in hex. (Not the
     * bytes as ISO-8859-1 characters: the ids a ROUTER gives, a zero byte and a counter, collide
     * as such strings, 10,000 of them on about 1,430 hash codes; in hex they do not.)
     */
    public static String connection(byte[] routingId) {
        return HexFormat.of().formatHex(routingId);
    }

    /**
     * The routing id bytes of a connection key made by {@link #connection}. Any other string (one
     * stored by an older server) gives bytes no connection has, so a send to it fails as a send
     * to a gone connection does.
     */
    public static byte[] routingId(String connection) {
        try {
            return HexFormat.of().parseHex(connection);
        } catch (IllegalArgumentException e) {
            return connection.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** The sender of a received message: its connection, its authenticated key (if any) and its host. */
    public static Peer peer(byte[] routingId, zmq.Msg body) {
        zmq.io.Metadata metadata = body == null ? null : body.getMetadata();
        String key = metadata == null ? null : metadata.get(zmq.io.Metadata.USER_ID);
        String address = metadata == null ? null : metadata.get(zmq.io.Metadata.PEER_ADDRESS);
        return new Peer(connection(routingId), key == null || key.isEmpty() ? null : key, host(address));
    }

    /** The host part of "host:port" (the port changes with every connection). */
    static String host(String address) {
        if (address == null || address.isEmpty()) {
            return null;
        }
        int colon = address.lastIndexOf(':');
        return colon > 0 ? address.substring(0, colon) : address;
    }

    /** The port a socket is bound to (the ephemeral one when 0 was asked for). */
    public static int boundPort(ZMQ.Socket socket) {
        String endpoint = socket.getLastEndpoint();
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }
}
