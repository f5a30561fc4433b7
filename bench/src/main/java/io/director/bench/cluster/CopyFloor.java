package io.director.bench.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The floor of a file transfer on this machine: what a node must do with the bytes at least,
 * done by this JVM with no Director and no network in between. For each of N destinations the
 * source is read, written to a temporary file, hashed (SHA-256) as it is written, flushed to
 * disk and renamed into place, and the hash compared; one thread per core.
 */
public final class CopyFloor {

    private static final int BUFFER_BYTES = 1024 * 1024;

    private CopyFloor() {
    }

    /** Seconds to copy {@code source} to {@code copies} files in {@code directory}, verified. */
    public static double seconds(Path source, String sha256, int copies, Path directory) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            long start = System.nanoTime();
            List<Future<String>> hashes = new ArrayList<>();
            for (int i = 0; i < copies; i++) {
                Path target = directory.resolve("copy-" + i);
                hashes.add(pool.submit(() -> copy(source, target)));
            }
            for (Future<String> hash : hashes) {
                if (!hash.get().equals(sha256)) {
                    throw new IllegalStateException("a copy of " + source + " has SHA-256 " + hash.get()
                            + ", expected " + sha256);
                }
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String copy(Path source, Path target) throws IOException {
        MessageDigest digest = newDigest();
        Path temporary = target.resolveSibling("." + target.getFileName() + ".part");
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (in.read(buffer.clear()) >= 0) {
                buffer.flip();
                digest.update(buffer.array(), 0, buffer.limit());
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
            out.force(true);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The SHA-256 of a file, lower-case hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (in.read(buffer.clear()) >= 0) {
                digest.update(buffer.flip());
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
