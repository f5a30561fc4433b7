package io.director.client.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads a stream to its end, keeping the first {@code cap} bytes and counting the rest. */
final class CappedBuffer {

    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final int cap;
    private long dropped;

    CappedBuffer(int cap) {
        this.cap = cap;
    }

    void drain(InputStream in) throws IOException {
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) >= 0) {
            synchronized (this) {
                int room = Math.max(0, cap - kept.size());
                int keep = Math.min(room, n);
                kept.write(chunk, 0, keep);
                dropped += n - keep;
            }
        }
    }

    synchronized String text() {
        String text = kept.toString(StandardCharsets.UTF_8);
        if (dropped > 0) {
            text += "\n[director: output cut, " + dropped + " more bytes not kept]\n";
        }
        return text;
    }
}
