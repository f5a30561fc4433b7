package zmq.poll;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import zmq.Ctx;
import zmq.ZError;

/**
 * The event loop of one JeroMQ I/O thread (and of its reaper), written for Director under the
 * class name JeroMQ 0.6.0 calls, with the public methods it calls. It replaces JeroMQ's own.
 *
 * <p>Why: JeroMQ's poller re-applies the interest of every registered channel whenever any one
 * of them changes. A message sent to an idle connection changes that connection's interest twice
 * (write wanted, then written), so on a server holding 10,000 connections each answer cost two
 * passes over 10,000 selection keys. This one queues the handles whose interest changed and
 * touches only those before the next select, as libzmq's epoll poller does. Everything else
 * behaves as JeroMQ expects: one thread, the timers of {@link PollerBase}, events in the order
 * accept, connect, write, read, and errors in a handler reported to the context's handler
 * without stopping the loop.
 *
 * <p>All methods but {@link #start()}, {@link #stop()} and {@link #destroy()} are called on the
 * poller's own thread (or before it starts), as JeroMQ does; nothing here is locked.
 */
public final class Poller extends PollerBase implements Runnable {

    /** Tells a check (tests, the distribution's) which poller a class path resolved to. */
    public static final String ORIGIN = "director";

    /** One registered channel: what it wants to be told about, and its key once registered. */
    public static final class Handle {
        private final SelectableChannel fd;
        private final IPollEvents handler;
        private int ops;
        private boolean cancelled;
        private boolean queued;
        private SelectionKey key;

        public Handle(SelectableChannel fd, IPollEvents handler) {
            this.fd = fd;
            this.handler = handler;
        }

        @Override
        public String toString() {
            return "Handle-" + fd;
        }
    }

    private final Ctx ctx;
    private final Thread.UncaughtExceptionHandler errors;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    // Every live handle, only to register them again on a new selector; touched on add and remove.
    private final Set<Handle> handles = Collections.newSetFromMap(new IdentityHashMap<>());
    // Handles whose interest changed (or that were added or removed) since the last select.
    private final ArrayList<Handle> changed = new ArrayList<>();
    private Selector selector;

    public Poller(Ctx ctx, String name) {
        super(name, ctx.getThreadFactory());
        this.ctx = ctx;
        this.errors = ctx.getNotificationExceptionHandler();
        this.selector = ctx.createSelector();
    }

    public Handle addHandle(SelectableChannel fd, IPollEvents events) {
        Handle handle = new Handle(fd, events);
        handles.add(handle);
        queue(handle);
        adjustLoad(1);
        return handle;
    }

    public void removeHandle(Handle handle) {
        handle.cancelled = true;
        queue(handle);
        adjustLoad(-1);
    }

    public void setPollIn(Handle handle) {
        interest(handle, handle.ops | SelectionKey.OP_READ);
    }

    public void resetPollIn(Handle handle) {
        interest(handle, handle.ops & ~SelectionKey.OP_READ);
    }

    public void setPollOut(Handle handle) {
        interest(handle, handle.ops | SelectionKey.OP_WRITE);
    }

    public void resetPollOut(Handle handle) {
        interest(handle, handle.ops & ~SelectionKey.OP_WRITE);
    }

    public void setPollConnect(Handle handle) {
        interest(handle, handle.ops | SelectionKey.OP_CONNECT);
    }

    public void setPollAccept(Handle handle) {
        interest(handle, handle.ops | SelectionKey.OP_ACCEPT);
    }

    public void start() {
        worker.start();
    }

    public void stop() {
        stopping.set(true);
        selector.wakeup();
    }

