package io.director.server.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiFramingTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void writeRaw(Pipe pipe, byte[] bytes) throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            pipe.sink().write(buffer);
        }
    }

    private static byte[] header(int length) {
        return ByteBuffer.allocate(4).putInt(length).array();
    }

    @Test
    void readsBackFramesWrittenToAPipe() throws Exception {
        Pipe pipe = Pipe.open();
        try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
            ApiFraming.write(sink, utf8("{\"type\":\"list_nodes\"}"));
            ApiFraming.write(sink, utf8("é"));

            assertArrayEquals(utf8("{\"type\":\"list_nodes\"}"), ApiFraming.read(source, 1024));
            assertArrayEquals(utf8("é"), ApiFraming.read(source, 1024));
        }
    }

    @Test
    void writesABigEndianLengthBeforeTheBody() throws Exception {
        Pipe pipe = Pipe.open();
        try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
            ApiFraming.write(sink, utf8("abc"));
            ByteBuffer raw = ByteBuffer.allocate(7);
            while (raw.hasRemaining()) {
                source.read(raw);
            }
            assertArrayEquals(new byte[] {0, 0, 0, 3, 'a', 'b', 'c'}, raw.array());
        }
    }

    @Test
    void roundTripsOverAUnixSocketInBothDirections(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("api.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
                 SocketChannel accepted = server.accept()) {
                ApiFraming.write(client, utf8("request"));
                assertArrayEquals(utf8("request"), ApiFraming.read(accepted, 100));

                byte[] reply = new byte[20_000];
                for (int i = 0; i < reply.length; i++) {
                    reply[i] = (byte) ('a' + i % 26);
                }
                ApiFraming.write(accepted, reply);
                assertArrayEquals(reply, ApiFraming.read(client, reply.length));

                accepted.shutdownOutput();
                assertNull(ApiFraming.read(client, 100));
            }
        }
    }

    @Test
    void readsNullAtACleanEndOfStream() throws Exception {
        Pipe pipe = Pipe.open();
        ApiFraming.write(pipe.sink(), utf8("last"));
        pipe.sink().close();
        try (Pipe.SourceChannel source = pipe.source()) {
            assertArrayEquals(utf8("last"), ApiFraming.read(source, 100));
            assertNull(ApiFraming.read(source, 100));
        }
    }

    @Test
    void acceptsAFrameExactlyAtTheCap() throws Exception {
        Pipe pipe = Pipe.open();
        try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
            ApiFraming.write(sink, utf8("0123456789"));
            assertArrayEquals(utf8("0123456789"), ApiFraming.read(source, 10));
        }
    }

    @Test
    void rejectsALengthOverTheCap() throws Exception {
        Pipe pipe = Pipe.open();
        try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
            ApiFraming.write(sink, utf8("01234567890"));
            ApiFraming.FrameTooLargeException e = assertThrows(ApiFraming.FrameTooLargeException.class,
                    () -> ApiFraming.read(source, 10));
            assertEquals("frame of 11 bytes is outside 1..10", e.getMessage());
        }
    }

    @Test
    void rejectsAZeroOrNegativeLength() throws Exception {
        Pipe pipe = Pipe.open();
        try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
            writeRaw(pipe, header(0));
            assertEquals("frame of 0 bytes is outside 1..10", assertThrows(
                    ApiFraming.FrameTooLargeException.class, () -> ApiFraming.read(source, 10)).getMessage());
            writeRaw(pipe, header(-1));
            assertEquals("frame of 4294967295 bytes is outside 1..10", assertThrows(
                    ApiFraming.FrameTooLargeException.class, () -> ApiFraming.read(source, 10)).getMessage());
        }
    }

    @Test
    void rejectsAFrameCutShortInItsBody() throws Exception {
        Pipe pipe = Pipe.open();
        writeRaw(pipe, header(10));
        writeRaw(pipe, utf8("abc"));
        pipe.sink().close();
        try (Pipe.SourceChannel source = pipe.source()) {
            EOFException e = assertThrows(EOFException.class, () -> ApiFraming.read(source, 100));
            assertEquals("connection closed in the middle of a frame", e.getMessage());
        }
    }

    @Test
    void rejectsAFrameCutShortInItsLength() throws Exception {
        Pipe pipe = Pipe.open();
        writeRaw(pipe, new byte[] {0, 0});
        pipe.sink().close();
        try (Pipe.SourceChannel source = pipe.source()) {
            EOFException e = assertThrows(EOFException.class, () -> ApiFraming.read(source, 100));
            assertEquals("connection closed in the middle of a frame", e.getMessage());
        }
    }

    // Found by ApiFramingFuzzTest: a 4-byte header alone made the reader allocate the length it
    // announced, up to the cap (16 MiB per connection on the server, 512 MiB in the CLI).
    @Test
    void aHeaderAloneDoesNotAllocateTheLengthItAnnounces() throws Exception {
        com.sun.management.ThreadMXBean threads = ApiFramingFuzzTest.allocationCounter();
        org.junit.jupiter.api.Assumptions.assumeTrue(threads != null, "no allocation counter in this JVM");
        Pipe pipe = Pipe.open();
        writeRaw(pipe, header(16 * 1024 * 1024));
        writeRaw(pipe, utf8("{\"op\":"));
        pipe.sink().close();
        try (Pipe.SourceChannel source = pipe.source()) {
            long before = threads.getCurrentThreadAllocatedBytes();
            assertThrows(EOFException.class, () -> ApiFraming.read(source, 16 * 1024 * 1024));
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 256 * 1024, "allocated " + allocated + " bytes");
        }
    }

    @Test
    void readsAFrameLargerThanTheFirstBufferArrivingInPieces() throws Exception {
        byte[] body = new byte[3 * ApiFraming.FIRST_BUFFER_BYTES + 17];
        new java.util.Random(7).nextBytes(body);
        Pipe pipe = Pipe.open();
        Thread writer = new Thread(() -> {
            try (Pipe.SinkChannel sink = pipe.sink()) {
                ApiFraming.write(sink, body);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        try (Pipe.SourceChannel source = pipe.source()) {
            assertArrayEquals(body, ApiFraming.read(source, body.length));
            assertNull(ApiFraming.read(source, body.length));
        }
        writer.join();
    }
}
