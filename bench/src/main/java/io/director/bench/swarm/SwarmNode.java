package io.director.bench.swarm;

import io.director.dsl.DirectorVersion;
import io.director.dsl.verb.EchoVerb;
import io.director.dsl.wire.CurveKeys;
import io.director.dsl.wire.HelloProof;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.JobResult;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.Liveness;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.NodeReport;
import io.director.dsl.wire.NodeState;
import io.director.dsl.wire.ProtocolException;
import io.director.dsl.wire.WireCodec;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.util.Map;
import java.util.Random;

/**
 * One simulated node: a ZContext (its own unless file descriptors are short, see {@link Swarm}),
 * one DEALER, an identity, a machine id and, with encryption, its own CURVE key pair. It speaks the
 * job port's protocol as the real node's link does: hello with a shared-key proof bound to its
 * public key, heartbeats (asking for an answer when the node's link would), hello again when asked,
 * a new socket after the same silence as the link's with jittered exponential backoff, and a
 * {@code result} for every dispatched ECHO job (its text as stdout). Other jobs are counted and
 * left unanswered.
 *
 * <p>Not thread-safe: everything but the counters runs on the {@link SwarmDriver} thread that owns it.
 */
final class SwarmNode {

    /** The same values as the real node's link, so the swarm reconnects as a fleet would. */
    private static final long BACKOFF_MIN_MILLIS = Liveness.BACKOFF_MIN_MILLIS;
    private static final long BACKOFF_MAX_MILLIS = Liveness.BACKOFF_MAX_MILLIS;
    private static final int HANDSHAKE_IVL_MILLIS = 10_000;

    private final String identity;
    private final String machineId;
    private final String endpoint;
    private final String sharedKey;
    private final CurveKeys keys;
    private final String serverKey;
    private final Random random;
    private final long startedAt = System.currentTimeMillis();
    private final SwarmCounters counters;
    private final ZContext context;

    private ZMQ.Socket socket;
    private long heartbeatMillis;
    private boolean enrolled;
    private long lastHeard;
    private long nextBeat;
    private long retryHelloAt;
    private long reopenAt;
    private long backoffMillis = BACKOFF_MIN_MILLIS;
    private String refusal;
    /** When this node was last welcomed (epoch ms; 0: never); read by other threads. */
    private volatile long welcomedAt;

    /**
     * @param keys      the node's key pair, or null without encryption
     * @param serverKey the server's public key (Z85), or null without encryption
     */
    SwarmNode(ZContext context, String identity, String machineId, String endpoint, String sharedKey, CurveKeys keys,
              String serverKey, long heartbeatMillis, Random random, SwarmCounters counters) {
        this.context = context;
        this.identity = identity;
        this.machineId = machineId;
        this.endpoint = endpoint;
        this.sharedKey = sharedKey;
        this.keys = keys;
        this.serverKey = serverKey;
        this.heartbeatMillis = heartbeatMillis;
        this.random = random;
        this.counters = counters;
    }

    String identity() {
        return identity;
    }

    long welcomedAt() {
        return welcomedAt;
    }

    boolean enrolled() {
        return enrolled;
    }

    /** Why the server refused this node for good, or null. */
    String refusal() {
        return refusal;
    }

    /** The current socket (null while backing off or after a final refusal). */
    ZMQ.Socket socket() {
        return socket;
    }

    void open(long now) {
        socket = context.createSocket(SocketType.DEALER);
        if (keys != null) {
            socket.setCurvePublicKey(keys.publicKeyBytes());
            socket.setCurveSecretKey(keys.secretKeyBytes());
            socket.setCurveServerKey(ZMQ.Curve.z85Decode(serverKey));
        }
        socket.setLinger(0);
        socket.setMaxMsgSize(Limits.MAX_MESSAGE_BYTES);
        socket.setSndHWM(10_000);
        socket.setHandshakeIvl(HANDSHAKE_IVL_MILLIS);
        socket.setReconnectIVL(250 + random.nextInt(750));
        socket.setReconnectIVLMax(BACKOFF_MAX_MILLIS);
        socket.connect(endpoint);
        counters.sockets.increment();
        lastHeard = now;
        nextBeat = 0;
        retryHelloAt = 0;
        reopenAt = 0;
    }

    /**
     * Sends what is due and gives up on a silent server. Returns true when the socket changed
     * (closed or replaced), so the driver must poll another set of sockets.
     */
    boolean tick(long now) {
        if (refusal != null) {
            return false;
        }
        if (socket == null) {
            if (now >= reopenAt) {
                open(now);
                return true;
            }
            return false;
        }
        if (retryHelloAt > 0 && now >= retryHelloAt) {
            retryHelloAt = 0;
            nextBeat = 0;
        }
        if (now >= nextBeat && retryHelloAt == 0) {
            if (enrolled) {
                transmit(new Message.Heartbeat(now, report(), Liveness.answerWanted(now - lastHeard, heartbeatMillis)));
                counters.heartbeats.increment();
            } else {
                transmit(hello(now));
            }
            nextBeat = now + heartbeatMillis;
        }
        if (now - lastHeard > Liveness.serverSilenceLimitMillis(heartbeatMillis)) {
            enrolled = false;
            closeSocket();
            long wait = (long) (backoffMillis * (0.5 + random.nextDouble()));
            backoffMillis = Math.min(BACKOFF_MAX_MILLIS, backoffMillis * 2);
            reopenAt = now + wait;
            counters.silentServer.increment();
            return true;
        }
        return false;
    }

