package io.director.server.transport;

import io.director.dsl.wire.Limits;
import io.director.dsl.wire.Mailbox;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.ProtocolException;
import io.director.dsl.wire.WireCodec;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's one event loop: it owns the job port's ROUTER socket and runs every handler, so node
 * registry and dispatcher state need no locks. Other threads reach it through
 * {@link #execute} and {@link #call}. Sends never block: a slow or gone node cannot hold up
 * another (ROUTER_MANDATORY reports an unknown peer, a full per-peer queue reports EAGAIN).
 */
public final class ServerLoop implements Outbound, AutoCloseable {

    static final long TICK_MILLIS = 250;
    private static final Logger LOG = Logger.getLogger(ServerLoop.class.getName());
    private static final int PER_PEER_QUEUE = 100_000;
    private static final int BATCH = 1000;
    /**
     * After a read that found messages, the job socket is left alone this long (the mailbox is
     * still watched), so under steady traffic (10,000 nodes heartbeating: 1,000 messages a
     * second) one wake-up of this thread, and one signal from JeroMQ's I/O thread, serve several
     * messages instead of one each. A message after a quiet spell is read at once; one during
     * traffic waits at most this long.
     */
    static final long REST_MILLIS = 5;

    private final String bindAddress;
    private final int jobPort;
    private final WireSecurity security;
    private final Mailbox mailbox = new Mailbox();
    private final CountDownLatch bound = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean running;
    private volatile RuntimeException bindFailure;
    private volatile int boundJobPort;
    private Thread thread;
    private ZMQ.Socket jobs;

    public ServerLoop(String bindAddress, int jobPort, WireSecurity security) {
        this.bindAddress = bindAddress;
        this.jobPort = jobPort;
        this.security = security;
    }

    /** Binds the socket and starts the loop; returns once bound (or throws why not). */
    public void start(InboundHandler handler) {
        running = true;
        thread = new Thread(() -> run(handler), "server-loop");
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

    public int jobPort() {
        return boundJobPort;
    }

    /** Runs a task on the loop thread, soon. */
    public void execute(Runnable task) {
        mailbox.post(task);
    }

    /** Runs a task on the loop thread and gives its result to the caller. */
    public <T> CompletableFuture<T> call(Callable<T> task) {
        CompletableFuture<T> future = new CompletableFuture<>();
        mailbox.post(() -> {
            if (future.isDone()) {
                return; // the caller gave up (timed out): doing the work now would surprise it
            }
            try {
                future.complete(task.call());
            } catch (Exception | Error e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    private void run(InboundHandler handler) {
        try (ZContext context = new ZContext()) {
            ZapHandler zap = ZapHandler.install(context, security);
            try {
                serve(context, handler);
            } finally {
                if (zap != null) {
                    zap.close(); // before the context, whose sockets it uses
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "server loop stopped: " + e.getMessage(), e);
        } finally {
            running = false;
            mailbox.runAll();
            finished.countDown();
        }
    }

    private void serve(ZContext context, InboundHandler handler) {
        try {
            jobs = RouterSockets.bind(context, bindAddress, jobPort, Limits.MAX_MESSAGE_BYTES, PER_PEER_QUEUE,
                    security);
            boundJobPort = RouterSockets.boundPort(jobs);
        } catch (ZMQException e) {
            bindFailure = new IllegalStateException("cannot bind the job port " + bindAddress + ":" + jobPort
                    + ": " + e.getMessage(), e);
            bound.countDown();
            return;
        }
        bound.countDown();
        ZMQ.Poller poller = context.createPoller(2);
        int jobsIndex = poller.register(jobs, ZMQ.Poller.POLLIN);
        int mailboxIndex = poller.register(mailbox.channel(), ZMQ.Poller.POLLIN);
        // While messages keep coming, the job socket rests between reads and only the mailbox is watched.
        ZMQ.Poller mailboxOnly = context.createPoller(1);
        int restingMailboxIndex = mailboxOnly.register(mailbox.channel(), ZMQ.Poller.POLLIN);
        long nextTick = System.currentTimeMillis() + TICK_MILLIS;
        long restUntil = 0;
        while (running && !Thread.currentThread().isInterrupted()) {
            long now = System.currentTimeMillis();
            boolean resting = now < restUntil;
            long wait = Math.max(0, Math.min(nextTick, resting ? restUntil : nextTick) - now);
            try {
                (resting ? mailboxOnly : poller).poll(wait);
            } catch (ZMQException e) {
                if (!running) {
                    break;
                }
                throw e;
            }
            if (resting ? mailboxOnly.pollin(restingMailboxIndex) : poller.pollin(mailboxIndex)) {
                mailbox.runAll();
            }
            if (!resting && poller.pollin(jobsIndex)) {
                int received = receive(jobs, handler);
                // A full batch: more are waiting, read on at once. Some: let the next ones gather.
                restUntil = received > 0 && received < BATCH ? System.currentTimeMillis() + REST_MILLIS : 0;
            }
            now = System.currentTimeMillis();
            if (now >= nextTick) {
                long tick = now;
                guarded(() -> handler.onTick(tick));
                nextTick = now + TICK_MILLIS;
            }
        }
        mailboxOnly.close();
        poller.close();
    }

    /** Reads and handles up to {@link #BATCH} messages; returns how many it read. */
    private int receive(ZMQ.Socket socket, InboundHandler handler) {
        int i = 0;
        for (; i < BATCH; i++) {
            byte[] routing = socket.recv(ZMQ.DONTWAIT);
            if (routing == null) {
                return i;
            }
            // The body carries the peer's metadata: its authenticated key and its address.
            zmq.Msg body = socket.hasReceiveMore() ? socket.recvMsg(0) : null;
            boolean extra = false;
            while (socket.hasReceiveMore()) {
                socket.recv(0);
                extra = true;
            }
            Peer peer = RouterSockets.peer(routing, body);
            if (body == null || extra) {
                guarded(() -> handler.onMalformed(peer, "expected exactly one frame after the routing id"));
                continue;
            }
            Message message;
            try {
                message = WireCodec.decode(body.data());
            } catch (ProtocolException e) {
                guarded(() -> handler.onMalformed(peer, e.getMessage()));
                continue;
            }
            guarded(() -> handler.onMessage(peer, message));
        }
        return i;
    }

    /** A handler bug must never stop the loop: log it and go on with the next message. */
    private static void guarded(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "handler failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean send(String connection, Message message) {
        byte[] body = WireCodec.encode(message);
        try {
            if (!jobs.send(RouterSockets.routingId(connection), ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                return false;
            }
            return jobs.send(body, ZMQ.DONTWAIT);
        } catch (ZMQException e) {
            // EHOSTUNREACH: not connected (now). Nothing partial is left queued by ROUTER.
            return false;
        }
    }

    @Override
    public void close() {
        if (!running && thread == null) {
            return;
        }
        running = false;
        mailbox.post(() -> { });
        try {
            finished.await();
            if (thread != null) {
                thread.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        mailbox.close();
    }
}
