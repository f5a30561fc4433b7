package io.director.dsl.wire;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The grid files are transferred on: chunks of {@link #CHUNK_BYTES} from offset 0, the last one
 * shorter. The server records the CRC32C of every chunk when the job is submitted and sends it
 * in each chunk's header; the node checks the bytes against it. CRC32C, not a hash of the whole
 * file, because nodes run the JVM's C1 compiler only, where SHA-256 has no intrinsic and CRC32C
 * has one (docs/performance.md, Transfer).
 */
public final class TransferChunks {

    /**
     * Bytes in every chunk but a file's last. 256 KiB rather than more: with CURVE, JeroMQ
     * decrypts each message into new arrays of its own, and chunks of 1 MiB outlived the
     * client's small young generation, so most collections were full ones (bench/run transfer).
     */
    public static final int CHUNK_BYTES = 256 * 1024;

    private TransferChunks() {
    }

    /** How many chunks a file of {@code size} bytes has: none when it is empty. */
    public static int count(long size) {
        return Math.toIntExact((size + CHUNK_BYTES - 1) / CHUNK_BYTES);
    }

    /** Whether {@code offset} and {@code length} are exactly one chunk of the grid of a file of {@code size} bytes. */
    public static boolean isChunk(long size, long offset, int length) {
        return offset >= 0 && offset < size && offset % CHUNK_BYTES == 0
                && length == Math.min(CHUNK_BYTES, size - offset);
    }

    /**
     * The CRC32C of the bytes between the buffer's position and limit, as an unsigned 32-bit
     * value; the buffer (on the heap or not) is left as it was.
     */
    public static long crc32c(ByteBuffer data) {
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        return crc.getValue();
    }
}
