package io.director.client.link;

import io.director.dsl.DirectorVersion;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.JobResult;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.NodeState;
import io.director.dsl.wire.ProtocolException;
import io.director.dsl.wire.WireCodec;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node's link against a real ROUTER on loopback that plays the server. */
class ServerLinkTest {

    @Test
    void aMalformedMessageFromTheServerIsReportedAndTheNodeSaysHelloAgainOncePerInterval() throws Exception {
        try (ZContext context = new ZContext();
             Welcomed welcomed = startWelcomed(context, 60_000)) {
            ZMQ.Socket router = welcomed.router();
            router.setReceiveTimeOut(10_000);

            // What a frame lost in transit looks like: not JSON at all.
            send(router, welcomed.routingId(), "\u0007MESSAGE garbage".getBytes(StandardCharsets.ISO_8859_1));
            assertInstanceOf(Message.Error.class, receive(router).message());
            assertInstanceOf(Message.Hello.class, receive(router).message(),
                    "a dropped message may have been a job: the node asks for its jobs again");

            // A second one within the heartbeat interval is reported, not answered by another hello.
            send(router, welcomed.routingId(), "{not json".getBytes(StandardCharsets.UTF_8));
            assertInstanceOf(Message.Error.class, receive(router).message());
            router.setReceiveTimeOut(1_000);
            Received next = receiveOrNull(router);
            if (next != null) {
                assertEquals(Message.Heartbeat.class, next.message().getClass(), "only heartbeats may follow");
            }
        }
    }

    /**
     * The link destroys its socket when the server has been silent, at whatever moment of the
     * connection that finds it: just as a restarted server accepts it, the connection's last
     * events are still on their way to the monitor. Destroyed that way two hundred times (within
     * the first milliseconds, the handshake), the context must still connect a new socket each
     * time; destroying the monitor's reader first left JeroMQ's I/O thread blocked for good
     * within a few rounds.
     */
    @Test
    void socketsDestroyedMidConnectionLeaveTheContextAbleToConnectTheNext() throws Exception {
        try (ZContext server = new ZContext(); ZContext node = new ZContext()) {
            ZMQ.Socket router = server.createSocket(SocketType.ROUTER);
            router.setReceiveTimeOut(5_000);
            int port = router.bindToRandomPort("tcp://127.0.0.1");
            String endpoint = "tcp://127.0.0.1:" + port;
            java.util.Random random = new java.util.Random(7);
            for (int round = 0; round < 200; round++) {
                ZMQ.Socket dropped = node.createSocket(SocketType.DEALER);
                dropped.setLinger(0);
                String address = "inproc://destroyed-mid-connection-" + round;
                dropped.monitor(address, ZMQ.EVENT_CONNECTED | ZMQ.EVENT_DISCONNECTED);
                ZMQ.Socket reader = node.createSocket(SocketType.PAIR);
                reader.connect(address);
                dropped.connect(endpoint);
                dropped.send("hello", ZMQ.DONTWAIT);
                Thread.sleep(random.nextInt(5));
                ServerLink.destroyMonitored(node, dropped, reader);

                ZMQ.Socket next = node.createSocket(SocketType.DEALER);
                next.setLinger(0);
                next.connect(endpoint);
                next.send("round " + round);
                String heard;
                do {
                    assertNotNull(router.recv(0), "round " + round + ": the next socket of the context never connected");
                    heard = router.recvStr(0);
                } while (!heard.equals("round " + round));
                ServerLink.destroyMonitored(node, next, null);
            }
        }
    }

