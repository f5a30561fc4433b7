package io.director.client.link;

import io.director.dsl.DirectorVersion;
import io.director.dsl.wire.CurveKeys;
import io.director.dsl.wire.HelloProof;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.Liveness;
import io.director.dsl.wire.NodeReport;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.Mailbox;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.ProtocolException;
import io.director.dsl.wire.WireCodec;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's connection to the server, on its own thread: one DEALER, a CURVE client of the
 * server's pinned public key (unless encryption is off). It says hello on every (re)connection,
 * heartbeats, and when the server has been silent for four intervals (Liveness) it closes the socket and
 * connects again after an exponential backoff with random jitter, so a restarted server is not
 * hit by every node at the same instant. A node refused for now (its key is pending, its
 * identity is held) says hello again on the same connection after the same kind of backoff.
 * The ROUTER names the connection itself: the node sets no routing id.
 */
public final class ServerLink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServerLink.class.getName());
    private static final long BACKOFF_MIN_MILLIS = Liveness.BACKOFF_MIN_MILLIS;
    private static final long BACKOFF_MAX_MILLIS = Liveness.BACKOFF_MAX_MILLIS;
    private static final int HANDSHAKE_IVL_MILLIS = 10_000;
    private static final long QUICK_DROP_MILLIS = 2_000;
    private static final int HANDSHAKE_DROPS_TO_GIVE_UP = 3;
    /** Most jobs and acknowledgements handed over together (see {@link Intake}). */
    static final int INTAKE_BATCH = 64;
    /**
     * How long a job's {@code started} waits before it is sent. A job that finishes sooner sends
     * only its result (which carries when it started), so a short job costs one message less on
     * both sides, and the server one write less to its datastore; a longer one shows as
     * {@code processing} a moment after it began (docs/protocol.md, `started`).
     */
    static final long STARTED_AFTER_MILLIS = 100;

    private final String endpoint;
    private final String identity;
    private final String machineId;
    private final Map<String, String> labels;
    private final Map<String, String> facts;
    private final String sharedKey;
    private final LinkSecurity security;
    private final long startedAt = System.currentTimeMillis();
    private final LinkListener listener;
    /** Read at every hello and heartbeat: what the node has, its limits and its workloads. */
    private final java.util.function.Supplier<NodeReport> reports;
    private final Mailbox mailbox = new Mailbox();
    private final Intake intake = new Intake();
    private final CountDownLatch finished = new CountDownLatch(1);

    private volatile boolean running;
    private volatile boolean enrolled;
    private long heartbeatMillis;
    /** When the next heartbeat (or hello) is due; 0: at once. */
    private long nextBeat;
    /** When the server was last heard from; 0 forces a reconnect after backoff. */
    private long lastHeard;
    private long backoffMillis = BACKOFF_MIN_MILLIS;
    /** When a node refused for now says hello again (0: not waiting). */
    private long retryHelloAt;
    /** When a dropped message last made this node say hello again. */
    private long lastResyncAt;
    /** A resync was wanted within an interval of the last one: it goes out once the interval is over. */
    private boolean resyncPending;
    private Thread thread;
    private ZContext context;
    private ZMQ.Socket socket;
    private ZMQ.Poller poller;
    private int socketIndex;
    private int mailboxIndex;
    private ZMQ.Socket monitor;
    private int monitorIndex = -1;
    private int monitors;
    /** Whether anything came from the server on the current socket (else a drop is a failed handshake). */
    private boolean heardOnSocket;
    private long connectedAt;
    /** Connections the server dropped at once during the handshake, in a row. */
    private int handshakeDrops;
    /** {@code started} messages waiting out {@link #STARTED_AFTER_MILLIS}, by job id, oldest first (link thread). */
    private final Map<String, HeldStart> heldStarts = new java.util.LinkedHashMap<>();

    private record HeldStart(Message.Started started, long dueAt) {
    }

    public ServerLink(String serverAddress, int jobPort, String identity, String machineId, Map<String, String> labels,
                      Map<String, String> facts, String sharedKey, LinkSecurity security, long heartbeatMillis,
                      LinkListener listener, java.util.function.Supplier<NodeReport> reports) {
        this.endpoint = "tcp://" + serverAddress + ":" + jobPort;
        this.identity = identity;
        this.machineId = machineId;
        this.security = java.util.Objects.requireNonNull(security, "security");
        this.labels = Map.copyOf(labels);
        this.facts = Map.copyOf(facts);
        this.sharedKey = sharedKey == null || sharedKey.isEmpty() ? null : sharedKey;
        this.heartbeatMillis = heartbeatMillis;
        this.listener = listener;
        this.reports = java.util.Objects.requireNonNull(reports, "reports");
    }

    /** The node's capacity report, or null when it cannot be made (the heartbeat goes without it). */
    private NodeReport report() {
        try {
            return reports.get();
        } catch (RuntimeException e) {
            LOG.fine(() -> "no node report: " + e.getMessage());
            return null;
        }
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
        if (message instanceof Message.Started started) {
            long dueAt = System.currentTimeMillis() + STARTED_AFTER_MILLIS;
            mailbox.post(() -> heldStarts.put(started.jobId(), new HeldStart(started, dueAt)));
            return;
        }
        mailbox.post(() -> {
            if (message instanceof Message.Result result) {
                heldStarts.remove(result.result().jobId()); // finished before its start was due
            }
            if (enrolled && socket != null) {
                transmit(message);
            }
        });
    }

    /** Sends the held {@code started} messages that are due; returns when the next one is (or MAX_VALUE). */
    private long sendDueStarts(long now) {
        var held = heldStarts.values().iterator();
        while (held.hasNext()) {
            HeldStart next = held.next();
            if (next.dueAt() > now) {
                return next.dueAt();
            }
            held.remove();
            if (enrolled && socket != null) {
                transmit(next.started());
            }
        }
        return Long.MAX_VALUE;
    }

    private void run() {
        context = new ZContext();
        try {
            connect();
            lastHeard = System.currentTimeMillis();
            nextBeat = 0;
            while (running) {
                beatIfDue();
                long now = System.currentTimeMillis();
                if (now - lastHeard > Liveness.serverSilenceLimitMillis(heartbeatMillis)) {
                    reconnectAfterBackoff();
                    lastHeard = System.currentTimeMillis();
                    nextBeat = 0;
                    retryHelloAt = 0;
                    continue;
                }
                if (resyncPending) {
                    resyncAfterLoss();
                }
                long wakeAt = Math.min(retryHelloAt > 0 ? retryHelloAt : nextBeat, sendDueStarts(now));
                if (resyncPending) {
                    wakeAt = Math.min(wakeAt, lastResyncAt + heartbeatMillis);
                }
                long giveUpAt = lastHeard + Liveness.serverSilenceLimitMillis(heartbeatMillis) + 1;
                poller.poll(Math.max(1, Math.min(wakeAt, giveUpAt) - now));
                if (poller.pollin(mailboxIndex)) {
                    mailbox.runAll();
                }
                if (monitorIndex >= 0 && poller.pollin(monitorIndex)) {
                    readMonitor();
                }
                if (socket != null && poller.pollin(socketIndex)) {
                    lastHeard = System.currentTimeMillis();
                    heardOnSocket = true;
                    handshakeDrops = 0;
                    receiveAll();
                }
                if (retryHelloAt > 0 && System.currentTimeMillis() >= retryHelloAt) {
                    retryHelloAt = 0;
                    nextBeat = 0; // refused for now: the backoff is over, say hello again
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
        security.applyTo(socket);
        socket.setLinger(0);
        socket.setMaxMsgSize(Limits.MAX_MESSAGE_BYTES);
        socket.setSndHWM(10_000);
        // No receive limit: under CURVE, JeroMQ 0.6.0 hands a message that meets a full receive
        // queue to the application still encrypted and loses it (zeromq/jeromq#1009); a burst of
        // dispatches (a thousand jobs submitted at once) reached the default 1,000. The server
        // bounds what it queues for a node, so this queue stays bounded too.
        socket.setRcvHWM(0);
        // JeroMQ can stall a handshake for its whole 30 s default; a shorter one recovers sooner.
        socket.setHandshakeIvl(HANDSHAKE_IVL_MILLIS);
        // Jittered TCP reconnects, so thousands of nodes do not hit a restarted server at once.
        socket.setReconnectIVL(250 + ThreadLocalRandom.current().nextInt(750));
        socket.setReconnectIVLMax(BACKOFF_MAX_MILLIS);
        heardOnSocket = false;
        poller = context.createPoller(3);
        if (security.encrypted()) {
            // A CURVE handshake with a server holding another key fails without a word on the
            // socket; the monitor's "disconnected" before any message is how the node can tell.
            String address = "inproc://link-monitor-" + (++monitors);
            socket.monitor(address, ZMQ.EVENT_CONNECTED | ZMQ.EVENT_DISCONNECTED);
            monitor = context.createSocket(SocketType.PAIR);
            monitor.connect(address);
            monitorIndex = poller.register(monitor, ZMQ.Poller.POLLIN);
        }
        socket.connect(endpoint);
        socketIndex = poller.register(socket, ZMQ.Poller.POLLIN);
        mailboxIndex = poller.register(mailbox.channel(), ZMQ.Poller.POLLIN);
        LOG.info(() -> "connecting to " + endpoint + " as " + identity + (security.encrypted()
                ? " (CurveZMQ, server key fingerprint " + CurveKeys.shortFingerprint(security.serverKey()) + ")"
                : " (encryption off)"));
    }

    /**
     * A server that does not hold the secret key of the server key this node uses drops the
     * connection as soon as it reads the node's CURVE hello. Three such drops in a row, with not
     * one message between them, and the node stops for good (like a wrong shared key) instead of
     * knocking forever: the keys differ, and only an operator can fix that. A slow handshake
     * (a server busy with a reconnect storm) takes seconds and does not count.
     */
    private void readMonitor() {
        ZMQ.Event event;
        while (monitor != null && (event = ZMQ.Event.recv(monitor, ZMQ.DONTWAIT)) != null) {
            long now = System.currentTimeMillis();
            if (event.getEvent() == ZMQ.EVENT_CONNECTED) {
                connectedAt = now;
            } else if (event.getEvent() == ZMQ.EVENT_DISCONNECTED && !heardOnSocket && connectedAt > 0
                    && now - connectedAt < QUICK_DROP_MILLIS) {
                handshakeDrops++;
                connectedAt = 0;
                if (handshakeDrops >= HANDSHAKE_DROPS_TO_GIVE_UP) {
                    refuse("the server at " + endpoint + " rejected the encrypted handshake " + handshakeDrops
                            + " times: it does not hold the secret key of the server key this node uses (fingerprint "
                            + CurveKeys.shortFingerprint(security.serverKey()) + ", " + security.source() + ")"
                            + (security.source() != null && security.source().contains("shared-key")
                            ? ", so the shared keys differ," : "")
                            + " or it runs with --encryption none");
                    return;
                }
                LOG.warning(() -> "the server at " + endpoint + " dropped the encrypted handshake; is its key the "
                        + "one this node expects (fingerprint " + CurveKeys.shortFingerprint(security.serverKey())
                        + ")?");
            }
        }
    }

    private void closeSocket() {
        if (poller != null) {
            poller.close();
            poller = null;
        }
        if (socket != null || monitor != null) {
            destroyMonitored(context, socket, monitor);
            socket = null;
            monitor = null;
            monitorIndex = -1;
        }
    }

    /**
     * Destroys a socket and the reader of its monitor (either may be null). The monitor is
     * stopped first: JeroMQ's I/O thread sends a socket's events with a blocking send, and a
     * socket destroyed mid-connection emits its last ones after the destroy returns. With their
     * reader gone, the I/O thread blocked for good and no later socket of the context connected:
     * a node that restarted its link just as the server came back stayed silent until expired.
     */
    static void destroyMonitored(ZContext context, ZMQ.Socket socket, ZMQ.Socket monitorReader) {
        if (socket != null) {
            if (monitorReader != null) {
                socket.monitor(null, 0);
            }
            context.destroySocket(socket);
        }
        if (monitorReader != null) {
            context.destroySocket(monitorReader);
        }
    }

    private void reconnectAfterBackoff() {
        enrolled = false;
        closeSocket();
        long wait = (long) (backoffMillis * (0.5 + ThreadLocalRandom.current().nextDouble()));
        LOG.warning(() -> "no answer from the server at " + endpoint + " for "
                + Liveness.serverSilenceLimitMillis(heartbeatMillis) + " ms; reconnecting in " + wait + " ms");
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
                intake.handOver();
                transmit(new Message.Error(e.getMessage()));
                resyncAfterLoss();
                continue;
            }
            // A burst (a thousand jobs submitted at once) takes a while to take in: each message
            // read is the server heard (not only the first), and the server must keep hearing from
            // this node meanwhile, or it expires it.
            lastHeard = System.currentTimeMillis();
            if (!intake.take(message)) {
                intake.handOver(); // what came before goes first
                handle(message);
            }
            beatIfDue();
        }
        intake.handOver();
    }

    /**
     * Jobs and acknowledgements read in one go, handed over together: the node records a burst
     * of jobs (or forgets a run of acknowledged results) in one transaction instead of one
     * each. At most {@link #INTAKE_BATCH} at a time, so the runner starts on the first jobs of
     * a burst while the rest is read, and heartbeats still go out between batches.
     */
    private final class Intake {
        private final List<Job> jobs = new ArrayList<>();
        private final List<String> acknowledged = new ArrayList<>();

        /** Keeps a dispatch or an acknowledgement for the next hand-over; false for other messages. */
        boolean take(Message message) {
            if (message instanceof Message.Dispatch dispatch) {
                if (enrolled) {
                    jobs.add(dispatch.job());
                }
            } else if (message instanceof Message.ResultAck ack) {
                acknowledged.add(ack.jobId());
            } else {
                return false;
            }
            if (jobs.size() + acknowledged.size() >= INTAKE_BATCH) {
                handOver();
            }
            return true;
        }

        /**
         * Hands over what was kept. Jobs the client could not take in (its cache failing, say a
         * full disk) were not recorded: the server sends them again after a resync. A failed
         * acknowledgement leaves its result in the outbox, to be sent and acknowledged again.
         * Either way the link goes on.
         */
        void handOver() {
            if (!jobs.isEmpty()) {
                List<Job> batch = List.copyOf(jobs);
                jobs.clear();
                try {
                    listener.onJobs(batch);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "cannot take in " + batch.size() + " job(s) from the server: "
                            + e.getMessage(), e);
                    resyncAfterLoss();
                }
            }
            if (!acknowledged.isEmpty()) {
                List<String> batch = List.copyOf(acknowledged);
                acknowledged.clear();
                try {
                    listener.onResultsAcknowledged(batch);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "cannot forget " + batch.size() + " acknowledged result(s): "
                            + e.getMessage(), e);
                }
            }
        }
    }

    /** Sends the heartbeat (or, not enrolled, the hello) when one is due. */
    private void beatIfDue() {
        long now = System.currentTimeMillis();
        if (now >= nextBeat && retryHelloAt == 0 && socket != null) {
            // An answer only when the last one is more than an interval old: every other heartbeat.
            boolean answer = Liveness.answerWanted(now - lastHeard, heartbeatMillis);
            transmit(enrolled ? new Message.Heartbeat(now, report(), answer) : hello());
            nextBeat = now + heartbeatMillis;
        }
    }

    /**
     * What was dropped may have been a job: a hello makes the server send again every job this
     * node has not finished (the runner ignores those it already has). At most one per
     * heartbeat interval, so a server that sends nothing readable is not answered by a flood; one
     * wanted within the interval goes out when it is over.
     */
    private void resyncAfterLoss() {
        long now = System.currentTimeMillis();
        if (!enrolled) {
            resyncPending = false; // the next welcome brings every unfinished job anyway
        } else if (now - lastResyncAt >= heartbeatMillis) {
            lastResyncAt = now;
            resyncPending = false;
            LOG.info("asking the server to send this node's unfinished jobs again");
            transmit(hello());
        } else {
            resyncPending = true;
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
            handshakeDrops = 0;
            if (welcome.heartbeatIntervalMillis() > 0 && welcome.heartbeatIntervalMillis() < heartbeatMillis) {
                heartbeatMillis = welcome.heartbeatIntervalMillis();
            }
            LOG.info(() -> "enrolled with server " + welcome.serverVersion() + " at " + endpoint);
            listener.onEnrolled(welcome.outputCapBytes() > 0 ? welcome.outputCapBytes() : Limits.DEFAULT_OUTPUT_CAP);
        } else if (message instanceof Message.Refused refused) {
            enrolled = false;
            if (refused.retry()) {
                long wait = (long) (backoffMillis * (0.5 + ThreadLocalRandom.current().nextDouble()));
                backoffMillis = Math.min(BACKOFF_MAX_MILLIS, backoffMillis * 2);
                LOG.warning(() -> "not enrolled: " + refused.reason() + "; asking again in " + wait + " ms");
                retryHelloAt = System.currentTimeMillis() + wait;
                // The server answered: it is not silent while the node waits out its backoff.
                lastHeard = retryHelloAt;
            } else {
                refuse(refused.reason());
            }
        } else if (message instanceof Message.HelloRequired required) {
            enrolled = false;
            retryHelloAt = 0;
            LOG.fine(() -> "the server asks for a hello: " + required.reason());
            transmit(hello());
        } else if (message instanceof Message.QueryAnswer answer) {
            listener.onQueryAnswer(answer);
        } else if (message instanceof Message.PlanRequest request) {
            if (enrolled) {
                listener.onPlanRequest(request);
            }
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
        String proof = sharedKey == null ? null
                : HelloProof.compute(sharedKey, identity, machineId, nonce, security.publicKey());
        return new Message.Hello(DirectorVersion.PROTOCOL, identity, machineId, DirectorVersion.version(), labels,
                startedAt, nonce, proof, facts, report());
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
