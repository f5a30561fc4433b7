package io.director.dsl.wire;

import io.director.dsl.OneLine;

/** Caps on sizes the outside world controls; each is documented in docs/protocol.md. */
public final class Limits {

    /** Largest message accepted on the job port; larger ones drop the sender's connection. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    /** Largest request accepted on the UNIX socket. */
    public static final int MAX_API_REQUEST_BYTES = 16 * 1024 * 1024;

    /** Largest reply the CLI accepts from the server. */
    public static final int MAX_API_REPLY_BYTES = 512 * 1024 * 1024;

    /** Default bytes of stdout and of stderr kept per job and node; the rest is cut with a marker. */
    public static final int DEFAULT_OUTPUT_CAP = 1024 * 1024;

    /**
     * Largest output cap a server may set: stdout and stderr at this cap, even escaped six-fold
     * in JSON, still fit in one message.
     */
    public static final int MAX_OUTPUT_CAP = 4 * 1024 * 1024;

    /** Longest node identity. */
    public static final int MAX_IDENTITY_LENGTH = 128;

    /**
     * Longest reason given for refusing bad input. Reasons quote the input, and they go to logs
     * and back to the sender: a hostile peer must not fill either.
     */
    public static final int MAX_REASON_CHARS = 200;

    private Limits() {
    }

    /** Keeps at most {@code cap} bytes' worth of text, cut between characters, and says how much was cut. */
    public static String capOutput(String text, int cap) {
        if (text == null) {
            return "";
        }
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length <= cap || alreadyCut(text, bytes.length, cap)) {
            return text;
        }
        int kept = utf8Boundary(bytes, cap);
        return new String(bytes, 0, kept, java.nio.charset.StandardCharsets.UTF_8) + cutMarker(bytes.length - kept);
    }

    private static final java.util.regex.Pattern CUT_MARKER =
            java.util.regex.Pattern.compile("\n\\[director: output cut, \\d{1,19} more bytes not kept]\n");

    /**
     * Whether the text is at most {@code cap} bytes followed by a cut marker, as a node sends it
     * when it cut the output itself: that marker counts the bytes really lost, and cutting again
     * would replace it with one that counts only the marker's own bytes.
     */
    private static boolean alreadyCut(String text, int byteLength, int cap) {
        int marker = text.lastIndexOf("\n[director: output cut, ");
        if (marker < 0 || !CUT_MARKER.matcher(text.substring(marker)).matches()) {
            return false;
        }
        int markerBytes = text.length() - marker; // the marker is ASCII: as many bytes as characters
        return byteLength - markerBytes <= cap;
    }

    /** The longest length up to {@code cap} that does not end inside a UTF-8 character of {@code bytes}. */
    public static int utf8Boundary(byte[] bytes, int cap) {
        int length = Math.min(cap, bytes.length);
        while (length > 0 && length < bytes.length && (bytes[length] & 0xC0) == 0x80) {
            length--;
        }
        return length;
    }

    /** A reason fit for one log line: see {@link OneLine#of}, at most {@link #MAX_REASON_CHARS} characters. */
    public static String reason(String text) {
        return OneLine.of(text == null ? null : text.strip(), MAX_REASON_CHARS);
    }

    /** The line appended to output that was cut. */
    public static String cutMarker(long droppedBytes) {
        return "\n[director: output cut, " + droppedBytes + " more bytes not kept]\n";
    }
}