    public void destroy() {
        stop();
        try {
            if (worker.getState() != Thread.State.NEW) {
                stopped.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ctx.closeSelector(selector);
        }
    }

    @Override
    public void run() {
        try {
            while (!stopping.get()) {
                long timeout = executeTimers();
                applyChanges();
                try {
                    selector.select(timeout);
                } catch (ClosedSelectorException e) {
                    replaceSelector();
                    errors.uncaughtException(worker, e);
                    ctx.errno().set(ZError.EINTR);
                    continue;
                } catch (IOException e) {
                    throw new ZError.IOException(e);
                }
                dispatch();
            }
        } finally {
            stopped.countDown();
        }
    }

    private void interest(Handle handle, int ops) {
        if (handle.ops != ops) {
            handle.ops = ops;
            queue(handle);
        }
    }

    private void queue(Handle handle) {
        if (!handle.queued) {
            handle.queued = true;
            changed.add(handle);
        }
    }

    private void applyChanges() {
        if (changed.isEmpty()) {
            return;
        }
        // A handler called here may change interest again: the list may grow while it is walked.
        for (int i = 0; i < changed.size(); i++) {
            Handle handle = changed.get(i);
            if (wantsWriteAnew(handle)) {
                writeAhead(handle);
            }
            handle.queued = false;
            apply(handle);
        }
        changed.clear();
    }

    /**
     * A connection that asked to be told when it can write, not registered for it yet. JeroMQ's
     * engine asks, writes what it has at once, and drops the wish only at the next write event,
     * when it finds nothing left: so every message to an idle connection cost two interest changes
     * (two epoll_ctl calls) and a wake-up for nothing. Calling its write handler once more before
     * registering lets it find that out now; if it still has bytes (a full socket buffer), the wish
     * stays and is registered as usual. JeroMQ's engine calls the same handler ahead of any event
     * itself (restartOutput); its connecters' write handlers do nothing.
     */
    private boolean wantsWriteAnew(Handle handle) {
        if (handle.cancelled || (handle.ops & SelectionKey.OP_WRITE) == 0
                || (handle.ops & SelectionKey.OP_CONNECT) != 0 || !handle.fd.isOpen()) {
            return false;
        }
        SelectionKey key = handle.key;
        return key == null || !key.isValid() || (key.interestOps() & SelectionKey.OP_WRITE) == 0;
    }

    private void writeAhead(Handle handle) {
        // Still queued while the handler runs, so a change it makes is applied just below.
        try {
            handle.handler.outEvent();
        } catch (CancelledKeyException e) {
            // Its channel was closed by the handler; apply() drops the handle.
        } catch (RuntimeException e) {
            errors.uncaughtException(worker, e);
        }
    }

    private void apply(Handle handle) {
        if (handle.cancelled || !handle.fd.isOpen()) {
            // A key the channel's next handle took over (register hands back the live key) stays.
            if (handle.key != null && handle.key.attachment() == handle) {
                handle.key.cancel();
            }
            handle.key = null;
            handles.remove(handle);
            return;
        }
        try {
            if (handle.key != null && handle.key.isValid()) {
                if (handle.key.interestOps() != handle.ops) {
                    handle.key.interestOps(handle.ops);
                }
                return;
            }
            try {
                handle.key = handle.fd.register(selector, handle.ops, handle);
            } catch (CancelledKeyException e) {
                // The channel's previous key (a handle removed and added again) is cancelled
                // but still held by the selector until its next select: flush it, then register.
                selector.selectNow();
                handle.key = handle.fd.register(selector, handle.ops, handle);
            }
        } catch (CancelledKeyException | ClosedSelectorException | IOException e) {
            errors.uncaughtException(worker, e);
        }
    }

    private void dispatch() {
        Set<SelectionKey> ready = selector.selectedKeys();
        if (ready.isEmpty()) {
            return;
        }
        Iterator<SelectionKey> keys = ready.iterator();
        while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            Handle handle = (Handle) key.attachment();
            if (handle.cancelled) {
                continue;
            }
            try {
                // A handler may remove its handle (an engine that fails): stop at that point.
                if (key.isValid() && key.isAcceptable()) {
                    handle.handler.acceptEvent();
                }
                if (!handle.cancelled && key.isValid() && key.isConnectable()) {
                    handle.handler.connectEvent();
                }
                if (!handle.cancelled && key.isValid() && key.isWritable()) {
                    handle.handler.outEvent();
                }
                if (!handle.cancelled && key.isValid() && key.isReadable()) {
                    handle.handler.inEvent();
                }
            } catch (CancelledKeyException e) {
                // Its channel was closed by a handler; the handle goes at the next apply.
            } catch (RuntimeException e) {
                errors.uncaughtException(worker, e);
            }
        }
    }

    private void replaceSelector() {
        selector = ctx.createSelector();
        for (Handle handle : handles) {
            handle.key = null;
            queue(handle);
        }
    }
}
