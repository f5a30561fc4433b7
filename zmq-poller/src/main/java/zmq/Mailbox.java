package zmq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import zmq.util.Errno;

/**
 * The command mailbox of a JeroMQ socket, I/O thread, reaper or context, written for Director
 * under the class name JeroMQ 0.6.0 calls, with the public methods it calls. It replaces JeroMQ's
 * own.
 *
 * <p>Why: JeroMQ's mailbox writes a byte to its signal pipe for every command, and its reader
 * reads one back for each: two system calls per command even when the reader is wide awake and
 * would have found the command anyway. A message on a connection that was idle is one command
 * from the I/O thread to the socket, and a message sent to an idle connection is one command the
 * other way, so a server answering 1,000 heartbeats a second made 4,000 of these calls a second.
 * This mailbox signals only a reader that found its queue empty and may be waiting, as libzmq's
 * does: a reader that is busy, or that leaves its socket alone for a while to gather work, gets
 * one signal for the whole batch.
 *
 * <p>It also keeps its own signal pipe instead of JeroMQ's {@code Signaler}, whose non-blocking
 * check trusts a counter that the sender raises only after its write returns: a reader woken by
 * the byte in between found "no signal", left the byte in the pipe and went back to its poller,
 * which woke it again at once, until the sender's thread ran again. On two busy cores that spin
 * was about 170,000 empty wake-ups a second of the server's I/O thread while it ran jobs. This
 * mailbox empties its pipe whenever it finds its queue empty, so a byte never outlives the look
 * that follows it.
 *
 * <p>Many threads send; one thread receives, as JeroMQ requires.
 */
public class Mailbox implements IMailbox {

    /** Tells a check (tests, the distribution's) which mailbox a class path resolved to. */
    public static final String ORIGIN = "director";

    private final Queue<Command> commands = new ConcurrentLinkedQueue<>();
    // True once the reader found the queue empty: the next sender must signal it. It starts true
    // because a reader may begin by waiting on the signal's channel (an I/O thread's poller does).
    private final AtomicBoolean readerWaiting = new AtomicBoolean(true);
    private final Ctx ctx;
    private final Pipe.SourceChannel signalIn;
    private final Pipe.SinkChannel signalOut;
    // Only for a reader that blocks in recv (a socket's blocking call, the context's termination).
    private final Selector selector;
    private final ByteBuffer drain = ByteBuffer.allocate(64);
    // Signals written or about to be (a sender counts before it writes), and those read back: the
    // reader touches the pipe only when they differ, so looking at an empty queue costs no call.
    private final AtomicLong signalsSent = new AtomicLong();
    private long signalsRead;
    private final Errno errno;
    private final String name;

    public Mailbox(Ctx ctx, String name, int tid) {
        this.ctx = ctx;
        this.errno = ctx.errno();
        this.name = name;
        try {
            Pipe pipe = Pipe.open();
            signalIn = pipe.source();
            signalOut = pipe.sink();
            signalIn.configureBlocking(false);
            signalOut.configureBlocking(false);
            selector = ctx.createSelector();
            signalIn.register(selector, SelectionKey.OP_READ);
        } catch (IOException e) {
            throw new ZError.IOException(e);
        }
    }

    /** The channel that turns readable when a waiting reader has a command. */
    public SelectableChannel getFd() {
        return signalIn;
    }

    @Override
    public void send(Command cmd) {
        commands.add(cmd);
        // The first sender after the reader ran dry signals it; the others find the flag down.
        if (readerWaiting.get() && readerWaiting.compareAndSet(true, false)) {
            signal();
        }
    }

    @Override
    public Command recv(long timeout) {
        while (true) {
            Command cmd = commands.poll();
            if (cmd != null) {
                return cmd;
            }
            if (!readerWaiting.get()) {
                // Say so first, then look once more: a sender that came in between saw the flag
                // down and did not signal, so its command must be found by that second look.
                readerWaiting.set(true);
                continue;
            }
            // Empty, and senders will signal. Bytes in the pipe are from senders whose commands
            // were taken already, or are in the queue now: read them, so the channel goes quiet.
            if (!drainSignals()) {
                return null; // the pipe was closed: errno says EINTR
            }
            cmd = commands.poll();
            if (cmd != null) {
                return cmd;
            }
            if (timeout == 0) {
                errno.set(ZError.EAGAIN);
                return null;
            }
            if (!awaitSignal(timeout)) {
                return null; // errno says why: EAGAIN (nothing in time) or EINTR
            }
        }
    }

    private void signal() {
        signalsSent.incrementAndGet();
        try {
            if (uninterrupted(() -> signalOut.write(ByteBuffer.wrap(new byte[] {0}))) == 0) {
                // A full pipe already holds bytes that will wake the reader; this one is not owed.
                signalsSent.decrementAndGet();
            }
        } catch (ClosedChannelException e) {
            // Closed while the context ends: nobody is left to wake.
        } catch (IOException e) {
            throw new ZError.IOException(e);
        }
    }

    /**
     * Reads every signal written so far; false (errno EINTR) when the pipe is closed. A signal
     * counted but not written yet is read at a later look: by then it has woken the reader.
     */
    private boolean drainSignals() {
        if (signalsSent.get() == signalsRead) {
            return true;
        }
        try {
            uninterrupted(() -> {
                int read;
                do {
                    read = signalIn.read(drain.clear());
                    signalsRead += Math.max(0, read);
                } while (read == drain.capacity());
                return read;
            });
            return true;
        } catch (ClosedChannelException e) {
            errno.set(ZError.EINTR);
            return false;
        } catch (IOException e) {
            throw new ZError.IOException(e);
        }
    }

    private interface PipeIo {
        int run() throws IOException;
    }

    /**
     * Reads or writes the signal pipe with the thread's interrupt put aside: NIO closes an
     * interruptible channel on an interrupt, under every other thread too. JeroMQ's signaler
     * masks it the same way.
     */
    private static int uninterrupted(PipeIo io) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            return io.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for a signal: true when one came; false with errno EAGAIN (time up) or EINTR. */
    private boolean awaitSignal(long timeout) {
        if (Thread.interrupted()) {
            errno.set(ZError.EINTR); // as JeroMQ's signaler: the interrupt is taken
            return false;
        }
        try {
            int ready = selector.select(timeout < 0 ? 0 : timeout);
            selector.selectedKeys().clear();
            if (ready > 0) {
                return true;
            }
            if (Thread.interrupted()) {
                errno.set(ZError.EINTR);
                return false;
            }
            if (timeout < 0) {
                return true; // woken without a signal (the selector was woken): look again
            }
            errno.set(ZError.EAGAIN);
            return false;
        } catch (ClosedSelectorException e) {
            errno.set(ZError.EINTR);
            return false;
        } catch (IOException e) {
            throw new ZError.IOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (java.io.Closeable channel : new java.io.Closeable[] {signalIn, signalOut}) {
            try {
                channel.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        ctx.closeSelector(selector);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return super.toString() + "[" + name + "]";
    }
}
