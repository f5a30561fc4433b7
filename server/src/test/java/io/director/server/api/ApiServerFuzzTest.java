package io.director.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.dsl.wire.Limits;
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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real {@link ApiServer} on a UNIX socket of its own, sent a few hundred random, mutated,
 * oversized and truncated requests over real connections: every complete frame is answered,
 * junk with an {@code invalid} failure (never an {@code internal} one), an oversized frame with
 * a failure and a closed connection, a truncated one with a closed connection, each within a
 * time bound; the handler only ever sees well-formed requests; and afterwards a well-formed
 * request still gets its answer.
 */
class ApiServerFuzzTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private static Path dir;
    private static ApiServer server;
    /** Requests the handler was given that it should never have been: checked by every try. */
    private static final ConcurrentLinkedQueue<String> illFormed = new ConcurrentLinkedQueue<>();

    /** Held, so the level set on it stays: a warning per malformed request would flood the test output. */
    private static final Logger SERVER_LOG = Logger.getLogger(ApiServer.class.getName());

    @BeforeContainer
    static void startServer() throws IOException {
        SERVER_LOG.setLevel(Level.SEVERE);
        dir = Files.createTempDirectory("api-fuzz");
        // A minimal handler: what the API service may rely on is checked, and it answers as a real one would.
        server = new ApiServer(dir.resolve("api.sock"), null, request -> {
            try {
                ApiRequestFuzzTest.assertWellFormed(request);
            } catch (AssertionError e) {
                illFormed.add(e.getMessage());
            }
            if (request instanceof ApiRequest.ListNodes) {
                return new ApiReply.Nodes(List.of());
            }
            if (request instanceof ApiRequest.PurgeJobs) {
                return new ApiReply.Purged(0);
            }
            return new ApiReply.Failure("no such job", ApiReply.Failure.NOT_FOUND);
        });
        server.start();
    }

    @AfterContainer
    static void stopServer() throws IOException {
        server.close();
        Files.deleteIfExists(dir);
        SERVER_LOG.setLevel(null);
    }

    /** What one connection sends: whole frames, then perhaps an oversized or a truncated one. */
    record Attack(List<byte[]> frames, byte[] ending, String endingKind) {
        byte[] bytes() {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (byte[] frame : frames) {
                stream.writeBytes(ByteBuffer.allocate(4).putInt(frame.length).array());
                stream.writeBytes(frame);
            }
            stream.writeBytes(ending);
            return stream.toByteArray();
        }

        @Override
        public String toString() {
            return "frames of " + frames.stream().map(frame -> frame.length + " bytes").toList() + " ending "
                    + endingKind + " with " + java.util.Arrays.toString(java.util.Arrays.copyOf(ending, Math.min(16, ending.length)));
        }
    }

    @Property(tries = 300)
    @StatisticsReport(onFailureOnly = true)
    void everyRequestGetsAnAnswerOrItsConnectionClosed(@ForAll("attacks") Attack attack) {
        List<JsonNode> replies = assertTimeoutPreemptively(BOUND, () -> exchange(attack.bytes()),
                () -> "no answer or close within " + BOUND);
        int expected = attack.frames().size() + (attack.endingKind().equals("oversized") ? 1 : 0);
        assertEquals(expected, replies.size(), "replies to " + attack.frames().size() + " frames ending "
                + attack.endingKind() + ": " + replies);
        for (int i = 0; i < replies.size(); i++) {
            JsonNode reply = replies.get(i);
            assertTrue(reply.isObject(), reply::toString);
            if (reply.has("error")) {
                assertNotEquals(ApiReply.Failure.INTERNAL, reply.get("kind").asText(), "bad input is not a server error: "
                        + reply);
                String error = reply.get("error").asText();
                assertTrue(error.length() <= 300 && error.chars().noneMatch(Character::isISOControl), error);
            }
            // the handler answers not_found or a result; only a refusal before it is invalid
            boolean refused = reply.has("error") && reply.get("kind").asText().equals(ApiReply.Failure.INVALID);
            Statistics.collect(refused ? "refused" : "answered by the handler");
        }
        if (attack.endingKind().equals("oversized")) {
            assertTrue(replies.get(replies.size() - 1).get("error").asText().startsWith("request refused: frame of "));
        }
        assertEquals(List.of(), List.copyOf(illFormed), "the handler was given ill-formed requests");
        assertTimeoutPreemptively(BOUND, ApiServerFuzzTest::assertAWellFormedRequestIsAnswered);
        Statistics.coverage(checker -> {
            checker.check("refused").percentage(p -> p > 10);
            checker.check("answered by the handler").percentage(p -> p > 5);
        });
    }

    @Example
    void aWellFormedRequestIsAnswered() throws IOException {
        assertAWellFormedRequestIsAnswered();
    }

    /** After any attack, on a connection of its own. */
    static void assertAWellFormedRequestIsAnswered() throws IOException {
        List<JsonNode> replies = exchange(frame(ApiRequestFuzzTest.encode(new ApiRequest.ListNodes())));
        assertEquals(List.of(WireCodec.mapper().readTree("{\"nodes\":[]}")), replies);
    }

    @Example
    void aHeaderOverTheCapIsRefusedWithoutWaitingForTheBody() throws IOException {
        List<JsonNode> replies = exchange(ByteBuffer.allocate(4).putInt(Limits.MAX_API_REQUEST_BYTES + 1).array());
        assertEquals(1, replies.size());
        assertEquals("request refused: frame of " + (Limits.MAX_API_REQUEST_BYTES + 1) + " bytes is outside 1.."
                + Limits.MAX_API_REQUEST_BYTES, replies.get(0).get("error").asText());
        assertEquals(ApiReply.Failure.INVALID, replies.get(0).get("kind").asText());
    }

    /**
     * Sends the bytes on a new connection, closes its sending side, and reads replies until the
     * server closes the connection.
     */
    static List<JsonNode> exchange(byte[] bytes) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(server.socketPath()));
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.shutdownOutput();
            } catch (IOException e) {
                // the server refused and closed while we were still sending: read what it said
            }
            List<JsonNode> replies = new ArrayList<>();
            while (true) {
                byte[] reply;
                try {
                    reply = ApiFraming.read(channel, Limits.MAX_API_REPLY_BYTES);
                } catch (IOException e) {
                    return replies; // reset by the server after it refused
                }
                if (reply == null) {
                    return replies;
                }
                replies.add(WireCodec.mapper().readTree(reply));
            }
        }
    }

    static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    @Provide
    Arbitrary<Attack> attacks() {
        ApiRequestFuzzTest requests = new ApiRequestFuzzTest();
        Arbitrary<byte[]> body = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(ApiRequestFuzzTest.ENCODED_SEEDS)),
                Tuple.of(4, requests.byteMutants().map(ApiRequestFuzzTest.Frame::bytes)),
                Tuple.of(4, requests.treeMutants().map(ApiRequestFuzzTest.Frame::bytes)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(200)));
        Arbitrary<Tuple.Tuple2<byte[], String>> ending = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(Tuple.of(new byte[0], "cleanly"))),
                Tuple.of(2, Arbitraries.oneOf(
                                Arbitraries.integers().greaterOrEqual(Limits.MAX_API_REQUEST_BYTES + 1),
                                Arbitraries.integers().lessOrEqual(0))
                        .map(length -> Tuple.of(ByteBuffer.allocate(12).putInt(length).putLong(0).array(), "oversized"))),
                Tuple.of(2, Combinators.combine(body, Arbitraries.integers().between(0, 1000)).as((whole, cut) -> {
                    byte[] framed = frame(whole);
                    byte[] part = new byte[Math.min(framed.length - 1, cut)];
                    System.arraycopy(framed, 0, part, 0, part.length);
                    return Tuple.of(part, part.length == 0 ? "cleanly" : "truncated");
                })));
        // bodies are nonempty: a zero length is the "oversized" (outside 1..cap) ending's business
        return Combinators.combine(body.filter(b -> b.length > 0).list().ofMaxSize(3), ending)
                .as((frames, end) -> new Attack(frames, end.get1(), end.get2()));
    }
}
