package io.director.server.transfer;

import io.director.dsl.wire.TransferChunks;
import io.director.dsl.wire.TransferFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.Random;

import static io.director.dsl.wire.TransferChunks.CHUNK_BYTES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChunkChecksumsTest {

    @TempDir
    Path dir;

    @Test
    void oneReadGivesTheSha256AndTheCrc32cOfEachChunkOfTheGrid() throws Exception {
        byte[] bytes = random(3 * CHUNK_BYTES + 17, 1);
        Path path = Files.write(dir.resolve("data.bin"), bytes);

        ChunkChecksums.Reading reading = ChunkChecksums.read(path, Long.MAX_VALUE);

        assertEquals(bytes.length, reading.size());
        assertEquals(sha256(bytes, bytes.length), reading.sha256());
        assertArrayEquals(crcs(bytes, bytes.length), reading.crc32c());
    }

    @Test
    void aReadStopsAtItsLimit() throws Exception {
        byte[] bytes = random(CHUNK_BYTES + 10, 2);
        Path path = Files.write(dir.resolve("data.bin"), bytes);

        ChunkChecksums.Reading reading = ChunkChecksums.read(path, CHUNK_BYTES + 3);

        assertEquals(CHUNK_BYTES + 3, reading.size());
        assertEquals(sha256(bytes, CHUNK_BYTES + 3), reading.sha256());
        assertArrayEquals(crcs(bytes, CHUNK_BYTES + 3), reading.crc32c());
    }

    @Test
    void anEmptyFileHasNoChunks() throws Exception {
        ChunkChecksums.Reading reading = ChunkChecksums.read(Files.write(dir.resolve("empty"), new byte[0]),
                Long.MAX_VALUE);

        assertEquals(0, reading.size());
        assertEquals(0, reading.crc32c().length);
    }

    @Test
    void withoutAListAnUnchangedFileIsReadOnceAndTrusted() throws Exception {
        byte[] bytes = random(2 * CHUNK_BYTES + 5, 3);
        Path path = Files.write(dir.resolve("data.bin"), bytes);
        TransferFile file = new TransferFile(path.toString(), bytes.length, sha256(bytes, bytes.length), 0644);
        ChunkChecksums restarted = new ChunkChecksums();

        assertEquals(OptionalLong.of(crc(bytes, CHUNK_BYTES, CHUNK_BYTES)), restarted.crc32c(file, CHUNK_BYTES));
        assertEquals(OptionalLong.of(crc(bytes, 2 * CHUNK_BYTES, 5)), restarted.crc32c(file, 2L * CHUNK_BYTES));
        assertEquals(1, restarted.size());
    }

    @Test
    void withoutAListAFileWithOtherBytesIsChangedUntilItIsWrittenBackAsItWas() throws Exception {
        byte[] bytes = random(CHUNK_BYTES + 5, 4);
        Path path = Files.write(dir.resolve("data.bin"), bytes);
        TransferFile file = new TransferFile(path.toString(), bytes.length, sha256(bytes, bytes.length), 0644);
        FileTime submitted = Files.getLastModifiedTime(path);
        Files.write(path, random(bytes.length, 5));
        Files.setLastModifiedTime(path, FileTime.fromMillis(submitted.toMillis() + 1000));
        ChunkChecksums restarted = new ChunkChecksums();

        assertEquals(OptionalLong.empty(), restarted.crc32c(file, 0));
        assertEquals(OptionalLong.empty(), restarted.crc32c(file, CHUNK_BYTES));

        Files.write(path, bytes);
        Files.setLastModifiedTime(path, FileTime.fromMillis(submitted.toMillis() + 2000));
        assertEquals(OptionalLong.of(crc(bytes, 0, CHUNK_BYTES)), restarted.crc32c(file, 0));
    }

    @Test
    void withoutAListAFileThatCannotBeReadIsAnIoError() {
        TransferFile file = new TransferFile(dir.resolve("gone").toString(), 10, "00", 0644);

        assertThrows(java.nio.file.NoSuchFileException.class, () -> new ChunkChecksums().crc32c(file, 0));
    }

    @Test
    void aSubmissionReplacesWhatWasKnownOfTheSameContent() throws Exception {
        byte[] bytes = random(10, 6);
        Path path = Files.write(dir.resolve("app.conf"), bytes);
        TransferFile file = new TransferFile(path.toString(), bytes.length, sha256(bytes, bytes.length), 0644);
        ChunkChecksums checksums = new ChunkChecksums();
        Files.write(path, random(10, 7));
        assertEquals(OptionalLong.empty(), checksums.crc32c(file, 0));

        checksums.remember(file, crcs(bytes, bytes.length));

        assertEquals(OptionalLong.of(crc(bytes, 0, 10)), checksums.crc32c(file, 0));
    }

    @Test
    void aListMustHaveOneChecksumPerChunk() {
        TransferFile file = new TransferFile("/srv/data.bin", CHUNK_BYTES + 1L, "00", 0644);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ChunkChecksums().remember(file, new int[1]));

        assertEquals("1 chunk checksums for 262145 bytes of /srv/data.bin", e.getMessage());
    }

    @Test
    void dropsTheLeastRecentlyUsedListsPastItsWeightButNeverTheNewest() {
        ChunkChecksums checksums = new ChunkChecksums();
        int perFile = (int) (ChunkChecksums.MAX_WEIGHT / 4) - ChunkChecksums.ENTRY_WEIGHT;
        for (int i = 0; i < 4; i++) {
            checksums.remember(new TransferFile("/srv/" + i, (long) perFile * CHUNK_BYTES, "00", 0644),
                    new int[perFile]);
        }
        assertEquals(4, checksums.size());

        checksums.remember(new TransferFile("/srv/4", CHUNK_BYTES, "00", 0644), new int[1]);
        assertEquals(4, checksums.size());

        long huge = ChunkChecksums.MAX_WEIGHT + 1;
        checksums.remember(new TransferFile("/srv/huge", huge * CHUNK_BYTES, "00", 0644), new int[(int) huge]);
        assertEquals(1, checksums.size());
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes, int length) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(bytes, 0, length);
        return HexFormat.of().formatHex(digest.digest());
    }

    private static long crc(byte[] bytes, int offset, int length) {
        return TransferChunks.crc32c(ByteBuffer.wrap(bytes, offset, length));
    }

    private static int[] crcs(byte[] bytes, int length) {
        int[] crcs = new int[TransferChunks.count(length)];
        for (int i = 0; i < crcs.length; i++) {
            int offset = i * CHUNK_BYTES;
            crcs[i] = (int) crc(bytes, offset, Math.min(CHUNK_BYTES, length - offset));
        }
        return crcs;
    }
}
