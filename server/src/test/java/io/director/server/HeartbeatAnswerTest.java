package io.director.server;

import io.director.dsl.DirectorVersion;
import io.director.dsl.wire.CurveKeys;
import io.director.dsl.wire.HelloProof;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.WireCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A real server answers the heartbeats that ask for an answer (and those of nodes that predate
 * asking), leaves the others unanswered, and still tells a connection it does not know to say hello.
 */
class HeartbeatAnswerTest {

    private static final String SHARED_KEY = "answer-cluster-key";

    @TempDir
    Path dir;

    private DirectorServer server;

    @BeforeEach
    void start() {
        server = new DirectorServer(new ServerConfig("127.0.0.1", 0, 0, dir.resolve("d.sock"), null,
                "sqlite:" + dir.resolve("server.db"), 1, SHARED_KEY, 0));
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void onlyHeartbeatsThatAskAreAnswered() throws Exception {
        try (ZContext context = new ZContext(1)) {
            CurveKeys keys = CurveKeys.generate();
            ZMQ.Socket node = dealer(context, keys);
            String nonce = HelloProof.newNonce();
            node.send(WireCodec.encode(new Message.Hello(DirectorVersion.PROTOCOL, "web-1", "m-1", "test", Map.of(),
                    0L, nonce, HelloProof.compute(SHARED_KEY, "web-1", "m-1", nonce, keys.publicKey()), Map.of())));
            assertInstanceOf(Message.Welcome.class, WireCodec.decode(node.recv(0)));

            node.send(WireCodec.encode(new Message.Heartbeat(1, null, false)));
            // Answers go out on the server's next tick (250 ms): a second is plenty.
            node.setReceiveTimeOut(1_000);
            assertNull(node.recv(0), "a heartbeat that did not ask was answered");

            node.setReceiveTimeOut(10_000);
            node.send(WireCodec.encode(new Message.Heartbeat(2, null, true)));
            assertEquals(2, assertInstanceOf(Message.HeartbeatAck.class, WireCodec.decode(node.recv(0))).sentAt());

            // A node from before the field: no "answer" at all.
            node.send("{\"type\":\"heartbeat\",\"sent_at\":3}".getBytes(StandardCharsets.UTF_8));
            assertEquals(3, assertInstanceOf(Message.HeartbeatAck.class, WireCodec.decode(node.recv(0))).sentAt());
        }
    }

    @Test
    void aConnectionTheServerDoesNotKnowIsToldToSayHelloAskingOrNot() throws Exception {
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket stranger = dealer(context, CurveKeys.generate());
            stranger.send(WireCodec.encode(new Message.Heartbeat(1, null, false)));
            byte[] answer = stranger.recv(0);
            assertNotNull(answer, "no answer to a heartbeat from an unknown connection");
            assertInstanceOf(Message.HelloRequired.class, WireCodec.decode(answer));
        }
    }

    private ZMQ.Socket dealer(ZContext context, CurveKeys keys) {
        ZMQ.Socket socket = context.createSocket(SocketType.DEALER);
        socket.setCurvePublicKey(keys.publicKeyBytes());
        socket.setCurveSecretKey(keys.secretKeyBytes());
        socket.setCurveServerKey(ZMQ.Curve.z85Decode(server.publicKey()));
        socket.setLinger(0);
        socket.setReceiveTimeOut(10_000);
        socket.connect("tcp://127.0.0.1:" + server.jobPort());
        return socket;
    }
}
