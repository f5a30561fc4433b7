package io.director.bench.swarm;

import io.director.dsl.wire.Mailbox;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One thread driving many simulated nodes: it polls all their sockets at once, and between polls
 * sends what each node has due (heartbeats, hellos, new sockets). The nodes and their contexts are
 * made on this thread, because a ZeroMQ socket must stay on the thread that uses it.
 */
final class SwarmDriver implements Runnable {

    private static final Logger LOG = Logger.getLogger(SwarmDriver.class.getName());
    /** Longest sleep between looks at the nodes' timers, so a clock jump cannot stall a node. */
    private static final long MAX_POLL_MILLIS = 1000;

    private final List<Function<ZContext, SwarmNode>> factories;
    private final int nodesPerContext;
    private final List<SwarmNode> nodes = new ArrayList<>();
    private final List<ZContext> contexts = new ArrayList<>();
    private final Mailbox mailbox = new Mailbox();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile RuntimeException failure;
    private Thread thread;

    SwarmDriver(List<Function<ZContext, SwarmNode>> factories, int nodesPerContext) {
        this.factories = List.copyOf(factories);
        this.nodesPerContext = nodesPerContext;
    }

    void start(String name) {
        thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Why this driver's thread stopped early (its nodes then no longer run), or null. */
    RuntimeException failure() {
        return failure;
    }

    /** Waits until this driver's nodes exist and have connected; returns them. */
    List<SwarmNode> awaitNodes() throws InterruptedException {
        ready.await();
        if (failure != null) {
            throw failure;
        }
        return nodes;
    }

    @Override
    public void run() {
        ZContext pollContext = new ZContext();
        ZMQ.Poller poller = null;
        try {
            for (int i = 0; i < factories.size(); i++) {
                if (i % nodesPerContext == 0) {
                    contexts.add(new ZContext());
                }
                nodes.add(factories.get(i).apply(contexts.get(contexts.size() - 1)));
            }
            long now = System.currentTimeMillis();
            for (SwarmNode node : nodes) {
                node.open(now);
            }
            ready.countDown();
            List<SwarmNode> polled = new ArrayList<>();
            boolean changed = true;
            int mailboxIndex = -1;
            while (running) {
                if (changed) {
                    if (poller != null) {
                        poller.close();
                    }
                    poller = pollContext.createPoller(nodes.size() + 1);
                    polled.clear();
                    for (SwarmNode node : nodes) {
                        if (node.socket() != null) {
                            poller.register(node.socket(), ZMQ.Poller.POLLIN);
                            polled.add(node);
                        }
                    }
                    mailboxIndex = poller.register(mailbox.channel(), ZMQ.Poller.POLLIN);
                    changed = false;
                }
                long wake = Long.MAX_VALUE;
                for (SwarmNode node : nodes) {
                    wake = Math.min(wake, node.nextWake());
                }
                long timeout = Math.max(0, Math.min(MAX_POLL_MILLIS, wake - System.currentTimeMillis()));
                poller.poll(timeout);
                now = System.currentTimeMillis();
                for (int i = 0; i < polled.size(); i++) {
                    if (poller.pollin(i)) {
                        changed |= polled.get(i).receive(now);
                    }
                }
                if (poller.pollin(mailboxIndex)) {
                    mailbox.runAll();
                }
                for (SwarmNode node : nodes) {
                    changed |= node.tick(now);
                }
            }
        } catch (RuntimeException e) {
            failure = e;
            LOG.log(Level.SEVERE, "swarm driver failed: " + e.getMessage(), e);
        } finally {
            ready.countDown();
            if (poller != null) {
                poller.close();
            }
            for (SwarmNode node : nodes) {
                node.close();
            }
            for (ZContext context : contexts) {
                context.close();
            }
            pollContext.close();
            finished.countDown();
        }
    }

    /** Stops the thread and closes its nodes; returns when done. */
    void stop() throws InterruptedException {
        running = false;
        mailbox.post(() -> { });
        finished.await();
        mailbox.close();
    }
}
