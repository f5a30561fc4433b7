package io.director.server.api;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Framing on the UNIX socket: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.
 * Both directions, any number of frames per connection.
 */
public final class ApiFraming {

    /** The buffer a body is first read into; it doubles, up to the announced length, as bytes arrive. */
    static final int FIRST_BUFFER_BYTES = 64 * 1024;

    private ApiFraming() {
    }

    /** Reads one frame; null at a clean end of stream before a frame starts. */
    public static byte[] read(ReadableByteChannel channel, int maxBytes) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4);
        if (!fill(channel, header, true)) {
            return null;
        }
        int length = header.flip().getInt();
        if (length <= 0 || length > maxBytes) {
            throw new FrameTooLargeException("frame of " + Integer.toUnsignedString(length)
                    + " bytes is outside 1.." + maxBytes);
        }
        return readBody(channel, length);
    }

    /**
     * The body, in a buffer that grows as bytes arrive rather than one of the announced length
     * at once: a header alone must not make the reader allocate up to the cap.
     */
    private static byte[] readBody(ReadableByteChannel channel, int length) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(Math.min(length, FIRST_BUFFER_BYTES));
        while (true) {
            fill(channel, body, false);
            if (body.capacity() == length) {
                return body.array();
            }
            ByteBuffer larger = ByteBuffer.allocate((int) Math.min(length, 2L * body.capacity()));
            body = larger.put(body.flip());
        }
    }

    public static void write(WritableByteChannel channel, byte[] body) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(4 + body.length);
        frame.putInt(body.length).put(body).flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    private static boolean fill(ReadableByteChannel channel, ByteBuffer buffer, boolean eofAllowedAtStart)
            throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                if (eofAllowedAtStart && buffer.position() == 0) {
                    return false;
                }
                throw new EOFException("connection closed in the middle of a frame");
            }
        }
        return true;
    }

    /** A frame length beyond the cap: the connection is answered with an error and closed. */
    public static final class FrameTooLargeException extends IOException {
        public FrameTooLargeException(String message) {
            super(message);
        }
    }
}
