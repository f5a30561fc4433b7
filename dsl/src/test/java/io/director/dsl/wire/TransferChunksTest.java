package io.director.dsl.wire;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static io.director.dsl.wire.TransferChunks.CHUNK_BYTES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransferChunksTest {

    @Test
    void countsChunksWithAShorterLastOne() {
        assertEquals(0, TransferChunks.count(0));
        assertEquals(1, TransferChunks.count(1));
        assertEquals(1, TransferChunks.count(CHUNK_BYTES));
        assertEquals(2, TransferChunks.count(CHUNK_BYTES + 1));
        assertEquals(40, TransferChunks.count(10L * 1024 * 1024));
    }

    @Test
    void aChunkStartsOnTheGridAndRunsToTheNextLineOrTheEnd() {
        long size = 2L * CHUNK_BYTES + 5;
        assertTrue(TransferChunks.isChunk(size, 0, CHUNK_BYTES));
        assertTrue(TransferChunks.isChunk(size, CHUNK_BYTES, CHUNK_BYTES));
        assertTrue(TransferChunks.isChunk(size, 2L * CHUNK_BYTES, 5));
        assertTrue(TransferChunks.isChunk(3, 0, 3));

        assertFalse(TransferChunks.isChunk(size, 7, CHUNK_BYTES), "not on the grid");
        assertFalse(TransferChunks.isChunk(size, 0, CHUNK_BYTES - 1), "shorter than a chunk");
        assertFalse(TransferChunks.isChunk(size, 0, CHUNK_BYTES + 1), "longer than a chunk");
        assertFalse(TransferChunks.isChunk(size, 2L * CHUNK_BYTES, 6), "past the end");
        assertFalse(TransferChunks.isChunk(size, 3L * CHUNK_BYTES, 1), "after the end");
        assertFalse(TransferChunks.isChunk(CHUNK_BYTES, CHUNK_BYTES, 0), "at the end");
        assertFalse(TransferChunks.isChunk(0, 0, 0), "an empty file has no chunk");
        assertFalse(TransferChunks.isChunk(size, -CHUNK_BYTES, CHUNK_BYTES));
    }

    @Test
    void crc32cIsTheCastagnoliCheckValueAndLeavesTheBufferAsItWas() {
        // The standard check value of CRC-32C (Castagnoli) for "123456789".
        ByteBuffer data = ByteBuffer.wrap("xx123456789".getBytes(StandardCharsets.US_ASCII)).position(2);
        assertEquals(0xE3069283L, TransferChunks.crc32c(data));
        assertEquals(2, data.position());

        ByteBuffer direct = ByteBuffer.allocateDirect(9).put("123456789".getBytes(StandardCharsets.US_ASCII)).flip();
        assertEquals(0xE3069283L, TransferChunks.crc32c(direct));
        assertEquals(0, TransferChunks.crc32c(ByteBuffer.allocate(0)));
    }
}
