package zmq.poll;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The poller on its own, with real pipes: which events reach which handler as interest changes,
 * handles removed and added again for the same channel, and timers. Everything the poller is
 * told happens on its thread, through a command pipe, as JeroMQ's mailboxes do.
 */
class PollerTest {

    private zmq.Ctx ctx;
    private Poller poller;
    private Pipe commandPipe;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws IOException {
        ctx = new zmq.Ctx();
        commandPipe = Pipe.open();
        commandPipe.source().configureBlocking(false);
        startPoller();
    }

    /** A poller whose first handle runs the commands {@link #onPollerThread} queues. */
    private void startPoller() {
        poller = new Poller(ctx, "poller-test");
        Poller.Handle commandHandle = poller.addHandle(commandPipe.source(), new IPollEvents() {
            @Override
            public void inEvent() {
                drain(commandPipe.source());
                for (Runnable command; (command = commands.poll()) != null; ) {
                    command.run();
                }
            }
        });
        poller.setPollIn(commandHandle);
        poller.start();
    }

    @AfterEach
    void stop() throws IOException {
        poller.destroy();
        ctx.terminate();
        commandPipe.sink().close();
        commandPipe.source().close();
    }

    @Test
    void readsReachTheHandlerOnlyWhileItWantsThem() throws Exception {
        Pipe pipe = openPipe();
        Poller.Handle handle = onPollerThread(() -> poller.addHandle(pipe.source(), recorder("a", pipe)));
        write(pipe);
        assertNull(events.poll(200, TimeUnit.MILLISECONDS), "no interest yet, yet an event arrived");

        onPollerThread(() -> {
            poller.setPollIn(handle);
            return null;
        });
        assertEquals("a in", events.poll(5, TimeUnit.SECONDS));

        onPollerThread(() -> {
            poller.resetPollIn(handle);
            return null;
        });
        write(pipe);
        assertNull(events.poll(200, TimeUnit.MILLISECONDS), "interest reset, yet an event arrived");
        onPollerThread(() -> {
            poller.setPollIn(handle);
            return null;
        });
        assertEquals("a in", events.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void writesAreReportedUntilInterestIsReset() throws Exception {
        List<String> outs = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> firstOut = new CompletableFuture<>();
        wantToWrite(openPipe(), 1, outs, firstOut);
        firstOut.get(5, TimeUnit.SECONDS);
        Thread.sleep(200);
        assertEquals(List.of("out"), outs, "a writable channel with its interest reset was reported again");
    }

    @Test
    void aConnectionThatStillHasBytesAfterWritingAheadIsToldWhenItCanWrite() throws Exception {
        List<String> outs = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> drained = new CompletableFuture<>();
        wantToWrite(openPipe(), 3, outs, drained);
        drained.get(5, TimeUnit.SECONDS);
        Thread.sleep(200);
        // One call ahead of registering, then one per write event until it had nothing left.
        assertEquals(List.of("out", "out", "out"), outs);
    }

    @Test
    void aNewWishToWriteIsTriedOnceAheadThenWaitsForTheChannelToBeWritable() throws Exception {
        Pipe pipe = openPipe();
        // A full pipe: not writable, so only the poller's write-ahead can call the handler now.
        while (pipe.sink().write(ByteBuffer.allocate(65536)) > 0) {
            // fill it
        }
        List<String> outs = new CopyOnWriteArrayList<>();
        Poller.Handle[] handle = new Poller.Handle[1];
        onPollerThread(() -> {
            handle[0] = poller.addHandle(pipe.sink(), new IPollEvents() {
                @Override
                public void outEvent() {
                    outs.add("out");
                    try {
                        if (pipe.sink().write(ByteBuffer.wrap(new byte[]{1})) > 0) {
                            poller.resetPollOut(handle[0]); // written: nothing left
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            poller.setPollOut(handle[0]);
            return null;
        });
        Thread.sleep(300);
        assertEquals(List.of("out"), outs, "the handler is called once ahead, then not while the pipe stays full");

        drain(pipe.source());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (outs.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
        assertEquals(List.of("out", "out"), outs, "once writable, the kept wish brought one write event");
    }

    @Test
    void aChannelRemovedAndAddedAgainReportsToItsNewHandlerOnly() throws Exception {
        Pipe pipe = openPipe();
        Poller.Handle[] handle = new Poller.Handle[1];
        onPollerThread(() -> {
            handle[0] = poller.addHandle(pipe.source(), recorder("first", pipe));
            poller.setPollIn(handle[0]);
            return null;
        });
        write(pipe);
        assertEquals("first in", events.poll(5, TimeUnit.SECONDS));

        // Removed, then added again before the poller selects: the old key is cancelled but not
        // yet flushed by the selector when the new handle registers the same channel.
        onPollerThread(() -> {
            poller.removeHandle(handle[0]);
            handle[0] = poller.addHandle(pipe.source(), recorder("second", pipe));
            poller.setPollIn(handle[0]);
            return null;
        });
        write(pipe);
        assertEquals("second in", events.poll(5, TimeUnit.SECONDS));

        // The other order: the new handle first, then the old one removed. Registering hands the
        // new handle the channel's live key; removing the old one must not cancel it.
        onPollerThread(() -> {
            Poller.Handle old = handle[0];
            handle[0] = poller.addHandle(pipe.source(), recorder("third", pipe));
            poller.setPollIn(handle[0]);
            poller.removeHandle(old);
            return null;
        });
        write(pipe);
        assertEquals("third in", events.poll(5, TimeUnit.SECONDS));
        write(pipe);
        assertEquals("third in", events.poll(5, TimeUnit.SECONDS));
        assertNull(events.poll(200, TimeUnit.MILLISECONDS), "a removed handle still got an event");
    }

    @Test
    void aHandleRemovedInsideItsEventGetsNoFurtherEvents() throws Exception {
        Pipe pipe = openPipe();
        Poller.Handle[] handle = new Poller.Handle[1];
        onPollerThread(() -> {
            handle[0] = poller.addHandle(pipe.source(), new IPollEvents() {
                @Override
                public void inEvent() {
                    events.add("in");
                    // Not drained: the channel stays readable, so only the removal stops reports.
                    poller.removeHandle(handle[0]);
                }
            });
            poller.setPollIn(handle[0]);
            return null;
        });
        write(pipe);
        assertEquals("in", events.poll(5, TimeUnit.SECONDS));
        assertNull(events.poll(300, TimeUnit.MILLISECONDS), "a removed handle was reported again");
    }

    @Test
    void timersFireOnThePollerThreadAndCancelledOnesDoNot() throws Exception {
        IPollEvents timers = new IPollEvents() {
            @Override
            public void timerEvent(int id) {
                events.add("timer " + id + " on " + Thread.currentThread().getName());
            }
        };
        onPollerThread(() -> {
            poller.addTimer(50, timers, 1);
            poller.addTimer(100, timers, 2);
            poller.cancelTimer(timers, 2);
            poller.addTimer(150, timers, 3);
            return null;
        });
        assertEquals("timer 1 on poller-test", events.poll(5, TimeUnit.SECONDS));
        assertEquals("timer 3 on poller-test", events.poll(5, TimeUnit.SECONDS));
        assertNull(events.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    void anExceptionInAHandlerIsReportedAndTheLoopGoesOn() throws Exception {
        BlockingQueue<Throwable> reported = new LinkedBlockingQueue<>();
        ctx.setNotificationExceptionHandler((thread, error) -> reported.add(error));
        poller.destroy(); // a poller takes the context's handler when it is made: make one anew
        startPoller();

        Pipe pipe = openPipe();
        onPollerThread(() -> {
            Poller.Handle[] failing = new Poller.Handle[1];
            failing[0] = poller.addHandle(pipe.source(), new IPollEvents() {
                @Override
                public void inEvent() {
                    poller.removeHandle(failing[0]);
                    throw new IllegalStateException("broken handler");
                }
            });
            poller.setPollIn(failing[0]);
            return null;
        });
        write(pipe);
        Throwable error = reported.poll(5, TimeUnit.SECONDS);
        assertTrue(error instanceof IllegalStateException, "reported: " + error);
        // Still serving: a command runs after the failure.
        assertEquals("alive", onPollerThread(() -> "alive"));
    }

    /**
     * Adds the pipe's writing end wanting to write; its handler records "out" each call and, at the
     * given call, resets that wish (as an engine does once its buffer is written) and completes done.
     */
    private void wantToWrite(Pipe pipe, int calls, List<String> outs, CompletableFuture<Void> done) throws Exception {
        Poller.Handle[] handle = new Poller.Handle[1];
        int[] left = {calls};
        onPollerThread(() -> {
            handle[0] = poller.addHandle(pipe.sink(), new IPollEvents() {
                @Override
                public void outEvent() {
                    outs.add("out");
                    if (--left[0] == 0) {
                        poller.resetPollOut(handle[0]);
                        done.complete(null);
                    }
                }
            });
            poller.setPollOut(handle[0]);
            return null;
        });
    }

    private IPollEvents recorder(String name, Pipe pipe) {
        return new IPollEvents() {
            @Override
            public void inEvent() {
                drain(pipe.source());
                events.add(name + " in");
            }
        };
    }

    private <T> T onPollerThread(Callable<T> work) throws Exception {
        CompletableFuture<T> done = new CompletableFuture<>();
        commands.add(() -> {
            try {
                done.complete(work.call());
            } catch (Exception | Error e) {
                done.completeExceptionally(e);
            }
        });
        commandPipe.sink().write(ByteBuffer.wrap(new byte[]{1}));
        return done.get(5, TimeUnit.SECONDS);
    }

    private static Pipe openPipe() throws IOException {
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        pipe.sink().configureBlocking(false);
        return pipe;
    }

    private static void write(Pipe pipe) throws IOException {
        pipe.sink().write(ByteBuffer.wrap(new byte[]{7}));
    }

    private static void drain(Pipe.SourceChannel source) {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        try {
            while (source.read(buffer) > 0) {
                buffer.clear();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
