package zmq.util;

import java.util.Arrays;

import zmq.Msg;

/**
 * A byte string used as a map key (a ROUTER's routing ids, a peer's credentials), written for
 * Director under the class name JeroMQ 0.6.0 calls, with the public methods it calls. It replaces
 * JeroMQ's own.
 *
 * <p>Why: JeroMQ's hashes the bytes as {@link Arrays#hashCode(byte[])} does, and the routing ids
 * a ROUTER gives its connections (a zero byte, then a counter) hash badly that way: 10,000 of them
 * share about 1,430 hash codes, so every lookup of a connection's outbound pipe (each message a
 * server sends) walked a chain or tree of about seven. This one mixes every byte into 64 bits
 * (FNV-1a, then a finalizer), so consecutive counters spread like random numbers.
 */
public class Blob {

    /** Tells a check (tests, the distribution's) which class a class path resolved to. */
    public static final String ORIGIN = "director";

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final byte[] buf;

    private Blob(byte[] buf) {
        this.buf = buf;
    }

    /** A blob of a copy of the message's bytes. */
    public static Blob createBlob(Msg msg) {
        return new Blob(msg.data().clone());
    }

    /** A blob over these bytes, not copied (the caller must not change them). */
    public static Blob createBlob(byte[] data) {
        return new Blob(data);
    }

    public int size() {
        return buf.length;
    }

    public byte[] data() {
        return buf;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Blob blob && Arrays.equals(buf, blob.buf);
    }

    @Override
    public int hashCode() {
        // Computed each time, as JeroMQ's is: a blob made without a copy shares its caller's array.
        long hash = FNV_OFFSET;
        for (byte b : buf) {
            hash = (hash ^ (b & 0xff)) * FNV_PRIME;
        }
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        return (int) (hash ^ (hash >>> 32));
    }
}
