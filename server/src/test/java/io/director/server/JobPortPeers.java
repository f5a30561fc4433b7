package io.director.server;

import io.director.dsl.DirectorVersion;
import io.director.dsl.wire.CurveKeys;
import io.director.dsl.wire.HelloProof;
import io.director.dsl.wire.Message;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.file.Path;
import java.util.Map;

/** A real server with a shared key on loopback, and peers that talk to its job port as nodes do. */
final class JobPortPeers {

    private JobPortPeers() {
    }

    /** A started server: ephemeral ports, a datastore and a socket in {@code dir}, 1 s heartbeats. */
    static DirectorServer startServer(Path dir, String sharedKey) {
        DirectorServer server = new DirectorServer(new ServerConfig("127.0.0.1", 0, 0, dir.resolve("d.sock"), null,
                "sqlite:" + dir.resolve("server.db"), 1, sharedKey, 0));
        server.start();
        return server;
    }

    /** A CurveZMQ DEALER with these keys, connected to the server's job port; receives time out after 10 s. */
    static ZMQ.Socket dealer(ZContext context, CurveKeys keys, DirectorServer server) {
        ZMQ.Socket socket = context.createSocket(SocketType.DEALER);
        socket.setCurvePublicKey(keys.publicKeyBytes());
        socket.setCurveSecretKey(keys.secretKeyBytes());
        socket.setCurveServerKey(ZMQ.Curve.z85Decode(server.publicKey()));
        socket.setLinger(0);
        socket.setHandshakeIvl(5000);
        socket.setReceiveTimeOut(10_000);
        socket.connect("tcp://127.0.0.1:" + server.jobPort());
        return socket;
    }

    /** A hello that proves the shared key for this identity, machine and key pair. */
    static Message.Hello hello(String identity, String machineId, String sharedKey, CurveKeys keys) {
        String nonce = HelloProof.newNonce();
        return new Message.Hello(DirectorVersion.PROTOCOL, identity, machineId, "test", Map.of(), 0L, nonce,
                HelloProof.compute(sharedKey, identity, machineId, nonce, keys.publicKey()), Map.of());
    }
}
