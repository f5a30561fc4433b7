package io.director.server.api;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz properties of {@link ApiFraming#read}, which reads every request on the UNIX socket (and
 * the CLI's replies): frames come back whatever chunks the bytes arrive in; random streams give
 * frames within the cap, a clean end, or one of two clear errors; and what a read allocates
 * follows the bytes that arrived, not the length a header announces.
 */
class ApiFramingFuzzTest {

    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final int CAP = 4096;

    @Property(tries = 1000)
    void framesComeBackWhateverChunksTheyArriveIn(@ForAll @Size(max = 8) List<@Size(min = 1, max = 3000) byte[]> bodies,
                                                  @ForAll @Size(min = 1, max = 20) List<@IntRange(min = 1, max = 700) Integer> chunks)
            throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (byte[] body : bodies) {
            ApiFraming.write(Channels.newChannel(stream), body);
        }
        ReadableByteChannel channel = new ChunkedChannel(stream.toByteArray(), chunks);
        for (byte[] body : bodies) {
            assertArrayEquals(body, ApiFraming.read(channel, CAP));
        }
        assertNull(ApiFraming.read(channel, CAP));
    }

    @Property(tries = 1500)
    @StatisticsReport(onFailureOnly = true)
    void randomStreamsGiveFramesWithinTheCapOrAClearError(@ForAll("streams") byte[] stream,
                                                          @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 300) Integer> chunks) {
        ReadableByteChannel channel = new ChunkedChannel(stream, chunks);
        String outcome = assertTimeoutPreemptively(BOUND, () -> {
            try {
                for (int frames = 0; ; frames++) {
                    byte[] frame = ApiFraming.read(channel, CAP);
                    if (frame == null) {
                        return frames == 0 ? "empty" : "frames";
                    }
                    assertTrue(frame.length >= 1 && frame.length <= CAP, "frame of " + frame.length + " bytes");
                }
            } catch (ApiFraming.FrameTooLargeException e) {
                assertTrue(e.getMessage().matches("frame of \\d+ bytes is outside 1\\.\\." + CAP), e.getMessage());
                return "too large";
            } catch (EOFException e) {
                assertEquals("connection closed in the middle of a frame", e.getMessage());
                return "cut short";
            }
        });
        Statistics.collect(outcome);
        Statistics.coverage(checker -> {
            checker.check("frames").percentage(p -> p > 5);
            checker.check("too large").percentage(p -> p > 5);
            checker.check("cut short").percentage(p -> p > 5);
        });
    }

    @Property(tries = 200)
    void aHeaderAloneAllocatesWhatArrivedNotWhatItAnnounces(
            @ForAll @IntRange(min = 1024 * 1024, max = 16 * 1024 * 1024) int announced,
            @ForAll @IntRange(min = 0, max = 100_000) int sent) {
        com.sun.management.ThreadMXBean threads = allocationCounter();
        Assume.that(threads != null);
        ByteBuffer stream = ByteBuffer.allocate(4 + sent).putInt(announced);
        ReadableByteChannel channel = new ChunkedChannel(stream.array(), List.of(64 * 1024));
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThrows(EOFException.class, () -> ApiFraming.read(channel, 16 * 1024 * 1024));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // doubling from 64 KiB: under four times what arrived, plus the first buffer and change
        long bound = 4L * sent + ApiFraming.FIRST_BUFFER_BYTES + 64 * 1024;
        assertTrue(allocated < bound, "allocated " + allocated + " bytes for " + sent + " received of " + announced
                + " announced");
    }

    static com.sun.management.ThreadMXBean allocationCounter() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
            return threads;
        }
        return null;
    }

    /** Byte streams that start like frames: a header of a plausible, oversized or negative length. */
    @Provide
    Arbitrary<byte[]> streams() {
        Arbitrary<Integer> length = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(1, 300)),
                Tuple.of(1, Arbitraries.integers().between(CAP - 2, CAP + 2)),
                Tuple.of(1, Arbitraries.integers().greaterOrEqual(CAP + 1)),
                Tuple.of(1, Arbitraries.integers().lessOrEqual(0)));
        Arbitrary<byte[]> piece = Combinators.combine(length, Arbitraries.bytes().array(byte[].class).ofMaxSize(400))
                .as((announced, body) -> ByteBuffer.allocate(4 + body.length).putInt(announced).put(body).array());
        Arbitrary<byte[]> wellFormed = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(CAP + 2)
                .map(body -> ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array());
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(12);
        return Arbitraries.frequencyOf(Tuple.of(6, wellFormed), Tuple.of(3, piece), Tuple.of(1, noise))
                .list().ofMaxSize(4).map(pieces -> {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            pieces.forEach(stream::writeBytes);
            return stream.toByteArray();
        });
    }

    /** A channel that hands its bytes out in the given chunk sizes, in turn, then ends. */
    static final class ChunkedChannel implements ReadableByteChannel {
        private final ByteBuffer bytes;
        private final List<Integer> chunks;
        private int turn;

        ChunkedChannel(byte[] bytes, List<Integer> chunks) {
            this.bytes = ByteBuffer.wrap(bytes);
            this.chunks = new ArrayList<>(chunks);
        }

        @Override
        public int read(ByteBuffer target) {
            if (!bytes.hasRemaining()) {
                return -1;
            }
            int n = Math.min(Math.min(target.remaining(), bytes.remaining()), chunks.get(turn++ % chunks.size()));
            target.put(bytes.slice(bytes.position(), n));
            bytes.position(bytes.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