    /**
     * A thousand jobs at once take a while to take in (here 3 ms each: 3 s, six heartbeat
     * intervals); the server must hear a heartbeat every interval meanwhile, or it expires the node.
     */
    @Test
    void heartbeatsGoOutWhileABurstOfJobsIsTakenIn() throws Exception {
        try (ZContext context = new ZContext()) {
            ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
            router.setReceiveTimeOut(35_000);
            router.setSndHWM(0); // the whole burst is queued, none dropped
            int port = router.bindToRandomPort("tcp://127.0.0.1");
            java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
            LinkListener slow = new NoListener() {
                @Override
                public void onJobs(List<Job> jobs) {
                    for (Job job : jobs) {
                        try {
                            Thread.sleep(3);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        taken.incrementAndGet();
                    }
                }
            };
            long interval = 500;
            ServerLink link = new ServerLink("127.0.0.1", port, "node-a", "machine-a", Map.of(), Map.of(), null,
                    LinkSecurity.plaintext(), interval, slow, () -> null);
            link.start();
            try {
                Received hello = receive(router);
                assertInstanceOf(Message.Hello.class, hello.message());
                send(router, hello.routingId(), WireCodec.encode(new Message.Welcome(DirectorVersion.PROTOCOL,
                        "test", interval, 1024)));
                io.director.dsl.verb.JobDefinition definition = io.director.dsl.verb.JobParser.standard()
                        .parse("ECHO", "hello");
                int burst = 1000;
                for (int i = 0; i < burst; i++) {
                    Job job = new Job("job-" + i, "job-" + i, null, definition,
                            io.director.dsl.verb.Fingerprint.of(definition));
                    send(router, hello.routingId(), WireCodec.encode(new Message.Dispatch(job)));
                }
                long sent = System.currentTimeMillis();
                router.setReceiveTimeOut(2_000);
                long last = sent;
                long longestSilence = 0;
                int heartbeats = 0;
                while (taken.get() < burst) {
                    Received next = receiveOrNull(router);
                    long now = System.currentTimeMillis();
                    assertFalse(next != null && next.message() instanceof Message.Hello,
                            "the node took the server for silent and connected again");
                    if (next != null && next.message() instanceof Message.Heartbeat heartbeat) {
                        // Answered as the server does, behind the jobs still queued for the node.
                        send(router, next.routingId(), WireCodec.encode(new Message.HeartbeatAck(heartbeat.sentAt())));
                        heartbeats++;
                        longestSilence = Math.max(longestSilence, now - last);
                        last = now;
                    }
                    assertTrue(now - sent < 60_000, "the burst was not taken in: " + taken.get());
                }
                longestSilence = Math.max(longestSilence, System.currentTimeMillis() - last);
                assertTrue(System.currentTimeMillis() - sent >= 6 * interval, "the intake lasted several intervals");
                assertTrue(heartbeats >= 3, "heartbeats during the burst: " + heartbeats);
                assertTrue(longestSilence < 3 * interval, "the server heard nothing for " + longestSilence + " ms");
            } finally {
                link.close();
            }
        }
    }

    /**
     * While the server answers, the node asks for an answer on every other heartbeat (the last
     * answer is then more than an interval old); once the server stops answering, the node keeps
     * its socket for four silent intervals, then connects again and says hello.
     */
    @Test
    void theNodeAsksForEveryOtherAnswerAndGivesUpAfterFourSilentIntervals() throws Exception {
        long interval = 300;
        try (ZContext context = new ZContext();
             Welcomed welcomed = startWelcomed(context, interval)) {
            ZMQ.Socket router = welcomed.router();
            router.setReceiveTimeOut(5_000);
            StringBuilder asked = new StringBuilder();
            long lastAnswer = System.currentTimeMillis();
            for (int i = 0; i < 8; i++) {
                Received next = receive(router);
                if (i == 0 && next.message() instanceof Message.Hello) {
                    i--; // sent again before the welcome arrived: the node says hello every interval until then
                    continue;
                }
                Message.Heartbeat heartbeat = assertInstanceOf(Message.Heartbeat.class, next.message());
                asked.append(heartbeat.answerWanted() ? 'y' : 'n');
                if (heartbeat.answerWanted()) {
                    send(router, next.routingId(), WireCodec.encode(new Message.HeartbeatAck(heartbeat.sentAt())));
                    lastAnswer = System.currentTimeMillis();
                }
            }
            // The first comes an interval after the welcome, which the node counts as heard.
            assertEquals("nynynyny", asked.toString(), "heartbeats that asked for an answer (y)");

            // Silence now: heartbeats go on until the node gives its socket up.
            Received next;
            do {
                next = receive(router);
            } while (next.message() instanceof Message.Heartbeat);
            long silence = System.currentTimeMillis() - lastAnswer;
            assertInstanceOf(Message.Hello.class, next.message(), "after the silence, a hello on a new socket");
            assertTrue(silence > 4 * interval, "gave up after " + silence + " ms of silence");
            // Four intervals, a backoff of at most 1.5 s, and room for a busy machine.
            assertTrue(silence < 4 * interval + 1_500 + 2_000, "gave up only after " + silence + " ms");
        }
    }

    @Test
    void aJobThatFinishesQuicklySendsOnlyItsResultAndALongerOneItsStartAMomentLater() throws Exception {
        try (ZContext context = new ZContext();
             Welcomed welcomed = startWelcomed(context, 60_000)) {
            ZMQ.Socket router = welcomed.router();
            ServerLink link = welcomed.link();
            router.setReceiveTimeOut(5_000);
            // The welcome must be in before the link sends anything of a job's.
            awaitEnrolled(link);

            long now = System.currentTimeMillis();
            link.send(new Message.Started("quick", now));
            link.send(new Message.Result(new JobResult("quick", NodeState.SUCCESS, 0, "", "", null, 0.01, now,
                    now + 10)));
            Message.Result result = assertInstanceOf(Message.Result.class, receive(router).message());
            assertEquals("quick", result.result().jobId());

            long sent = System.currentTimeMillis();
            link.send(new Message.Started("slow", sent));
            Message.Started started = assertInstanceOf(Message.Started.class, receive(router).message(),
                    "the quick job's start was never sent: the next message is the slow one's");
            long waited = System.currentTimeMillis() - sent;
            assertEquals("slow", started.jobId());
            assertTrue(waited >= ServerLink.STARTED_AFTER_MILLIS - 5, "sent after " + waited + " ms");
            assertTrue(waited < 3_000, "held for " + waited + " ms");
        }
    }

    /** Waits until the welcome is in: the link sends nothing of a job's before. */
    private static void awaitEnrolled(ServerLink link) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (!link.enrolled() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(link.enrolled(), "the link took the welcome in");
    }

    /** A ROUTER playing the server, and a started link that said hello and was welcomed; closing stops the link. */
    private record Welcomed(ZMQ.Socket router, ServerLink link, byte[] routingId) implements AutoCloseable {
        @Override
        public void close() {
            link.close();
        }
    }

    /**
     * Jobs and acknowledgements read in one go reach the client together (one transaction each
     * in its cache), in the server's order, at most {@link ServerLink#INTAKE_BATCH} at a time;
     * any other message hands over what came before it first.
     */
    @Test
    void aBurstIsHandedOverInBatchesInTheServersOrder() throws Exception {
        List<String> events = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        List<Integer> batches = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.CountDownLatch firstBatch = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        LinkListener recording = new NoListener() {
            @Override
            public void onJobs(List<Job> jobs) {
                batches.add(jobs.size());
                jobs.forEach(job -> events.add(job.jobId()));
                firstBatch.countDown();
                try {
                    release.await(); // the rest of the burst queues up meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onResultsAcknowledged(List<String> jobIds) {
                batches.add(jobIds.size());
                jobIds.forEach(id -> events.add("ack " + id));
            }

            @Override
            public void onQueryAnswer(Message.QueryAnswer answer) {
                events.add("answer " + answer.jobId());
            }
        };
        try (ZContext context = new ZContext()) {
            Welcomed welcomed = startWelcomed(context, 60_000, recording);
            ZMQ.Socket router = welcomed.router();
            ServerLink link = welcomed.link();
            try {
                awaitEnrolled(link);
                io.director.dsl.verb.JobDefinition definition = io.director.dsl.verb.JobParser.standard()
                        .parse("ECHO", "hello");
                List<String> expected = new java.util.ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    if (i == 1) {
                        assertTrue(firstBatch.await(5, java.util.concurrent.TimeUnit.SECONDS));
                    }
                    String id = "job-" + i;
                    send(router, welcomed.routingId(), WireCodec.encode(new Message.Dispatch(new Job(id, id, null,
                            definition, io.director.dsl.verb.Fingerprint.of(definition)))));
                    expected.add(id);
                    if (i == 150) {
                        send(router, welcomed.routingId(),
                                WireCodec.encode(new Message.QueryAnswer("q", "x", Map.of())));
                        expected.add("answer q");
                    }
                    if (i % 3 == 0) {
                        send(router, welcomed.routingId(), WireCodec.encode(new Message.ResultAck("r-" + i)));
                        expected.add("ack r-" + i);
                    }
                }
                Thread.sleep(200); // all of it queued at the node
                release.countDown();
                long deadline = System.currentTimeMillis() + 10_000;
                while (events.size() < expected.size() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                }
                List<String> jobsInOrder = events.stream().filter(e -> e.startsWith("job-")).toList();
                assertEquals(expected.stream().filter(e -> e.startsWith("job-")).toList(), jobsInOrder);
                assertEquals(expected.stream().filter(e -> e.startsWith("ack ")).toList(),
                        events.stream().filter(e -> e.startsWith("ack ")).toList());
                assertEquals(expected.size(), events.size(), "everything handed over once: " + events);
                int answerAt = events.indexOf("answer q");
                assertTrue(events.subList(0, answerAt).containsAll(List.of("job-150", "ack r-147")),
                        "what came before the answer is handed over before it: " + events);
                assertTrue(events.subList(answerAt + 1, events.size()).containsAll(List.of("job-151", "ack r-150")),
                        "what came after it, after it: " + events);
                assertTrue(batches.stream().allMatch(size -> size <= ServerLink.INTAKE_BATCH), "batches " + batches);
                assertTrue(batches.stream().anyMatch(size -> size > 1), "the queued burst came together: " + batches);
            } finally {
                release.countDown();
                link.close();
            }
        }
    }

    /**
     * Jobs the client cannot take in (its cache failing) are not lost: the link asks the server
     * for its unfinished jobs again, and goes on taking in what comes next.
     */
    @Test
    void jobsTheClientCannotTakeInAreAskedForAgainAndTheLinkGoesOn() throws Exception {
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        List<String> taken = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        LinkListener failingOnce = new NoListener() {
            @Override
            public void onJobs(List<Job> jobs) {
                if (failures.getAndIncrement() == 0) {
                    throw new IllegalStateException("node cache: cannot record 1 received job(s): disk full");
                }
                jobs.forEach(job -> taken.add(job.jobId()));
            }
        };
        try (ZContext context = new ZContext();
             Welcomed welcomed = startWelcomed(context, 60_000, failingOnce)) {
            ZMQ.Socket router = welcomed.router();
            ServerLink link = welcomed.link();
            awaitEnrolled(link);
            io.director.dsl.verb.JobDefinition definition = io.director.dsl.verb.JobParser.standard()
                    .parse("ECHO", "hello");
            Job job = new Job("job-1", "job-1", null, definition, io.director.dsl.verb.Fingerprint.of(definition));
            send(router, welcomed.routingId(), WireCodec.encode(new Message.Dispatch(job)));
            router.setReceiveTimeOut(5_000);
            Received next;
            do {
                next = receive(router);
            } while (next.message() instanceof Message.Heartbeat);
            assertInstanceOf(Message.Hello.class, next.message(), "the node asks for its jobs again");

            // The server sends the job again, as after any hello; now it is taken in.
            send(router, welcomed.routingId(), WireCodec.encode(new Message.Dispatch(job)));
            long deadline = System.currentTimeMillis() + 5_000;
            while (taken.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of("job-1"), taken);
            assertEquals(2, failures.get(), "one failed hand-over, one that took the job in");
        }
    }

    private static Welcomed startWelcomed(ZContext context, long heartbeatMillis) throws ProtocolException {
        return startWelcomed(context, heartbeatMillis, new NoListener());
    }

    private static Welcomed startWelcomed(ZContext context, long heartbeatMillis, LinkListener listener)
            throws ProtocolException {
        ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
        // A fresh JeroMQ connection now and then sits out a whole handshake interval (10 s on
        // the link) before it connects again (docs/protocol.md): wait for a few of them.
        router.setReceiveTimeOut(35_000);
        int port = router.bindToRandomPort("tcp://127.0.0.1");
        // The welcome is made, and the codec warmed, before the link starts: a test run first in
        // its JVM took 280 ms to encode it, so the welcome came a whole heartbeat interval late.
        byte[] welcome = WireCodec.encode(new Message.Welcome(DirectorVersion.PROTOCOL, "test", heartbeatMillis, 1024));
        WireCodec.decode(welcome);
        ServerLink link = new ServerLink("127.0.0.1", port, "node-a", "machine-a", Map.of(), Map.of(), null,
                LinkSecurity.plaintext(), heartbeatMillis, listener, () -> null);
        link.start();
        try {
            Received hello = receive(router);
            assertInstanceOf(Message.Hello.class, hello.message());
            send(router, hello.routingId(), welcome);
            return new Welcomed(router, link, hello.routingId());
        } catch (ProtocolException | RuntimeException | Error e) {
            link.close();
            throw e;
        }
    }

    private record Received(byte[] routingId, Message message) {
    }

    private static Received receive(ZMQ.Socket router) throws ProtocolException {
        Received received = receiveOrNull(router);
        assertNotNull(received, "the link sent nothing in time");
        return received;
    }

    private static Received receiveOrNull(ZMQ.Socket router) throws ProtocolException {
        byte[] routingId = router.recv(0);
        if (routingId == null) {
            return null;
        }
        byte[] body = router.recv(0);
        return new Received(routingId, WireCodec.decode(body));
    }

    private static void send(ZMQ.Socket router, byte[] routingId, byte[] body) {
        router.send(routingId, ZMQ.SNDMORE);
        router.send(body, 0);
    }

    private static class NoListener implements LinkListener {
        @Override
        public void onEnrolled(int outputCapBytes) {
        }

        @Override
        public void onJobs(List<Job> jobs) {
        }

        @Override
        public void onQueryAnswer(Message.QueryAnswer answer) {
        }

        @Override
        public void onPlanRequest(Message.PlanRequest request) {
        }

        @Override
        public void onResultsAcknowledged(List<String> jobIds) {
        }

        @Override
        public void onRefused(String reason) {
        }
    }
}
