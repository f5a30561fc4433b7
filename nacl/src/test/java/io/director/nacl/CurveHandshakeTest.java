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
            router.setReceiveTimeOut(10_000);

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

    private static void curveClient(ZMQ.Socket socket, ZMQ.Curve.KeyPair own, String serverPublicKey) {
        socket.setCurvePublicKey(ZMQ.Curve.z85Decode(own.publicKey));
        socket.setCurveSecretKey(ZMQ.Curve.z85Decode(own.secretKey));
        socket.setCurveServerKey(ZMQ.Curve.z85Decode(serverPublicKey));
        socket.setLinger(0);
    }
}
