package io.director.dsl.wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tasks handed to a loop thread (the server loop, a node's link) from other threads. A pipe
 * wakes the loop's poller (JeroMQ polls JDK selectable channels next to its sockets), so the
 * loop sleeps until there is work and never touches a ZeroMQ socket from another thread.
 * Wake-ups are coalesced.
 */
public final class Mailbox implements AutoCloseable {

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final Pipe pipe;
    private final ByteBuffer drain = ByteBuffer.allocate(64);

    public Mailbox() {
        try {
            pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            pipe.sink().configureBlocking(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Pipe.SourceChannel channel() {
        return pipe.source();
    }

    public void post(Runnable task) {
        tasks.add(task);
        if (signalled.compareAndSet(false, true)) {
            try {
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            } catch (IOException e) {
                // closed while shutting down: the task will not run, which is what stop means
            }
        }
    }

    /** Runs every queued task on the calling (loop) thread. */
    public void runAll() {
        // Empty the pipe first, then take the flag down. The other order lost wake-ups: a sender
        // that raised the flag and wrote its byte between the two had its byte eaten, so the
        // flag stayed up with nothing in the pipe and every later sender skipped its write.
        try {
            while (pipe.source().read(drain.clear()) == drain.capacity()) {
                // emptying the wake-up pipe: a short read took the last bytes
            }
        } catch (IOException e) {
            // closed while shutting down
        }
        // A sender from here on finds the flag down and writes; one before it queued its task
        // first, so the loop below finds that task.
        signalled.set(false);
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    @Override
    public void close() {
        try {
            pipe.sink().close();
            pipe.source().close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
