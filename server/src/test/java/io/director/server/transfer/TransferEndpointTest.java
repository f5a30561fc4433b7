package io.director.server.transfer;

import io.director.dsl.verb.JobDefinition;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.CurveKeys;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.TransferChunks;
import io.director.dsl.wire.TransferFile;
import io.director.server.transport.WireSecurity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.director.dsl.wire.TransferChunks.CHUNK_BYTES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransferEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String NODE = "web-1";
    private static final CurveKeys SERVER_KEYS = CurveKeys.generate();
    private static final CurveKeys NODE_KEYS = CurveKeys.generate();
    /** As the server resolves peers: only NODE_KEYS is an accepted key, NODE's. */
    private static final TransferPeers PEERS = (peer, claimed) -> NODE_KEYS.publicKey().equals(peer.publicKey())
            ? Optional.of(NODE).filter(n -> n.equals(claimed)) : Optional.empty();

    @TempDir
    Path dir;

    private final TransferPermissions permissions = new TransferPermissions();
    private final ChunkChecksums checksums = new ChunkChecksums();
    private final BlockingQueue<LogRecord> warnings = new LinkedBlockingQueue<>();
    private final Logger log = Logger.getLogger(TransferEndpoint.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            warnings.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private TransferEndpoint endpoint;
    private RawPeer node;

    @BeforeEach
    void start() {
        log.addHandler(capture);
        endpoint = new TransferEndpoint("127.0.0.1", 0, permissions, checksums, WireSecurity.curve(SERVER_KEYS), PEERS);
        endpoint.start();
        node = new RawPeer(endpoint.port(), NODE_KEYS, SERVER_KEYS.publicKey());
    }

    @AfterEach
    void stop() {
        node.close();
        endpoint.close();
        log.removeHandler(capture);
    }

    @Test
    void servesAGrantedFileAsAHeaderWithItsCrc32cAndARawDataFrame() throws Exception {
        byte[] bytes = "listen 80\n".getBytes(StandardCharsets.UTF_8);
        TransferFile file = file("app.conf", bytes);
        permissions.grant(NODE, job("job-1", file));

        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 0, bytes.length));
        List<byte[]> reply = node.receive(WAIT);

        assertEquals(new Message.Chunk("job-1", file.source(), 0, bytes.length, crc32c(bytes), null),
                RawPeer.header(reply));
        assertEquals(2, reply.size());
        assertEquals("listen 80\n", new String(reply.get(1), StandardCharsets.UTF_8));
    }

    @Test
    void servesEachChunkOfTheGridWithItsOwnCrc32c() throws Exception {
        byte[] bytes = random(2 * CHUNK_BYTES + 5, 1);
        TransferFile file = file("big.bin", bytes);
        permissions.grant(NODE, job("job-1", file));

        for (int offset : new int[] {CHUNK_BYTES, 2 * CHUNK_BYTES, 0}) {
            int length = Math.min(CHUNK_BYTES, bytes.length - offset);
            node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), offset, length));
            List<byte[]> reply = node.receive(WAIT);

            byte[] expected = Arrays.copyOfRange(bytes, offset, offset + length);
            assertEquals(new Message.Chunk("job-1", file.source(), offset, length, crc32c(expected), null),
                    RawPeer.header(reply));
            assertArrayEquals(expected, reply.get(1));
        }
    }

    @Test
    void refusesARequestThatIsNotAWholeChunkOfTheGrid() throws Exception {
        TransferFile file = file("big.bin", random(2 * CHUNK_BYTES + 5, 2));
        permissions.grant(NODE, job("job-1", file));
        String grid = " is not a whole chunk: chunks are 262144 bytes from offset 0, the last one ending at the"
                + " file's end (524293 bytes)";

        for (long[] range : new long[][] {{5, CHUNK_BYTES}, {0, CHUNK_BYTES - 1}, {0, 2 * CHUNK_BYTES},
                {2 * CHUNK_BYTES, 6}, {2 * CHUNK_BYTES + 5, 1}}) {
            node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), range[0], (int) range[1]));
            List<byte[]> reply = node.receive(WAIT);

            assertEquals(1, reply.size(), "a refusal carries no data frame");
            assertEquals(Message.Chunk.refused("job-1", file.source(), range[0], "offset " + range[0] + ", length "
                    + range[1] + grid), RawPeer.header(reply));
        }
    }

    @Test
    void refusesAChunkWhoseBytesChangedSinceTheJobWasSubmitted() throws Exception {
        byte[] bytes = random(2 * CHUNK_BYTES, 3);
        TransferFile file = file("data.bin", bytes);
        permissions.grant(NODE, job("job-1", file));
        byte[] changed = bytes.clone();
        changed[CHUNK_BYTES + 100] ^= 1; // same size, one bit of the second chunk
        Files.write(Path.of(file.source()), changed);

        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 0, CHUNK_BYTES));
        assertEquals(crc32c(Arrays.copyOf(bytes, CHUNK_BYTES)),
                ((Message.Chunk) RawPeer.header(node.receive(WAIT))).crc32c(), "the first chunk is as it was");
        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), CHUNK_BYTES, CHUNK_BYTES));
        List<byte[]> reply = node.receive(WAIT);

        assertEquals(1, reply.size(), "a refusal carries no data frame");
        assertEquals("changed on the server since the job was submitted (the chunk at offset 262144 differs)",
                ((Message.Chunk) RawPeer.header(reply)).error());
    }

    @Test
    void afterARestartServesAFileThatStillHasItsSubmittedBytesAndRefusesOneThatDoesNot() throws Exception {
        byte[] bytes = random(CHUNK_BYTES + 5, 4);
        TransferFile kept = file("kept.bin", bytes);
        TransferFile changed = file("changed.bin", bytes);
        Files.write(Path.of(changed.source()), random(bytes.length, 5));
        endpoint.close();
        // A restarted server knows the jobs' files from its datastore, but has no chunk checksums.
        endpoint = new TransferEndpoint("127.0.0.1", 0, permissions, new ChunkChecksums(),
                WireSecurity.curve(SERVER_KEYS), PEERS);
        endpoint.start();
        node.close();
        node = new RawPeer(endpoint.port(), NODE_KEYS, SERVER_KEYS.publicKey());
        permissions.grant(NODE, job("job-1", kept, changed));

        node.send(new Message.ChunkRequest(NODE, "job-1", kept.source(), CHUNK_BYTES, 5));
        List<byte[]> reply = node.receive(WAIT);
        assertEquals(crc32c(Arrays.copyOfRange(bytes, CHUNK_BYTES, CHUNK_BYTES + 5)),
                ((Message.Chunk) RawPeer.header(reply)).crc32c());
        assertArrayEquals(Arrays.copyOfRange(bytes, CHUNK_BYTES, CHUNK_BYTES + 5), reply.get(1));

        node.send(new Message.ChunkRequest(NODE, "job-1", changed.source(), 0, CHUNK_BYTES));
        assertEquals("changed on the server since the job was submitted (its SHA-256 differs)",
                ((Message.Chunk) RawPeer.header(node.receive(WAIT))).error());
    }

    @Test
    void refusesAPathNoJobGrantsAndLogsNodeJobAndPath() throws Exception {
        TransferFile granted = file("app.conf", "x".getBytes(StandardCharsets.UTF_8));
        permissions.grant(NODE, job("job-1", granted));
        warnings.clear();

        node.send(new Message.ChunkRequest(NODE, "job-1", "/etc/shadow", 0, 100));
        List<byte[]> reply = node.receive(WAIT);

        assertEquals(1, reply.size(), "a refusal carries no data frame");
        Message.Chunk chunk = (Message.Chunk) RawPeer.header(reply);
        assertEquals("not a file of job job-1 on this node", chunk.error());
        LogRecord record = warnings.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(record, "the refusal is logged");
        assertEquals("refused a chunk of '/etc/shadow' for job job-1 to node 'web-1' (127.0.0.1, key "
                + CurveKeys.shortFingerprint(NODE_KEYS.publicKey()) + "): " + chunk.error(),
                record.getMessage());
    }

    @Test
    void refusesAGrantedFileToAnotherNode() throws Exception {
        TransferFile file = file("app.conf", "x".getBytes(StandardCharsets.UTF_8));
        permissions.grant("web-2", job("job-1", file));

        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 0, 100));

        assertNotNull(((Message.Chunk) RawPeer.header(node.receive(WAIT))).error());
    }

    @Test
    void refusesAKeyThatIsNotTheNodesEvenWhenItNamesTheNode() throws Exception {
        TransferFile file = file("app.conf", "x".getBytes(StandardCharsets.UTF_8));
        permissions.grant(NODE, job("job-1", file));
        try (RawPeer stranger = new RawPeer(endpoint.port(), CurveKeys.generate(), SERVER_KEYS.publicKey())) {
            stranger.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 0, 100));
            List<byte[]> reply = stranger.receive(WAIT);
            assertEquals(1, reply.size(), "no data");
            assertEquals("this connection is not node 'web-1' of this cluster (its key is not that node's accepted key)",
                    ((Message.Chunk) RawPeer.header(reply)).error());
        }
    }

    @Test
    void refusesTheNodesKeyAskingInAnotherNodesName() throws Exception {
        TransferFile file = file("app.conf", "x".getBytes(StandardCharsets.UTF_8));
        permissions.grant("web-2", job("job-1", file));

        node.send(new Message.ChunkRequest("web-2", "job-1", file.source(), 0, 100));

        assertTrue(((Message.Chunk) RawPeer.header(node.receive(WAIT))).error().startsWith("this connection is not"));
    }

    @Test
    void aPeerThatDoesNotKnowTheServersKeyGetsNothing() throws Exception {
        TransferFile file = file("app.conf", "x".getBytes(StandardCharsets.UTF_8));
        permissions.grant(NODE, job("job-1", file));
        try (RawPeer impostor = new RawPeer(endpoint.port(), NODE_KEYS, CurveKeys.generate().publicKey())) {
            impostor.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 0, 100));
            assertThrows(AssertionError.class, () -> impostor.receive(Duration.ofSeconds(2)),
                    "the CURVE handshake must fail: the server cannot read a hello sealed for another key");
        }
    }

    @Test
    void refusesAFileOnceItsJobIsRevoked() throws Exception {
        TransferFile file = file("app.conf", "x".getBytes(StandardCharsets.UTF_8));
        permissions.grant(NODE, job("job-1", file));
        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 0, 1));
        assertNull(((Message.Chunk) RawPeer.header(node.receive(WAIT))).error());

        permissions.revoke(NODE, "job-1");
        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 0, 1));
        List<byte[]> reply = node.receive(WAIT);

        assertEquals(1, reply.size());
        assertNotNull(((Message.Chunk) RawPeer.header(reply)).error());
    }

    @Test
    void refusesAFileThatShrankSinceItWasListed() throws Exception {
        TransferFile file = file("app.conf", "0123456789".getBytes(StandardCharsets.UTF_8));
        permissions.grant(NODE, job("job-1", file));
        Files.writeString(Path.of(file.source()), "0123");

        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 0, 10));

        assertEquals("changed on the server: shorter than when the job was submitted",
                ((Message.Chunk) RawPeer.header(node.receive(WAIT))).error());
    }

    @Test
    void answersGarbageWithAnErrorAndKeepsServing() throws Exception {
        TransferFile file = file("app.conf", "ok".getBytes(StandardCharsets.UTF_8));
        permissions.grant(NODE, job("job-1", file));

        node.frames("not json".getBytes(StandardCharsets.UTF_8));
        assertInstanceOf(Message.Error.class, RawPeer.header(node.receive(WAIT)));
        node.frames(new byte[0]);
        assertInstanceOf(Message.Error.class, RawPeer.header(node.receive(WAIT)));
        node.frames("{}".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals(new Message.Error("expected exactly one frame after the routing id"),
                RawPeer.header(node.receive(WAIT)));
        node.frames("{\"type\":\"chunk_request\",\"source\":\"/x\"}".getBytes(StandardCharsets.UTF_8));
        assertInstanceOf(Message.Error.class, RawPeer.header(node.receive(WAIT)));
        node.send(new Message.Heartbeat(1));
        assertEquals(new Message.Error("unexpected message type 'heartbeat' on the transfer port (only chunk_request"
                + " is served)"), RawPeer.header(node.receive(WAIT)));
        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), -1, 10));
        assertEquals("invalid range: offset -1, length 10", ((Message.Chunk) RawPeer.header(node.receive(WAIT))).error());

        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 0, 2));
        List<byte[]> reply = node.receive(WAIT);
        assertEquals("ok", new String(reply.get(1), StandardCharsets.UTF_8));
    }

    @Test
    void doesNotAnswerAnErrorMessage() throws Exception {
        TransferFile file = file("app.conf", "ok".getBytes(StandardCharsets.UTF_8));
        permissions.grant(NODE, job("job-1", file));

        node.send(new Message.Error("something"));
        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 0, 2));

        assertInstanceOf(Message.Chunk.class, RawPeer.header(node.receive(WAIT)), "the first answer is the chunk's");
    }

    @Test
    void aTakenPortIsAnErrorNamingIt() {
        TransferEndpoint second = new TransferEndpoint("127.0.0.1", endpoint.port(), permissions, checksums,
                WireSecurity.curve(SERVER_KEYS), PEERS);

        IllegalStateException e = assertThrows(IllegalStateException.class, second::start);

        assertTrue(e.getMessage().startsWith("cannot bind the transfer port 127.0.0.1:" + endpoint.port()),
                e.getMessage());
        second.close();
    }

    @Test
    void closingFreesThePort() {
        int port = endpoint.port();
        endpoint.close();

        endpoint = new TransferEndpoint("127.0.0.1", port, permissions, checksums, WireSecurity.curve(SERVER_KEYS),
                PEERS);
        endpoint.start();

        assertEquals(port, endpoint.port());
    }

    private TransferFile file(String name, byte[] bytes) throws Exception {
        Path path = Files.write(dir.resolve(name), bytes);
        return FileManifest.of(new JobDefinition("ADD", Map.of(), path + " /srv/"), null, checksums).get(0);
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static long crc32c(byte[] bytes) {
        return TransferChunks.crc32c(ByteBuffer.wrap(bytes));
    }

    private static Job job(String jobId, TransferFile... files) {
        return new Job(jobId, jobId, null, new JobDefinition("ADD", Map.of(), "x /srv/"), "f", Job.MAIN_QUEUE,
                List.of(files));
    }
}
