package io.director.client.link;

import io.director.dsl.DirectorVersion;
import io.director.dsl.wire.HelloProof;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.Mailbox;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.ProtocolException;
import io.director.dsl.wire.RoutingId;
import io.director.dsl.wire.WireCodec;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's connection to the server, on its own thread: one DEALER whose routing id is the
 * node's identity and machine id. It says hello on every (re)connection, heartbeats, and when
 * the server has been silent for three intervals it closes the socket and connects again
 * after an exponential backoff with random jitter, so a restarted server is not hit by every
 * node at the same instant.
 */
public final class ServerLink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServerLink.class.getName());
    private static final long BACKOFF_MIN_MILLIS = 1000;
    private static final long BACKOFF_MAX_MILLIS = 30_000;
    private static final int HANDSHAKE_IVL_MILLIS = 10_000;

    private final String endpoint;
    private final String identity;
    private final String machineId;
    private final String routingId;
    private final Map<String, String> labels;
    private final Map<String, String> facts;
    private final String sharedKey;
    private final long startedAt = System.currentTimeMillis();
    private final LinkListener listener;
    private final Mailbox mailbox = new Mailbox();
    private final CountDownLatch finished = new CountDownLatch(1);

    private volatile boolean running;
    private volatile boolean enrolled;
    private long heartbeatMillis;
    /** When the server was last heard from; 0 forces a reconnect after backoff. */
    private long lastHeard;
    private long backoffMillis = BACKOFF_MIN_MILLIS;
    private Thread thread;
    private ZContext context;
    private ZMQ.Socket socket;
    private ZMQ.Poller poller;
    private int socketIndex;
    private int mailboxIndex;

    public ServerLink(String serverAddress, int jobPort, String identity, String machineId, Map<String, String> labels,
                      Map<String, String> facts, String sharedKey, long heartbeatMillis, LinkListener listener) {
        this.endpoint = "tcp://" + serverAddress + ":" + jobPort;
        this.identity = identity;
        this.machineId = machineId;
        this.routingId = RoutingId.of(identity, machineId);
        this.labels = Map.copyOf(labels);
        this.facts = Map.copyOf(facts);
        this.sharedKey = sharedKey == null || sharedKey.isEmpty() ? null : sharedKey;
        this.heartbeatMillis = heartbeatMillis;
        this.listener = listener;
    }

    public void start() {
        running = true;
        thread = new Thread(this::run, "server-link");
        thread.start();
    }

    /** Whether the server has accepted this node on the current connection. */
    public boolean enrolled() {
        return enrolled;
    }

    /**
     * Sends a message from any thread. Dropped while not enrolled: results are kept in the
     * node's outbox and sent again once the server welcomes the node back.
     */
    public void send(Message message) {
        mailbox.post(() -> {
            if (enrolled && socket != null) {
                transmit(message);
            }
        });
    }

    private void run() {
        context = new ZContext();
        try {
            connect();
            lastHeard = System.currentTimeMillis();
            long nextBeat = 0;
            while (running) {
                long now = System.currentTimeMillis();
                if (now >= nextBeat) {
                    transmit(enrolled ? new Message.Heartbeat(now) : hello());
                    nextBeat = now + heartbeatMillis;
                }
                if (now - lastHeard > 3 * heartbeatMillis) {
                    reconnectAfterBackoff();
                    lastHeard = System.currentTimeMillis();
                    nextBeat = 0;
                    continue;
                }
                poller.poll(Math.max(1, Math.min(nextBeat, lastHeard + 3 * heartbeatMillis + 1) - now));
                if (poller.pollin(mailboxIndex)) {
                    mailbox.runAll();
                }
                if (poller.pollin(socketIndex)) {
                    lastHeard = System.currentTimeMillis();
                    receiveAll();
                }
            }
        } catch (ZMQException e) {
            if (running) {
                LOG.log(Level.SEVERE, "link to " + endpoint + " failed: " + e.getMessage(), e);
            }
        } finally {
            enrolled = false;
            closeSocket();
            context.close();
            finished.countDown();
        }
    }

    private void connect() {
        socket = context.createSocket(SocketType.DEALER);
        socket.setIdentity(routingId.getBytes(StandardCharsets.UTF_8));
        socket.setLinger(0);
        socket.setMaxMsgSize(Limits.MAX_MESSAGE_BYTES);
        socket.setSndHWM(10_000);
        // JeroMQ can stall a handshake for its whole 30 s default; a shorter one recovers sooner.
        socket.setHandshakeIvl(HANDSHAKE_IVL_MILLIS);
        // Jittered TCP reconnects, so thousands of nodes do not hit a restarted server at once.
        socket.setReconnectIVL(250 + ThreadLocalRandom.current().nextInt(750));
        socket.setReconnectIVLMax(BACKOFF_MAX_MILLIS);
        socket.connect(endpoint);
        poller = context.createPoller(2);
        socketIndex = poller.register(socket, ZMQ.Poller.POLLIN);
        mailboxIndex = poller.register(mailbox.channel(), ZMQ.Poller.POLLIN);
        LOG.info(() -> "connecting to " + endpoint + " as " + identity);
    }

    private void closeSocket() {
        if (poller != null) {
            poller.close();
            poller = null;
        }
        if (socket != null) {
            context.destroySocket(socket);
            socket = null;
        }
    }

    private void reconnectAfterBackoff() {
        enrolled = false;
        closeSocket();
        long wait = (long) (backoffMillis * (0.5 + ThreadLocalRandom.current().nextDouble()));
        LOG.warning(() -> "no answer from the server at " + endpoint + " for " + 3 * heartbeatMillis
                + " ms; reconnecting in " + wait + " ms");
        backoffMillis = Math.min(BACKOFF_MAX_MILLIS, backoffMillis * 2);
        long until = System.currentTimeMillis() + wait;
        while (running && System.currentTimeMillis() < until) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, until - System.currentTimeMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            // Work queued meanwhile (results to send) needs an enrolled link; it stays in the outbox.
            mailbox.runAll();
        }
        if (running) {
            connect();
        }
    }

    private void receiveAll() {
        byte[] frame;
        while (socket != null && (frame = socket.recv(ZMQ.DONTWAIT)) != null) {
            while (socket.hasReceiveMore()) {
                socket.recv(0);
            }
            Message message;
            try {
                message = WireCodec.decode(frame);
            } catch (ProtocolException e) {
                LOG.warning(() -> "dropped a malformed message from the server: " + e.getMessage());
                transmit(new Message.Error(e.getMessage()));
                continue;
            }
            handle(message);
        }
    }

    private void handle(Message message) {
        if (message instanceof Message.Welcome welcome) {
            if (welcome.protocol() != DirectorVersion.PROTOCOL) {
                refuse("the server speaks protocol " + welcome.protocol() + ", this client "
                        + DirectorVersion.PROTOCOL + ": upgrade the older side");
                return;
            }
            enrolled = true;
            backoffMillis = BACKOFF_MIN_MILLIS;
            if (welcome.heartbeatIntervalMillis() > 0 && welcome.heartbeatIntervalMillis() < heartbeatMillis) {
                heartbeatMillis = welcome.heartbeatIntervalMillis();
            }
            LOG.info(() -> "enrolled with server " + welcome.serverVersion() + " at " + endpoint);
            listener.onEnrolled(welcome.outputCapBytes() > 0 ? welcome.outputCapBytes() : Limits.DEFAULT_OUTPUT_CAP);
        } else if (message instanceof Message.Refused refused) {
            enrolled = false;
            if (refused.retry()) {
                LOG.warning(() -> "the server refused this node for now: " + refused.reason() + "; trying again");
                lastHeard = 0;
            } else {
                refuse(refused.reason());
            }
        } else if (message instanceof Message.HelloRequired) {
            enrolled = false;
            transmit(hello());
        } else if (message instanceof Message.Dispatch dispatch) {
            if (enrolled) {
                listener.onJob(dispatch.job());
            }
        } else if (message instanceof Message.QueryAnswer answer) {
            listener.onQueryAnswer(answer);
        } else if (message instanceof Message.PlanRequest request) {
            if (enrolled) {
                listener.onPlanRequest(request);
            }
        } else if (message instanceof Message.ResultAck ack) {
            listener.onResultAcknowledged(ack.jobId());
        } else if (message instanceof Message.Error error) {
            LOG.warning(() -> "the server reports an error: " + error.message());
        } else if (!(message instanceof Message.HeartbeatAck)) {
            String type = WireCodec.typeName(message);
            LOG.warning(() -> "unexpected message from the server: " + type);
            transmit(new Message.Error("unexpected message type '" + type + "' from the server"));
        }
    }

    private void refuse(String reason) {
        enrolled = false;
        running = false;
        LOG.severe(() -> "the server refused this node: " + reason);
        listener.onRefused(reason);
    }

    private Message.Hello hello() {
        String nonce = HelloProof.newNonce();
        String proof = sharedKey == null ? null : HelloProof.compute(sharedKey, identity, machineId, nonce);
        return new Message.Hello(DirectorVersion.PROTOCOL, identity, machineId, DirectorVersion.version(), labels,
                startedAt, nonce, proof, facts);
    }

    private void transmit(Message message) {
        if (socket != null && !socket.send(WireCodec.encode(message), ZMQ.DONTWAIT)) {
            LOG.fine(() -> "could not queue " + message.getClass().getSimpleName() + " for the server");
        }
    }

    @Override
    public void close() {
        running = false;
        mailbox.post(() -> { });
        try {
            if (thread != null && thread != Thread.currentThread()) {
                finished.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        mailbox.close();
    }
}
