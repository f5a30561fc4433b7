package io.director.server;

import io.director.dsl.wire.CurveKeys;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.WireCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

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
        server = JobPortPeers.startServer(dir, SHARED_KEY);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void onlyHeartbeatsThatAskAreAnswered() throws Exception {
        try (ZContext context = new ZContext(1)) {
            CurveKeys keys = CurveKeys.generate();
            ZMQ.Socket node = JobPortPeers.dealer(context, keys, server);
            node.send(WireCodec.encode(JobPortPeers.hello("web-1", "m-1", SHARED_KEY, keys)));
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
            ZMQ.Socket stranger = JobPortPeers.dealer(context, CurveKeys.generate(), server);
            stranger.send(WireCodec.encode(new Message.Heartbeat(1, null, false)));
            byte[] answer = stranger.recv(0);
            assertNotNull(answer, "no answer to a heartbeat from an unknown connection");
            assertInstanceOf(Message.HelloRequired.class, WireCodec.decode(answer));
        }
    }
}
