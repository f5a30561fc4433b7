package io.director.client.transfer;

import io.director.client.link.LinkSecurity;
import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.wire.ChunkCipher;
import io.director.dsl.wire.CurveKeys;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.ProtocolException;
import io.director.dsl.wire.TransferChunks;
import io.director.dsl.wire.TransferFile;
import io.director.dsl.wire.WireCodec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz property of what {@link FileFetcher} reads from the transfer port: a fake server answers
 * each chunk request as the try says (right, refused, without its bytes, with a wrong length,
 * wrong bytes, a wrong CRC32C, late, for another job, of another type, malformed, with extra
 * frames, twice, or not at all), in the clear or, for half the tries, as an encrypted cluster's
 * server: sealed with the job's key, the wrong bytes then changed after sealing. A fetch gives the
 * file's exact bytes when every answer it needed was right (or right after noise it must skip),
 * and otherwise a {@link TransferException} with a one-line message, leaving no temporary file;
 * within its deadline and a margin, never another exception.
 */
class FileFetcherFuzzTest {

    private static final String NODE = "web-1";
    /** Generous: a fetch that should work must not miss it on a slow machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(5);
    private static final Duration MARGIN = Duration.ofSeconds(10);

    /** How the fake server answers one request. */
    enum Answer {
        RIGHT(true), LATE_NOISE_FIRST(true), OTHER_JOB_FIRST(true), TWICE(true),
        REFUSED(false), NO_BYTES(false), WRONG_LENGTH(false), SHORT_BYTES(false), WRONG_BYTES(false),
        WRONG_CRC(false),
        OTHER_TYPE(false), ERROR_MESSAGE(false), MALFORMED(false), EXTRA_FRAME(true), SILENCE(false);

        /** Whether a fetch still gets the file: the noise is skipped, the extra frame dropped. */
        final boolean benign;

        Answer(boolean benign) {
            this.benign = benign;
        }
    }

    /**
     * What the server does for one try's job: its file's bytes, and answers by request, in turn;
     * with a key, as an encrypted cluster's server: the requests signed, the chunks sealed.
     */
    record Plan(byte[] content, List<Answer> answers, String text, String key) {
    }

    private static final Map<String, Plan> PLANS = new ConcurrentHashMap<>();
    /**
     * Jobs the server has answered wrongly once: it answers them no more, as the fetch has
     * failed. Otherwise a later wrong answer that names no job (an error, another type, a
     * malformed one) would still be on its way and fail the next try's fetch, as it must.
     */
    private static final java.util.Set<String> GAVE_UP = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger JOBS = new AtomicInteger();
    private static ZContext context;
    private static Thread server;
    private static volatile boolean running;
    private static int port;
    private static FileFetcher fetcher;
    /** An encrypted cluster's node, for the plans with a key. */
    private static FileFetcher sealedFetcher;
    private static Path dir;

