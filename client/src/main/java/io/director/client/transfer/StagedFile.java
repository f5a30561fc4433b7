package io.director.client.transfer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A file prepared next to where it will live: written under a hidden temporary name in the
 * destination's directory (mode 0600 until someone changes it), then moved into place with one
 * atomic rename, so a reader sees the old file or the whole new one, never part of it. Closing
 * it without {@link #commit} deletes it. Used by one thread at a time.
 */
public final class StagedFile implements AutoCloseable {

    private final Path path;
    private boolean committed;

    private StagedFile(Path path) {
        this.path = path;
    }

    /** A new empty temporary file in {@code directory}, named after {@code name} (for people looking). */
    public static StagedFile in(Path directory, String name) throws IOException {
        return new StagedFile(Files.createTempFile(directory, "." + name + ".", ".director-part"));
    }

    public Path path() {
        return path;
    }

    /** Flushes the file to disk and renames it to {@code target}, replacing what is there. */
    public void commit(Path target) throws IOException {
        // Without the flush a crash soon after the rename could leave an empty file in place.
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(path, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        committed = true;
    }

    /** Deletes the temporary file unless it was committed. */
    @Override
    public void close() {
        if (!committed) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // Nothing better to do: the name is hidden and says what it was.
            }
        }
    }
}
