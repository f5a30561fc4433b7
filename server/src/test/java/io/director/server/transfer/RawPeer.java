package io.director.server.transfer;

import io.director.dsl.wire.Message;
import io.director.dsl.wire.ProtocolException;
import io.director.dsl.wire.WireCodec;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A DEALER on the transfer port that sends whatever a test tells it to, in its own context. Test thread only. */
final class RawPeer implements AutoCloseable {

    private final ZContext context = new ZContext(1);
    private final ZMQ.Socket socket;

    /** Connected to the transfer port on loopback (which never runs CurveZMQ). */
    RawPeer(int port) {
        socket = context.createSocket(SocketType.DEALER);
        socket.setLinger(0);
        // JeroMQ stalls about one new connection in fifty for the handshake interval: keep it short here.
        socket.setHandshakeIvl(1000);
        socket.connect("tcp://127.0.0.1:" + port);
    }

    void send(Message message) {
        frames(WireCodec.encode(message));
    }

    void frames(byte[]... frames) {
        for (int i = 0; i < frames.length; i++) {
            socket.send(frames[i], i < frames.length - 1 ? ZMQ.SNDMORE : 0);
        }
    }

    /** The frames of the next message, waiting at most {@code timeout}; fails the test if none comes. */
    List<byte[]> receive(Duration timeout) {
        socket.setReceiveTimeOut((int) timeout.toMillis());
        byte[] first = socket.recv(0);
        if (first == null) {
            throw new AssertionError("no answer on the transfer port within " + timeout);
        }
        List<byte[]> frames = new ArrayList<>(List.of(first));
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        return frames;
    }

    /** The header of the next message, decoded. */
    static Message header(List<byte[]> frames) throws ProtocolException {
        return WireCodec.decode(frames.get(0));
    }

    @Override
    public void close() {
        socket.close();
        context.close();
    }
}