    @BeforeContainer
    static void start() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("fetch-fuzz");
        context = new ZContext(1);
        ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
        router.setLinger(0);
        router.setReceiveTimeOut(100);
        port = router.bindToRandomPort("tcp://127.0.0.1");
        running = true;
        server = new Thread(() -> serve(router), "fake-transfer-port");
        server.start();
        fetcher = new FileFetcher("127.0.0.1", port, NODE, LinkSecurity.plaintext(), 1000);
        sealedFetcher = new FileFetcher("127.0.0.1", port, NODE, LinkSecurity.curve(CurveKeys.generate(),
                CurveKeys.generate().publicKey()), 1000);
    }

    @AfterContainer
    static void stop() throws IOException, InterruptedException {
        fetcher.close();
        sealedFetcher.close();
        running = false;
        server.join();
        context.close();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    @Property(tries = 250)
    @StatisticsReport(onFailureOnly = true)
    void aFetchGivesTheExactFileOrAClearError(@ForAll("plans") Plan plan) {
        fetchAndCheck(plan, DEADLINE);
    }

    @Example
    void aSilentServerIsATimeoutAndTheNextFetchStillWorks() {
        assertEquals("refused", fetchAndCheck(new Plan(new byte[10], List.of(Answer.SILENCE), "", null),
                Duration.ofMillis(300)));
        assertEquals("arrived", fetchAndCheck(new Plan(new byte[10], List.of(Answer.RIGHT), "", null), DEADLINE));
    }

    // Found by this property: the server's words went into the message, line breaks and all.
    @Example
    void aRefusalOrErrorFromTheServerIsOneLine() throws Exception {
        for (Answer answer : List.of(Answer.REFUSED, Answer.ERROR_MESSAGE)) {
            String jobId = "job-" + JOBS.incrementAndGet();
            PLANS.put(jobId, new Plan(new byte[3], List.of(answer), "line one\nline two", null));
            TransferException e = org.junit.jupiter.api.Assertions.assertThrows(TransferException.class,
                    () -> fetcher.fetch(job(jobId, null), new TransferFile("/srv/a", 3, sha256(new byte[3]), 0640), dir,
                            Deadline.after(DEADLINE)));
            assertTrue(e.getMessage().endsWith("'/srv/a': line one\\nline two"), e.getMessage());
        }
    }

    /** Fetches the plan's file from the fake server and checks the outcome; "arrived" or "refused". */
    private static String fetchAndCheck(Plan plan, Duration deadline) {
        String jobId = "job-" + JOBS.incrementAndGet();
        PLANS.put(jobId, plan);
        TransferFile file = new TransferFile("/srv/files/app-" + jobId + ".bin", plan.content().length,
                sha256(plan.content()), 0640);
        int requests = (plan.content().length + TransferChunks.CHUNK_BYTES - 1) / TransferChunks.CHUNK_BYTES;
        boolean shouldArrive = true;
        for (int i = 0; i < requests; i++) {
            shouldArrive &= plan.answers().get(i % plan.answers().size()).benign;
        }
        boolean expected = shouldArrive;
        String outcome = assertTimeoutPreemptively(deadline.plus(MARGIN), () -> {
            FileFetcher node = plan.key() == null ? fetcher : sealedFetcher;
            try (StagedFile staged = node.fetch(job(jobId, plan.key()), file, dir, Deadline.after(deadline))) {
                assertTrue(expected, "a fetch that should have failed gave a file");
                assertArrayEquals(plan.content(), Files.readAllBytes(staged.path()));
                return "arrived";
            } catch (TransferException e) {
                assertFalse(expected, () -> "a fetch that should have worked failed: " + e.getMessage());
                String message = e.getMessage();
                assertTrue(message != null && !message.isBlank());
                assertTrue(message.chars().noneMatch(c -> c == '\n' || c == '\r'), () -> "two lines: " + message);
                assertTrue(message.length() <= 600, () -> "message of " + message.length() + " characters");
                return "refused";
            }
        }, () -> "no end to a fetch within " + deadline.plus(MARGIN));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "temporary files left behind");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Statistics.collect(outcome);
        Statistics.coverage(checker -> {
            // both ways are taken (about 60 : 40), with room for chance
            checker.check("arrived").percentage(p -> p > 20);
            checker.check("refused").percentage(p -> p > 10);
        });
        return outcome;
    }

    @Provide
    Arbitrary<Plan> plans() {
        Arbitrary<byte[]> content = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.bytes().array(byte[].class).ofMaxSize(3000)),
                Tuple.of(1, Arbitraries.integers()
                        .between(TransferChunks.CHUNK_BYTES, 3 * TransferChunks.CHUNK_BYTES + 5)
                        .map(size -> {
                            byte[] bytes = new byte[size];
                            new java.util.Random(size).nextBytes(bytes);
                            return bytes;
                        })));
        // no silence here: each costs a whole deadline (see the example below)
        Arbitrary<Answer> answer = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(Answer.RIGHT)),
                Tuple.of(2, Arbitraries.of(Arrays.stream(Answer.values()).filter(a -> a != Answer.SILENCE).toList())));
        // what a refusal or an error says: anything a server may send
        Arbitrary<String> text = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of("line one\nline two", "\u001b[31mred", "x".repeat(5000), ""));
        Arbitrary<String> key = Arbitraries.of(false, true).map(sealed -> sealed ? ChunkCipher.newKey() : null);
        return Combinators.combine(content, answer.list().ofMinSize(1).ofMaxSize(4), text, key).as(Plan::new);
    }

    // ---------------------------------------------------------------- the fake transfer port

    private static void serve(ZMQ.Socket router) {
        while (running) {
            byte[] routing = router.recv(0);
            if (routing == null) {
                continue;
            }
            byte[] body = router.hasReceiveMore() ? router.recv(0) : new byte[0];
            while (router.hasReceiveMore()) {
                router.recv(0);
            }
            Message.ChunkRequest request;
            try {
                request = (Message.ChunkRequest) WireCodec.decode(body);
            } catch (ProtocolException | ClassCastException e) {
                continue;
            }
            Plan plan = PLANS.get(request.jobId());
            if (plan != null && !GAVE_UP.contains(request.jobId())) {
                answer(router, routing, request, plan);
            }
        }
        router.close();
    }

    private static void answer(ZMQ.Socket router, byte[] routing, Message.ChunkRequest request, Plan plan) {
        int index = (int) (request.offset() / TransferChunks.CHUNK_BYTES);
        Answer answer = plan.answers().get(index % plan.answers().size());
        if (!answer.benign) {
            GAVE_UP.add(request.jobId());
        }
        int length = (int) Math.min(request.length(), plan.content().length - request.offset());
        byte[] data = Arrays.copyOfRange(plan.content(), (int) request.offset(), (int) request.offset() + length);
        long crc32c = TransferChunks.crc32c(ByteBuffer.wrap(data));
        Message.Chunk right = new Message.Chunk(request.jobId(), request.source(), request.offset(), length, crc32c,
                null);
        if (plan.key() != null && !ChunkCipher.of(request.cipher(), plan.key()).verify(request)) {
            send(router, routing, WireCodec.encode(Message.Chunk.refused(request.jobId(), request.source(),
                    request.offset(), "not signed with the job's key")));
            return;
        }
        UnaryOperator<byte[]> asSent = bytes -> bytes;
        switch (answer) {
            case RIGHT -> chunk(router, routing, request, plan, right, data, asSent);
            case LATE_NOISE_FIRST -> {
                chunk(router, routing, request, plan, new Message.Chunk(request.jobId(), request.source(),
                        request.offset() + 7, length, crc32c, null), data, asSent);
                chunk(router, routing, request, plan, right, data, asSent);
            }
            case OTHER_JOB_FIRST -> {
                send(router, routing, WireCodec.encode(Message.Chunk.refused("job-0", request.source(),
                        request.offset(), plan.text())));
                chunk(router, routing, request, plan, right, data, asSent);
            }
            case TWICE -> {
                chunk(router, routing, request, plan, right, data, asSent);
                chunk(router, routing, request, plan, right, data, asSent);
            }
            case REFUSED -> send(router, routing, WireCodec.encode(Message.Chunk.refused(request.jobId(),
                    request.source(), request.offset(), plan.text())));
            case NO_BYTES -> send(router, routing, WireCodec.encode(right));
            case WRONG_LENGTH -> chunk(router, routing, request, plan, new Message.Chunk(request.jobId(),
                    request.source(), request.offset(), length + 1, crc32c, null), data, asSent);
            case SHORT_BYTES -> chunk(router, routing, request, plan, right, data,
                    bytes -> Arrays.copyOf(bytes, Math.max(0, bytes.length - 1)));
            case WRONG_BYTES -> chunk(router, routing, request, plan, right, data, bytes -> {
                if (bytes.length == 0) {
                    return new byte[] {1};
                }
                byte[] wrong = bytes.clone();
                wrong[wrong.length / 2] ^= 1;
                return wrong;
            });
            case WRONG_CRC -> chunk(router, routing, request, plan, new Message.Chunk(request.jobId(),
                    request.source(), request.offset(), length, crc32c ^ 1, null), data, asSent);
            case OTHER_TYPE -> send(router, routing, WireCodec.encode(new Message.HeartbeatAck(1)));
            case ERROR_MESSAGE -> send(router, routing, WireCodec.encode(new Message.Error(plan.text())));
            case MALFORMED -> {
                byte[] header = WireCodec.encode(right);
                send(router, routing, Arrays.copyOf(header, header.length / 2), data);
            }
            case EXTRA_FRAME -> chunk(router, routing, request, plan, right, data, asSent,
                    plan.text().getBytes(StandardCharsets.UTF_8));
            case SILENCE -> {
            }
        }
    }

    /**
     * Sends a chunk as the server would, its bytes in the clear or, with the plan's key, sealed
     * (the header then with a nonce); {@code asSent} then changes the bytes on their way.
     */
    private static void chunk(ZMQ.Socket router, byte[] routing, Message.ChunkRequest request, Plan plan,
                              Message.Chunk header, byte[] data, UnaryOperator<byte[]> asSent, byte[]... extra) {
        byte[] encoded;
        byte[] bytes;
        if (plan.key() == null) {
            encoded = WireCodec.encode(header);
            bytes = data;
        } else {
            String nonce = ChunkCipher.newNonce();
            encoded = WireCodec.encode(new Message.Chunk(header.jobId(), header.source(), header.offset(),
                    header.length(), header.crc32c(), null, nonce));
            bytes = ChunkCipher.of(request.cipher(), plan.key()).seal(nonce, encoded, ByteBuffer.wrap(data));
        }
        List<byte[]> frames = new java.util.ArrayList<>(List.of(encoded, asSent.apply(bytes)));
        frames.addAll(List.of(extra));
        send(router, routing, frames.toArray(byte[][]::new));
    }

    private static void send(ZMQ.Socket router, byte[] routing, byte[]... frames) {
        router.send(routing, ZMQ.SNDMORE);
        for (int i = 0; i < frames.length; i++) {
            router.send(frames[i], i < frames.length - 1 ? ZMQ.SNDMORE : 0);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A job as the node receives it: with a transfer key in an encrypted cluster, none in a plaintext one. */
    private static Job job(String jobId, String transferKey) {
        JobDefinition definition = new JobDefinition("ADD", Map.of(), "/srv/a /tmp/");
        return new Job(jobId, jobId, null, definition, Fingerprint.of(definition), Job.MAIN_QUEUE, List.of(),
                transferKey);
    }
}
