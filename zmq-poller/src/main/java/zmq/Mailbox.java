package zmq;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * <p>Many threads send; one thread receives, as JeroMQ requires.
 */
public class Mailbox implements IMailbox {

    /** Tells a check (tests, the distribution's) which mailbox a class path resolved to. */
    public static final String ORIGIN = "director";

    private final Queue<Command> commands = new ConcurrentLinkedQueue<>();
    // True once the reader found the queue empty: the next sender must signal it. It starts true
    // because a reader may begin by waiting on the signal's channel (an I/O thread's poller does).
    private final AtomicBoolean readerWaiting = new AtomicBoolean(true);
    private final Signaler signaler;
    private final Errno errno;
    private final String name;

    public Mailbox(Ctx ctx, String name, int tid) {
        this.errno = ctx.errno();
        this.signaler = new Signaler(ctx, tid, errno);
        this.name = name;
    }

    /** The channel that turns readable when a waiting reader has a command. */
    public SelectableChannel getFd() {
        return signaler.getFd();
    }

    @Override
    public void send(Command cmd) {
        commands.add(cmd);
        // The first sender after the reader ran dry signals it; the others find the flag down.
        if (readerWaiting.get() && readerWaiting.compareAndSet(true, false)) {
            signaler.send();
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
            // A signal may also be left over from a sender whose command was taken without
            // waiting; it is read here like any other, and the queue looked at again.
            if (!signaler.waitEvent(timeout)) {
                return null; // errno says why: EAGAIN (nothing in time) or EINTR
            }
            errno.set(0); // so that EINTR below is this read's (the signal's channel was closed)
            signaler.recv();
            if (errno.get() == ZError.EINTR) {
                return null;
            }
        }
    }

    @Override
    public void close() throws IOException {
        signaler.close();
    }

    @Override
    public String toString() {
        return super.toString() + "[" + name + "]";
    }
}
