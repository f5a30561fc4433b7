package io.director.nacl;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** JeroMQ's CURVE mechanism, end to end on loopback, running on these classes rather than jnacl's. */
class CurveHandshakeTest {

    @Test
    void jnaclIsNotOnTheClassPath() {
        // Its curve25519 class is the slow one; only the two entry points named like jnacl's are here.
        assertThrows(ClassNotFoundException.class, () -> Class.forName("com.neilalexander.jnacl.crypto.curve25519"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("com.neilalexander.jnacl.NaCl"));
    }

    @Test
    void aCurveDealerAndRouterTalkBothWaysAndAWrongServerKeyGetsNothing() {
        ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
        ZMQ.Curve.KeyPair client = ZMQ.Curve.generateKeyPair();
        ZMQ.Curve.KeyPair impostor = ZMQ.Curve.generateKeyPair();
        try (ZContext context = new ZContext()) {
            ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
            router.setCurveServer(true);
            router.setCurveSecretKey(ZMQ.Curve.z85Decode(server.secretKey));
            int port = router.bindToRandomPort("tcp://127.0.0.1");
            router.setReceiveTimeOut(20_000);

            ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
            curveClient(dealer, client, server.publicKey);
            dealer.setReceiveTimeOut(10_000);
            dealer.connect("tcp://127.0.0.1:" + port);
            for (int i = 0; i < 3; i++) {
                dealer.send("ping " + i);
                ZMsg request = ZMsg.recvMsg(router);
                assertNotNull(request, "the router received nothing from a CURVE dealer");
                assertEquals("ping " + i, request.getLast().toString());
                request.getLast().reset(("pong " + i).getBytes(StandardCharsets.UTF_8));
                request.send(router);
                assertEquals("pong " + i, dealer.recvStr());
            }

            // A client that expects another server key fails the handshake: nothing reaches the router.
            ZMQ.Socket misled = context.createSocket(SocketType.DEALER);
            curveClient(misled, client, impostor.publicKey);
            misled.connect("tcp://127.0.0.1:" + port);
            misled.send("should never arrive");
            router.setReceiveTimeOut(1_000);
            assertNull(ZMsg.recvMsg(router));
        }
    }

    @Test
    void aBurstOfMessagesArrivesIntactAndInOrderBothWays() {
        ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
        ZMQ.Curve.KeyPair client = ZMQ.Curve.generateKeyPair();
        int count = 5_000;
        try (ZContext serverContext = new ZContext(); ZContext clientContext = new ZContext()) {
            ZMQ.Socket router = serverContext.createSocket(SocketType.ROUTER);
            router.setCurveServer(true);
            router.setCurveSecretKey(ZMQ.Curve.z85Decode(server.secretKey));
            router.setSndHWM(100_000);
            router.setRcvHWM(0);
            router.setReceiveTimeOut(20_000);
            int port = router.bindToRandomPort("tcp://127.0.0.1");
            ZMQ.Socket dealer = clientContext.createSocket(SocketType.DEALER);
            curveClient(dealer, client, server.publicKey);
            dealer.setSndHWM(100_000);
            // Not full, ever: JeroMQ 0.6.0 delivers the message that meets a full CURVE receive
            // queue still encrypted and loses it (zeromq/jeromq#1009); Director's sockets avoid it so.
            dealer.setRcvHWM(0);
            dealer.setReceiveTimeOut(10_000);
            dealer.connect("tcp://127.0.0.1:" + port);
            dealer.send("hello");
            byte[] routingId = router.recv();
            assertNotNull(routingId);
            router.recv();
            for (int i = 0; i < count; i++) {
                router.send(routingId, ZMQ.SNDMORE);
                router.send(payload(i), 0);
                dealer.send(payload(count + i), 0);
            }
            for (int i = 0; i < count; i++) {
                assertEquals(new String(payload(i), StandardCharsets.UTF_8), dealer.recvStr(), "to the dealer, #" + i);
                ZMsg fromDealer = ZMsg.recvMsg(router);
                assertNotNull(fromDealer, "to the router, #" + i);
                assertEquals(new String(payload(count + i), StandardCharsets.UTF_8), fromDealer.getLast().toString(),
                        "to the router, #" + i);
            }
        }
    }

    /** Distinct messages of varied lengths, some past a 64 KiB boundary. */
    private static byte[] payload(int i) {
        int length = 20 + (i * 7919) % (i % 97 == 0 ? 70_000 : 600);
        StringBuilder text = new StringBuilder("{\"n\":" + i + ",\"pad\":\"");
        while (text.length() < length) {
            text.append((char) ('a' + (text.length() + i) % 26));
        }
        return text.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void curveClient(ZMQ.Socket socket, ZMQ.Curve.KeyPair own, String serverPublicKey) {
        socket.setCurvePublicKey(ZMQ.Curve.z85Decode(own.publicKey));
        socket.setCurveSecretKey(ZMQ.Curve.z85Decode(own.secretKey));
        socket.setCurveServerKey(ZMQ.Curve.z85Decode(serverPublicKey));
        socket.setLinger(0);
        // A fresh JeroMQ connection now and then sits out a whole handshake interval before it
        // connects again; a short interval (and the waits below) keep that from failing a test.
        socket.setHandshakeIvl(5_000);
    }
}