    /** When {@link #tick} next has something to do. */
    long nextWake() {
        if (refusal != null) {
            return Long.MAX_VALUE;
        }
        if (socket == null) {
            return reopenAt;
        }
        long wake = retryHelloAt > 0 ? retryHelloAt : nextBeat;
        return Math.min(wake, lastHeard + Liveness.serverSilenceLimitMillis(heartbeatMillis) + 1);
    }

    /** Reads everything the server sent. Returns true when the socket changed. */
    boolean receive(long now) {
        byte[] frame;
        while (socket != null && (frame = socket.recv(ZMQ.DONTWAIT)) != null) {
            while (socket.hasReceiveMore()) {
                socket.recv(0);
            }
            lastHeard = now;
            try {
                handle(WireCodec.decode(frame), now);
            } catch (ProtocolException e) {
                counters.errors.increment();
            }
        }
        return socket == null;
    }

    private void handle(Message message, long now) {
        if (message instanceof Message.Welcome welcome) {
            enrolled = true;
            backoffMillis = BACKOFF_MIN_MILLIS;
            if (welcome.heartbeatIntervalMillis() > 0 && welcome.heartbeatIntervalMillis() < heartbeatMillis) {
                heartbeatMillis = welcome.heartbeatIntervalMillis();
            }
            welcomedAt = now;
            counters.welcomes.increment();
        } else if (message instanceof Message.HelloRequired) {
            enrolled = false;
            retryHelloAt = 0;
            counters.helloRequired.increment();
            transmit(hello(now));
        } else if (message instanceof Message.HeartbeatAck) {
            counters.heartbeatAcks.increment();
        } else if (message instanceof Message.Dispatch dispatch) {
            if (enrolled) {
                answer(dispatch.job(), now);
            }
        } else if (message instanceof Message.ResultAck) {
            counters.resultAcks.increment();
        } else if (message instanceof Message.Refused refused) {
            enrolled = false;
            counters.refusals.increment();
            if (refused.retry()) {
                long wait = (long) (backoffMillis * (0.5 + random.nextDouble()));
                backoffMillis = Math.min(BACKOFF_MAX_MILLIS, backoffMillis * 2);
                retryHelloAt = now + wait;
                lastHeard = retryHelloAt;
            } else {
                refusal = refused.reason();
                closeSocket();
            }
        } else {
            counters.errors.increment();
        }
    }

    private void answer(Job job, long now) {
        if (!EchoVerb.NAME.equals(job.definition().verb())) {
            counters.jobsIgnored.increment();
            return;
        }
        // The real ECHO executor renders templates first; benchmark jobs carry none.
        transmit(new Message.Result(new JobResult(job.jobId(), NodeState.SUCCESS, null, job.definition().payload(),
                "", null, 0.0, now, now)));
        counters.echoes.increment();
    }

    private Message.Hello hello(long now) {
        String nonce = HelloProof.newNonce();
        String publicKey = keys == null ? null : keys.publicKey();
        String proof = sharedKey == null ? null : HelloProof.compute(sharedKey, identity, machineId, nonce, publicKey);
        counters.hellos.increment();
        // hello_at lets the server's node list tell a node that said hello to this server
        // instance from one restored out of the datastore (shown alive for a grace period).
        return new Message.Hello(DirectorVersion.PROTOCOL, identity, machineId, DirectorVersion.version(), Map.of(),
                startedAt, nonce, proof, Map.of("swarm", "true", "hello_at", Long.toString(now)));
    }

    /**
     * A capacity report of the size a real node sends with every heartbeat (its values vary, as
     * free memory and load do), so the server decodes what it would from a fleet.
     */
    private NodeReport report() {
        return new NodeReport(4, 8L << 30, (4L << 30) + random.nextInt(1 << 30), (100L << 30) + random.nextInt(1 << 30),
                random.nextInt(400) / 100.0, NodeReport.Limits.NONE, java.util.List.of());
    }

    private void transmit(Message message) {
        if (socket != null && !socket.send(WireCodec.encode(message), ZMQ.DONTWAIT)) {
            counters.unsent.increment();
        }
    }

    private void closeSocket() {
        if (socket != null) {
            context.destroySocket(socket);
            socket = null;
        }
    }

    /** Closes the socket (its context is closed by whoever made it); the node cannot be used again. */
    void close() {
        closeSocket();
    }
}
