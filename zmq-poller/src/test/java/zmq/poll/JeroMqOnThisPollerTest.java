package zmq.poll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** JeroMQ's sockets running on this poller: many connections, reconnects, CURVE, shutdown. */
class JeroMqOnThisPollerTest {

    @Test
    void theClassPathResolvesJeroMqsPollerToThisOne() throws Exception {
        assertEquals("director", Class.forName("zmq.poll.Poller").getField("ORIGIN").get(null));
    }

    @Test
    @Timeout(60)
    void fourHundredDealersTalkToOneRouterThenHalfOfThemLeaveAndTheContextCloses() {
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
            router.setReceiveTimeOut(10_000);
            int port = router.bindToRandomPort("tcp://127.0.0.1");
            List<ZMQ.Socket> dealers = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
                dealer.setIdentity(("node-" + i).getBytes(ZMQ.CHARSET));
                dealer.setReceiveTimeOut(10_000);
                dealer.connect("tcp://127.0.0.1:" + port);
                dealers.add(dealer);
            }
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < dealers.size(); i++) {
                    dealers.get(i).send("hello " + round + " from " + i);
                }
                // Every message answered, so each connection turns writable and back many times.
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < dealers.size(); i++) {
                    ZMsg request = ZMsg.recvMsg(router);
                    assertNotNull(request, "round " + round + ": only " + seen.size() + " messages arrived");
                    seen.add(request.getLast().toString());
                    request.getLast().reset("answer " + round);
                    request.send(router);
                }
                assertEquals(dealers.size(), seen.size());
                for (int i = 0; i < dealers.size(); i++) {
                    assertEquals("answer " + round, dealers.get(i).recvStr(), "dealer " + i + ", round " + round);
                }
            }
            for (int i = 0; i < 200; i++) {
                context.destroySocket(dealers.get(i));
            }
            // The connections the other half hold still work after theirs were removed.
            for (int i = 200; i < dealers.size(); i++) {
                dealers.get(i).send("still here " + i);
            }
            for (int i = 200; i < dealers.size(); i++) {
                ZMsg request = ZMsg.recvMsg(router);
                assertNotNull(request, "a remaining dealer's message got lost");
                request.send(router);
            }
            for (int i = 200; i < dealers.size(); i++) {
                assertEquals("still here " + i, dealers.get(i).recvStr());
            }
        }
    }

    @Test
    @Timeout(60)
    void aDealerConnectingBeforeTheRouterBindsGetsThroughOnItsReconnectTimer() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
            dealer.setReconnectIVL(50);
            dealer.setReceiveTimeOut(10_000);
            dealer.connect("tcp://127.0.0.1:" + port);
            dealer.send("sent before anyone listened");
            Thread.sleep(300);

            ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
            router.setReceiveTimeOut(10_000);
            router.bind("tcp://127.0.0.1:" + port);
            ZMsg request = ZMsg.recvMsg(router);
            assertNotNull(request, "the dealer never reconnected");
            assertEquals("sent before anyone listened", request.getLast().toString());
        }
    }

    @Test
    @Timeout(60)
    void curveConnectionsWorkOnIt() {
        ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
        ZMQ.Curve.KeyPair client = ZMQ.Curve.generateKeyPair();
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
            router.setCurveServer(true);
            router.setCurveSecretKey(ZMQ.Curve.z85Decode(server.secretKey));
            router.setReceiveTimeOut(10_000);
            int port = router.bindToRandomPort("tcp://127.0.0.1");
            List<ZMQ.Socket> dealers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
                dealer.setCurveServerKey(ZMQ.Curve.z85Decode(server.publicKey));
                dealer.setCurvePublicKey(ZMQ.Curve.z85Decode(client.publicKey));
                dealer.setCurveSecretKey(ZMQ.Curve.z85Decode(client.secretKey));
                dealer.setReceiveTimeOut(10_000);
                dealer.connect("tcp://127.0.0.1:" + port);
                dealer.send("ping " + i);
                dealers.add(dealer);
            }
            for (int i = 0; i < dealers.size(); i++) {
                ZMsg request = ZMsg.recvMsg(router);
                assertNotNull(request, "a CURVE dealer's message never arrived");
                request.getLast().reset("pong");
                request.send(router);
            }
            for (ZMQ.Socket dealer : dealers) {
                assertEquals("pong", dealer.recvStr());
            }
        }
    }
}
