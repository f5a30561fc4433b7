package io.director.server.transfer;

import io.director.dsl.wire.Limits;
import io.director.dsl.wire.Mailbox;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.ProtocolException;
import io.director.dsl.wire.WireCodec;
import io.director.server.transport.Peer;
import io.director.server.transport.RouterSockets;
import io.director.server.transport.WireSecurity;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The transfer port: a ROUTER socket and the {@code transfer-endpoint} thread that owns it. It
 * answers each {@code chunk_request} with two frames, a {@code chunk} header (JSON, with the
 * bytes' CRC32C) and the raw bytes, for whole chunks of files that {@link TransferPermissions}
 * grants to the asking node and that still have the bytes they were submitted with
 * ({@link ChunkChecksums}). In an encrypted cluster a request must be signed with the key of
 * that node's grant, and the bytes go sealed with it (see {@link ChunkHandler}); the port itself
 * never runs CurveZMQ, whose cipher cost four times the rest of a transfer. Anything else is
 * refused with a {@code chunk} whose {@code error} is set (and no bytes) and logged. A request it
 * cannot read is answered {@code error} and logged. Nothing a peer sends stops the thread.
 * <p>
 * {@link #start()} and {@link #close()} are called by the thread that assembles the server;
 * every socket operation happens on the endpoint's own thread, so file reads never hold up the
 * job loop, and a job loop busy with dispatch never slows a transfer.
 */
public final class TransferEndpoint implements AutoCloseable {

    /** Largest request accepted: requests are small JSON documents, so anything bigger is hostile. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;
    /**
     * Chunks queued per node. A fetcher keeps a few requests outstanding (its window); one that
     * asks for more than this without reading loses the extra chunks instead of making the
     * server hold megabytes for it.
     */
    static final int PER_PEER_QUEUE = 16;
    private static final Logger LOG = Logger.getLogger(TransferEndpoint.class.getName());
    private static final int BATCH = 256;
    /** ZeroMQ I/O threads of the transfer port: one writes a chunk to its socket while the endpoint seals the next. */
    static final int IO_THREADS = 1;

    private final String bindAddress;
    private final int port;
    private final ChunkHandler chunks;
    private final Mailbox mailbox = new Mailbox();
    private final CountDownLatch bound = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean running;
    private volatile RuntimeException bindFailure;
    private volatile int boundPort;
    private Thread thread;

    /**
     * @param port      the port to bind; 0 binds an ephemeral one (see {@link #port()})
     * @param permissions what each node may fetch, and whether requests are signed and chunks sealed
     * @param checksums the chunk checksums that submissions recorded (see {@link FileManifest})
     */
    public TransferEndpoint(String bindAddress, int port, TransferPermissions permissions, ChunkChecksums checksums) {
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
        this.port = port;
        this.chunks = new ChunkHandler(Objects.requireNonNull(permissions, "permissions"),
                Objects.requireNonNull(checksums, "checksums"));
    }

    /** Binds the port and starts the thread; returns once bound, or throws why it could not bind. */
    public void start() {
        running = true;
        thread = new Thread(this::run, "transfer-endpoint");
        thread.start();
        try {
            bound.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (bindFailure != null) {
            throw bindFailure;
        }
    }

    /** The bound port (the ephemeral one when 0 was asked for); valid after {@link #start()}. */
    public int port() {
        return boundPort;
    }

    private void run() {
        ZContext context = new ZContext(IO_THREADS);
        ZMQ.Socket router = null;
        ZMQ.Poller poller = null;
        try {
            try {
                router = RouterSockets.bind(context, bindAddress, port, MAX_REQUEST_BYTES, PER_PEER_QUEUE,
                        WireSecurity.plaintext());
                boundPort = RouterSockets.boundPort(router);
            } catch (ZMQException e) {
                bindFailure = new IllegalStateException("cannot bind the transfer port " + bindAddress + ":" + port
                        + ": " + e.getMessage(), e);
                return;
            } finally {
                bound.countDown();
            }
            poller = context.createPoller(2);
            int routerIndex = poller.register(router, ZMQ.Poller.POLLIN);
            int mailboxIndex = poller.register(mailbox.channel(), ZMQ.Poller.POLLIN);
            while (running) {
                poller.poll(-1);
                if (poller.pollin(mailboxIndex)) {
                    mailbox.runAll();
                }
                if (poller.pollin(routerIndex)) {
                    receive(router);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "transfer endpoint stopped: " + e.getMessage(), e);
        } finally {
            running = false;
            // Sockets before the context: closing a context with a live socket can hang.
            if (poller != null) {
                poller.close();
            }
            if (router != null) {
                router.close();
            }
            context.close();
            finished.countDown();
        }
    }

    private void receive(ZMQ.Socket router) {
        for (int i = 0; i < BATCH; i++) {
            byte[] routing = router.recv(ZMQ.DONTWAIT);
            if (routing == null) {
                return;
            }
            zmq.Msg body = router.hasReceiveMore() ? router.recvMsg(0) : null;
            boolean extra = false;
            while (router.hasReceiveMore()) {
                router.recv(0);
                extra = true;
            }
            Peer peer = RouterSockets.peer(routing, body);
            try {
                if (body == null || extra) {
                    malformed(router, routing, peer.describe(), "expected exactly one frame after the routing id");
                } else {
                    answer(router, routing, peer, body.data());
                }
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "transfer request from " + peer.describe() + " failed: " + e.getMessage(), e);
            }
        }
    }

    private void answer(ZMQ.Socket router, byte[] routing, Peer peer, byte[] body) {
        String routingId = peer.describe();
        Message message;
        try {
            message = WireCodec.decode(body);
        } catch (ProtocolException e) {
            malformed(router, routing, routingId, e.getMessage());
            return;
        }
        if (message instanceof Message.ChunkRequest request) {
            ChunkHandler.Reply reply = chunks.handle(request);
            if (reply.refused()) {
                String to = request.node() == null ? routingId
                        : "node '" + Limits.reason(request.node()) + "' at " + routingId;
                LOG.warning(() -> "refused a chunk of '" + Limits.reason(reply.path()) + "' for job "
                        + Limits.reason(request.jobId()) + " to " + to + ": " + reply.header().error());
            }
            send(router, routing, routingId, reply.encodedHeader(), reply.data());
        } else if (message instanceof Message.Error error) {
            // Never answer an error, so two peers cannot loop on errors.
            LOG.warning(() -> "node " + routingId + " reports an error on the transfer port: " + error.message());
        } else {
            String type = WireCodec.typeName(message);
            malformed(router, routing, routingId, "unexpected message type '" + type
                    + "' on the transfer port (only chunk_request is served)");
        }
    }

    private void malformed(ZMQ.Socket router, byte[] routing, String routingId, String reason) {
        LOG.warning(() -> "dropped a malformed message from " + routingId + " on the transfer port: " + reason);
        send(router, routing, routingId, WireCodec.encode(new Message.Error(reason)), null);
    }

    /** Never blocks: a node that is gone, or that asks for more than its window, loses the reply. */
    private static void send(ZMQ.Socket router, byte[] routing, String routingId, byte[] header, byte[] data) {
        try {
            boolean queued = router.send(routing, ZMQ.SNDMORE | ZMQ.DONTWAIT)
                    && router.send(header, (data == null ? 0 : ZMQ.SNDMORE) | ZMQ.DONTWAIT)
                    && (data == null || router.send(data, ZMQ.DONTWAIT));
            if (!queued) {
                LOG.warning(() -> "dropped a reply to " + routingId + " on the transfer port: more than "
                        + PER_PEER_QUEUE + " replies are waiting for it");
            }
        } catch (ZMQException e) {
            LOG.fine(() -> "node " + routingId + " left the transfer port before its reply: " + e.getMessage());
        }
    }

    /** Stops the thread and closes the port; waits for both. */
    @Override
    public void close() {
        if (thread == null) {
            mailbox.close();
            return;
        }
        running = false;
        mailbox.post(() -> { });
        try {
            finished.await();
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        mailbox.close();
        thread = null;
    }
}
