package io.director.server.transfer;

import io.director.dsl.wire.TransferChunks;
import io.director.dsl.wire.TransferFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * The CRC32C of every chunk ({@link TransferChunks}) of the files submitted for transfer, as
 * they were read at submission: the transfer endpoint checks each chunk it serves against them,
 * so a node gets the bytes the job was submitted with, or a refusal. Thread-safe: submissions
 * {@link #remember} on API threads, the endpoint asks on its own thread.
 * <p>
 * In memory only, and only for the most recently used files, up to a weight of
 * {@link #MAX_WEIGHT} (a file weighs its number of chunks plus {@link #ENTRY_WEIGHT}). A file the
 * server has no list for (it restarted since the submission, or the list was dropped) is read
 * once more when it is first asked for, and the new list is trusted only if the bytes still have
 * the submitted size and SHA-256.
 */
public final class ChunkChecksums {

    /**
     * About 16 MiB of lists: the chunks of 1 TiB of files, or some 60,000 small files. Past it
     * the least recently used lists are dropped, which costs a read of the file if it is asked
     * for again, never a wrong answer.
     */
    static final long MAX_WEIGHT = 4L * 1024 * 1024;
    /** What an entry's key and bookkeeping cost, counted in chunks (4 bytes each). */
    static final int ENTRY_WEIGHT = 64;
    private static final int READ_BYTES = 64 * 1024;

    /** A file as a submission saw it; its mode does not matter here. */
    private record Key(String source, long size, String sha256) {
        static Key of(TransferFile file) {
            return new Key(file.source(), file.size(), file.sha256());
        }
    }

    /**
     * What is known of a file: the CRC32C of each chunk; or, with {@code changed} set, that its
     * bytes no longer had the submitted SHA-256 when last read, and its modification time then,
     * so it is read again only once it is written again (it may be put back as it was).
     */
    private record Entry(int[] crc32c, FileTime changed) {
        long weight() {
            return ENTRY_WEIGHT + crc32c.length;
        }
    }

    /** In order of use, least recent first. */
    private final LinkedHashMap<Key, Entry> lists = new LinkedHashMap<>(16, 0.75f, true);
    private long weight;

    /** What one read of a file gave: its size, SHA-256 (hex) and the CRC32C of each chunk. */
    record Reading(long size, String sha256, int[] crc32c) {
    }

    /**
     * Reads a file once, at most {@code limit} bytes of it, computing its SHA-256 and the CRC32C
     * of each chunk of the grid as it goes.
     */
    static Reading read(Path path, long limit) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        CRC32C crc = new CRC32C();
        int[] crcs = new int[16];
        int chunks = 0;
        int inChunk = 0;
        long size = 0;
        ByteBuffer buffer = ByteBuffer.allocate(READ_BYTES);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            while (size < limit) {
                buffer.clear().limit((int) Math.min(READ_BYTES, limit - size));
                if (channel.read(buffer) < 0) {
                    break;
                }
                buffer.flip();
                digest.update(buffer.duplicate());
                size += buffer.remaining();
                // A read may end anywhere: split it where the grid's chunks end.
                while (buffer.hasRemaining()) {
                    int take = Math.min(buffer.remaining(), TransferChunks.CHUNK_BYTES - inChunk);
                    crc.update(buffer.slice(buffer.position(), take));
                    buffer.position(buffer.position() + take);
                    inChunk += take;
                    if (inChunk == TransferChunks.CHUNK_BYTES) {
                        crcs = append(crcs, chunks++, crc);
                        inChunk = 0;
                    }
                }
            }
        }
        if (inChunk > 0) {
            crcs = append(crcs, chunks++, crc);
        }
        return new Reading(size, HexFormat.of().formatHex(digest.digest()), Arrays.copyOf(crcs, chunks));
    }

    private static int[] append(int[] crcs, int index, CRC32C crc) {
        int[] room = index < crcs.length ? crcs : Arrays.copyOf(crcs, crcs.length * 2);
        room[index] = (int) crc.getValue();
        crc.reset();
        return room;
    }

    /** Keeps the chunks' CRC32Cs of a file as a submission read it, replacing what was known of that content. */
    public void remember(TransferFile file, int[] crc32c) {
        Objects.requireNonNull(crc32c, "crc32c");
        if (crc32c.length != TransferChunks.count(file.size())) {
            throw new IllegalArgumentException(crc32c.length + " chunk checksums for " + file.size() + " bytes of "
                    + file.source());
        }
        put(Key.of(file), new Entry(crc32c.clone(), null));
    }

    /**
     * The CRC32C the chunk at {@code offset} had when the job was submitted, or empty when the
     * file no longer has the submitted content (known only when the list had to be made again).
     *
     * @param offset a chunk's offset on the grid, within the file's size
     * @throws IOException when the list has to be made again and the file cannot be read
     */
    OptionalLong crc32c(TransferFile file, long offset) throws IOException {
        Key key = Key.of(file);
        Entry entry;
        synchronized (this) {
            entry = lists.get(key);
        }
        if (entry == null || entry.changed() != null) {
            Path path = Path.of(file.source());
            FileTime modified = Files.getLastModifiedTime(path);
            if (entry == null || !entry.changed().equals(modified)) {
                // Read outside the lock: it takes as long as the file is large.
                Reading reading = read(path, file.size());
                entry = reading.size() == file.size() && reading.sha256().equals(file.sha256())
                        ? new Entry(reading.crc32c(), null) : new Entry(new int[0], modified);
                put(key, entry);
            }
        }
        if (entry.changed() != null) {
            return OptionalLong.empty();
        }
        int chunk = Math.toIntExact(offset / TransferChunks.CHUNK_BYTES);
        return OptionalLong.of(Integer.toUnsignedLong(entry.crc32c()[chunk]));
    }

    private synchronized void put(Key key, Entry entry) {
        Entry previous = lists.put(key, entry);
        if (previous != null) {
            weight -= previous.weight();
        }
        weight += entry.weight();
        // Oldest first; the newest stays even alone over the limit, or a huge file would be read
        // again for every chunk.
        Iterator<Entry> oldest = lists.values().iterator();
        while (weight > MAX_WEIGHT && lists.size() > 1) {
            weight -= oldest.next().weight();
            oldest.remove();
        }
    }

    /** How many files have a list (or are known changed); for tests. */
    synchronized int size() {
        return lists.size();
    }
}
