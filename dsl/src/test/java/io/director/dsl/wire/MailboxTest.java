package io.director.dsl.wire;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailboxTest {

    /**
     * A loop that sleeps on the mailbox's channel and runs the tasks only when it turns readable,
     * as the server loop and a node's link do, with a wait far longer than any test allows.
     */
    private static final class Loop implements AutoCloseable {
        final Mailbox mailbox = new Mailbox();
        final AtomicReference<Thread> runner = new AtomicReference<>();
        private volatile boolean running = true;
        private final Thread thread;

        Loop() throws IOException {
            Selector selector = Selector.open();
            mailbox.channel().register(selector, SelectionKey.OP_READ);
            thread = new Thread(() -> {
                runner.set(Thread.currentThread());
                try (selector) {
                    while (running) {
                        if (selector.select(60_000) > 0) {
                            selector.selectedKeys().clear();
                            mailbox.runAll();
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, "mailbox-test-loop");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            mailbox.post(() -> { });
            thread.join(5_000);
            mailbox.close();
        }
    }

    @Test
    void aTaskPostedFromAnotherThreadRunsOnTheLoopThread() throws Exception {
        try (Loop loop = new Loop()) {
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            CountDownLatch ran = new CountDownLatch(1);
            loop.mailbox.post(() -> {
                ranOn.set(Thread.currentThread());
                ran.countDown();
            });
            assertTrue(ran.await(5, TimeUnit.SECONDS), "the task never ran");
            assertEquals(loop.runner.get(), ranOn.get());
        }
    }

    /**
     * Senders post while the loop is inside runAll. A sender that signalled just before the loop
     * emptied its wake-up pipe must not leave the mailbox believing a signal is pending: every
     * later task would then wait for some other wake-up (it once held a node's job result for
     * ten seconds, until the next message from the server).
     */
    @Test
    void noTaskWaitsForAWakeUpThatNeverComes() throws Exception {
        int senders = 4;
        int tasksEach = 20_000;
        try (Loop loop = new Loop()) {
            AtomicInteger ran = new AtomicInteger();
            AtomicReference<String> stuck = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int sender = s;
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < tasksEach && stuck.get() == null; i++) {
                        CountDownLatch done = new CountDownLatch(1);
                        loop.mailbox.post(() -> {
                            ran.incrementAndGet();
                            done.countDown();
                        });
                        try {
                            if (!done.await(2, TimeUnit.SECONDS)) {
                                stuck.compareAndSet(null, "sender " + sender + ", task " + i + " did not run in 2 s");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join(120_000);
            }
            assertNull(stuck.get());
            assertEquals(senders * tasksEach, ran.get());
        }
    }
}
