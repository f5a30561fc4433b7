package io.director.client.exec;

import io.director.dsl.wire.Limits;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a stream to its end, keeping the first {@code cap} bytes (cut between UTF-8
 * characters) and counting the rest. A few bytes past the cap are kept to find that cut.
 */
final class CappedBuffer {

    /** Enough to see whether the byte at the cap continues a UTF-8 character. */
    private static final int LOOKAHEAD = 3;

    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final int cap;
    private long total;

    CappedBuffer(int cap) {
        this.cap = cap;
    }

    void drain(InputStream in) throws IOException {
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) >= 0) {
            append(chunk, n);
        }
    }

    /** Takes the first {@code n} bytes of {@code chunk}, the next ones the stream gave. */
    synchronized void append(byte[] chunk, int n) {
        int keep = Math.min(Math.max(0, cap + LOOKAHEAD - kept.size()), n);
        kept.write(chunk, 0, keep);
        total += n;
    }

    synchronized String text() {
        byte[] bytes = kept.toByteArray();
        if (total <= cap) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        int length = Limits.utf8Boundary(bytes, cap);
        return new String(bytes, 0, length, StandardCharsets.UTF_8) + Limits.cutMarker(total - length);
    }
}
