package io.director.server.transfer;

import io.director.dsl.verb.JobDefinition;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.ChunkCipher;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.TransferChunks;
import io.director.dsl.wire.TransferFile;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransferEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String NODE = "web-1";

    @TempDir
    Path dir;

    /** An encrypted cluster's: each grant has a key, which the node signs with and the chunks are sealed with. */
    private final TransferPermissions permissions = new TransferPermissions(true);
    /** The keys the dispatches carried, by node and job. */
    private final Map<String, String> keys = new java.util.HashMap<>();
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
        endpoint = new TransferEndpoint("127.0.0.1", 0, permissions, checksums);
        endpoint.start();
        node = new RawPeer(endpoint.port());
    }

    @AfterEach
    void stop() {
        node.close();
        endpoint.close();
        log.removeHandler(capture);
    }

    @Test
    void servesAGrantedFileAsAHeaderWithItsCrc32cAndNonceAndASealedDataFrame() throws Exception {
        byte[] bytes = "listen 80\n".getBytes(StandardCharsets.UTF_8);
        TransferFile file = file("app.conf", bytes);
        grant(NODE, job("job-1", file));

        node.send(request("job-1", file.source(), 0, bytes.length));
        List<byte[]> reply = node.receive(WAIT);

        Message.Chunk header = (Message.Chunk) RawPeer.header(reply);
        assertNotNull(header.nonce());
        assertEquals(new Message.Chunk("job-1", handle("job-1", file.source()), 0, bytes.length, crc32c(bytes), null,
                header.nonce()), header);
        assertTrue(header.source().startsWith("~"), "a handle, not the path: " + header.source());
        assertEquals(2, reply.size());
        assertEquals(bytes.length + ChunkCipher.TAG_BYTES, reply.get(1).length, "the bytes and the tag");
        assertFalse(new String(reply.get(1), StandardCharsets.UTF_8).contains("listen"), "not in the clear");
        assertEquals("listen 80\n", new String(open(reply, "job-1"), StandardCharsets.UTF_8));

        node.send(request("job-1", file.source(), 0, bytes.length));
        List<byte[]> again = node.receive(WAIT);
        assertNotEquals(header.nonce(), ((Message.Chunk) RawPeer.header(again)).nonce(), "a new nonce each time");
        assertEquals("listen 80\n", new String(open(again, "job-1"), StandardCharsets.UTF_8));
    }

    @Test
    void servesTheBytesInTheClearWhenTheClusterIsNotEncrypted() throws Exception {
        byte[] bytes = "listen 80\n".getBytes(StandardCharsets.UTF_8);
        TransferFile file = file("app.conf", bytes);
        TransferPermissions plaintext = new TransferPermissions(false);
        assertNull(plaintext.grant(NODE, job("job-1", file)).transferKey());
        try (TransferEndpoint clear = new TransferEndpoint("127.0.0.1", 0, plaintext, checksums);
             RawPeer peer = startAndConnect(clear)) {
            peer.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 0, bytes.length));
            List<byte[]> reply = peer.receive(WAIT);

            assertEquals(new Message.Chunk("job-1", file.source(), 0, bytes.length, crc32c(bytes), null),
                    RawPeer.header(reply));
            assertEquals("listen 80\n", new String(reply.get(1), StandardCharsets.UTF_8));
        }
    }

    @Test
    void refusesARequestThatIsUnsignedSignedWithAnotherKeyOrAsksForAnUnknownCipher() throws Exception {
        TransferFile file = file("app.conf", "x".getBytes(StandardCharsets.UTF_8));
        grant(NODE, job("job-1", file));
        Message.ChunkRequest plain = new Message.ChunkRequest(NODE, "job-1", handle("job-1", file.source()), 0, 1);

        node.send(plain);
        assertEquals("this cluster is encrypted: a request names a cipher (AES-256-GCM or ChaCha20-Poly1305) and is"
                + " signed with the job's transfer key", refusal(node.receive(WAIT)));
        node.send(plain.signed(ChunkCipher.of(ChunkCipher.AES_256_GCM, ChunkCipher.newKey())));
        // (another key names the file by another handle, too: the node's grant has no such file)
        assertEquals("not signed with the transfer key of job job-1 for node 'web-1'", refusal(node.receive(WAIT)));
        Message.ChunkRequest signed = request("job-1", file.source(), 0, 1);
        node.send(new Message.ChunkRequest(NODE, "job-1", signed.source(), 0, 1, "ROT13", signed.mac()));
        assertEquals("unknown cipher 'ROT13' (known: AES-256-GCM, ChaCha20-Poly1305)", refusal(node.receive(WAIT)));
        node.send(new Message.ChunkRequest(NODE, "job-1", signed.source(), 0, 1, signed.cipher(), signed.mac() + "A"));
        assertEquals("not signed with the transfer key of job job-1 for node 'web-1'", refusal(node.receive(WAIT)));
        // A signed request for one chunk does not sign another.
        node.send(new Message.ChunkRequest(NODE, "job-1", signed.source(), 0, 2, signed.cipher(), signed.mac()));
        assertEquals("not signed with the transfer key of job job-1 for node 'web-1'", refusal(node.receive(WAIT)));

        node.send(signed);
        assertEquals("x", new String(open(node.receive(WAIT), "job-1"), StandardCharsets.UTF_8));
    }

    @Test
    void sealsWithTheCipherTheNodeAsksFor() throws Exception {
        byte[] bytes = random(CHUNK_BYTES, 9);
        TransferFile file = file("big.bin", bytes);
        grant(NODE, job("job-1", file));

        for (String cipher : ChunkCipher.CIPHERS) {
            node.send(request("job-1", file.source(), 0, CHUNK_BYTES)
                    .signed(ChunkCipher.of(cipher, keys.get(NODE + "/job-1"))));
            assertArrayEquals(bytes, open(node.receive(WAIT), "job-1", cipher), cipher);
        }
    }

    @Test
    void servesEachChunkOfTheGridWithItsOwnCrc32c() throws Exception {
        byte[] bytes = random(2 * CHUNK_BYTES + 5, 1);
        TransferFile file = file("big.bin", bytes);
        grant(NODE, job("job-1", file));

        for (int offset : new int[] {CHUNK_BYTES, 2 * CHUNK_BYTES, 0}) {
            int length = Math.min(CHUNK_BYTES, bytes.length - offset);
            node.send(request("job-1", file.source(), offset, length));
            List<byte[]> reply = node.receive(WAIT);

            byte[] expected = Arrays.copyOfRange(bytes, offset, offset + length);
            Message.Chunk header = (Message.Chunk) RawPeer.header(reply);
            assertEquals(new Message.Chunk("job-1", handle("job-1", file.source()), offset, length,
                    crc32c(expected), null, header.nonce()), header);
            assertArrayEquals(expected, open(reply, "job-1"));
        }
    }

    @Test
    void refusesARequestThatIsNotAWholeChunkOfTheGrid() throws Exception {
        TransferFile file = file("big.bin", random(2 * CHUNK_BYTES + 5, 2));
        grant(NODE, job("job-1", file));
        String grid = " is not a whole chunk: chunks are 262144 bytes from offset 0, the last one ending at the"
                + " file's end (524293 bytes)";

        for (long[] range : new long[][] {{5, CHUNK_BYTES}, {0, CHUNK_BYTES - 1}, {0, 2 * CHUNK_BYTES},
                {2 * CHUNK_BYTES, 6}, {2 * CHUNK_BYTES + 5, 1}}) {
            node.send(request("job-1", file.source(), range[0], (int) range[1]));
            List<byte[]> reply = node.receive(WAIT);

            assertEquals(1, reply.size(), "a refusal carries no data frame");
            assertEquals(Message.Chunk.refused("job-1", handle("job-1", file.source()), range[0], "offset " + range[0]
                    + ", length "
                    + range[1] + grid), RawPeer.header(reply));
        }
    }

    @Test
    void refusesAChunkWhoseBytesChangedSinceTheJobWasSubmitted() throws Exception {
        byte[] bytes = random(2 * CHUNK_BYTES, 3);
        TransferFile file = file("data.bin", bytes);
        grant(NODE, job("job-1", file));
        byte[] changed = bytes.clone();
        changed[CHUNK_BYTES + 100] ^= 1; // same size, one bit of the second chunk
        Files.write(Path.of(file.source()), changed);

        warnings.clear();
        node.send(request("job-1", file.source(), 0, CHUNK_BYTES));
        assertEquals(crc32c(Arrays.copyOf(bytes, CHUNK_BYTES)),
                ((Message.Chunk) RawPeer.header(node.receive(WAIT))).crc32c(), "the first chunk is as it was");
        node.send(request("job-1", file.source(), CHUNK_BYTES, CHUNK_BYTES));
        List<byte[]> reply = node.receive(WAIT);

        assertEquals(1, reply.size(), "a refusal carries no data frame");
        assertEquals("changed on the server since the job was submitted (the chunk at offset 262144 differs)",
                ((Message.Chunk) RawPeer.header(reply)).error());
        LogRecord record = warnings.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(record, "the refusal is logged");
        assertTrue(record.getMessage().startsWith("refused a chunk of '" + file.source() + "' for job job-1 to node"
                + " 'web-1'"), "a granted file is logged by its path: " + record.getMessage());
    }

    @Test
    void afterARestartServesAFileThatStillHasItsSubmittedBytesAndRefusesOneThatDoesNot() throws Exception {
        byte[] bytes = random(CHUNK_BYTES + 5, 4);
        TransferFile kept = file("kept.bin", bytes);
        TransferFile changed = file("changed.bin", bytes);
        Files.write(Path.of(changed.source()), random(bytes.length, 5));
        endpoint.close();
        // A restarted server knows the jobs' files from its datastore, but has no chunk checksums.
        endpoint = new TransferEndpoint("127.0.0.1", 0, permissions, new ChunkChecksums());
        endpoint.start();
        node.close();
        node = new RawPeer(endpoint.port());
        grant(NODE, job("job-1", kept, changed));

        node.send(request("job-1", kept.source(), CHUNK_BYTES, 5));
        List<byte[]> reply = node.receive(WAIT);
        assertEquals(crc32c(Arrays.copyOfRange(bytes, CHUNK_BYTES, CHUNK_BYTES + 5)),
                ((Message.Chunk) RawPeer.header(reply)).crc32c());
        assertArrayEquals(Arrays.copyOfRange(bytes, CHUNK_BYTES, CHUNK_BYTES + 5), open(reply, "job-1"));

        node.send(request("job-1", changed.source(), 0, CHUNK_BYTES));
        assertEquals("changed on the server since the job was submitted (its SHA-256 differs)",
                ((Message.Chunk) RawPeer.header(node.receive(WAIT))).error());
    }

    @Test
    void refusesAFileNoJobGrantsAndLogsNodeJobAndWhatWasAskedFor() throws Exception {
        TransferFile granted = file("app.conf", "x".getBytes(StandardCharsets.UTF_8));
        grant(NODE, job("job-1", granted));
        warnings.clear();

        node.send(request("job-1", "/etc/shadow", 0, 100));
        List<byte[]> reply = node.receive(WAIT);

        assertEquals(1, reply.size(), "a refusal carries no data frame");
        Message.Chunk chunk = (Message.Chunk) RawPeer.header(reply);
        assertEquals("not a file of job job-1 on this node", chunk.error());
        LogRecord record = warnings.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(record, "the refusal is logged");
        // Only the handle crossed the wire: the server cannot tell which path it would have been.
        assertEquals("refused a chunk of '" + handle("job-1", "/etc/shadow") + "' for job job-1 to node 'web-1' at"
                + " 127.0.0.1: " + chunk.error(), record.getMessage());
    }

    @Test
    void refusesAGrantedFileToAnotherNode() throws Exception {
        TransferFile file = file("app.conf", "x".getBytes(StandardCharsets.UTF_8));
        grant("web-2", job("job-1", file));

        node.send(request("job-1", file.source(), 0, 100));

        assertNotNull(((Message.Chunk) RawPeer.header(node.receive(WAIT))).error());
    }

    @Test
    void refusesANodeAskingInAnotherNodesNameWithItsOwnKey() throws Exception {
        TransferFile file = file("app.conf", "x".getBytes(StandardCharsets.UTF_8));
        grant(NODE, job("job-1", file));
        grant("web-2", job("job-1", file));

        // web-2's handle for the file, as anyone on the wire could see it; the signature is web-1's own.
        node.send(new Message.ChunkRequest("web-2", "job-1",
                ChunkCipher.of(ChunkCipher.AES_256_GCM, keys.get("web-2/job-1")).handle(file.source()), 0, 1)
                .signed(ChunkCipher.of(ChunkCipher.AES_256_GCM, keys.get(NODE + "/job-1"))));

        assertEquals("not signed with the transfer key of job job-1 for node 'web-2'", refusal(node.receive(WAIT)));
    }

    @Test
    void refusesAFileOnceItsJobIsRevoked() throws Exception {
        TransferFile file = file("app.conf", "x".getBytes(StandardCharsets.UTF_8));
        grant(NODE, job("job-1", file));
        node.send(request("job-1", file.source(), 0, 1));
        assertNull(((Message.Chunk) RawPeer.header(node.receive(WAIT))).error());

        permissions.revoke(NODE, "job-1");
        node.send(request("job-1", file.source(), 0, 1));
        List<byte[]> reply = node.receive(WAIT);

        assertEquals(1, reply.size());
        assertNotNull(((Message.Chunk) RawPeer.header(reply)).error());
    }

    @Test
    void refusesAFileThatShrankSinceItWasListed() throws Exception {
        TransferFile file = file("app.conf", "0123456789".getBytes(StandardCharsets.UTF_8));
        grant(NODE, job("job-1", file));
        Files.writeString(Path.of(file.source()), "0123");

        node.send(request("job-1", file.source(), 0, 10));

        assertEquals("changed on the server: shorter than when the job was submitted",
                ((Message.Chunk) RawPeer.header(node.receive(WAIT))).error());
    }

    @Test
    void answersGarbageWithAnErrorAndKeepsServing() throws Exception {
        TransferFile file = file("app.conf", "ok".getBytes(StandardCharsets.UTF_8));
        grant(NODE, job("job-1", file));

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
        node.send(request("job-1", file.source(), -1, 10));
        assertEquals("invalid range: offset -1, length 10", ((Message.Chunk) RawPeer.header(node.receive(WAIT))).error());

        node.send(request("job-1", file.source(), 0, 2));
        List<byte[]> reply = node.receive(WAIT);
        assertEquals("ok", new String(open(reply, "job-1"), StandardCharsets.UTF_8));
    }

    @Test
    void doesNotAnswerAnErrorMessage() throws Exception {
        TransferFile file = file("app.conf", "ok".getBytes(StandardCharsets.UTF_8));
        grant(NODE, job("job-1", file));

        node.send(new Message.Error("something"));
        node.send(request("job-1", file.source(), 0, 2));

        assertInstanceOf(Message.Chunk.class, RawPeer.header(node.receive(WAIT)), "the first answer is the chunk's");
    }

    @Test
    void aTakenPortIsAnErrorNamingIt() {
        TransferEndpoint second = new TransferEndpoint("127.0.0.1", endpoint.port(), permissions, checksums);

        IllegalStateException e = assertThrows(IllegalStateException.class, second::start);

        assertTrue(e.getMessage().startsWith("cannot bind the transfer port 127.0.0.1:" + endpoint.port()),
                e.getMessage());
        second.close();
    }

    @Test
    void closingFreesThePort() {
        int port = endpoint.port();
        endpoint.close();

        endpoint = new TransferEndpoint("127.0.0.1", port, permissions, checksums);
        endpoint.start();

        assertEquals(port, endpoint.port());
    }

    /** Grants the job as the dispatcher does, and keeps the key its dispatch would carry to the node. */
    private void grant(String identity, Job job) {
        keys.put(identity + "/" + job.jobId(), permissions.grant(identity, job).transferKey());
    }

    /**
     * A request of {@link #NODE}, made as the node makes it: the file named by its handle, signed
     * with the key its job's dispatch carried (a key of its own when there was none).
     */
    private Message.ChunkRequest request(String jobId, String source, long offset, int length) {
        String key = keys.getOrDefault(NODE + "/" + jobId, ChunkCipher.newKey());
        ChunkCipher cipher = ChunkCipher.of(ChunkCipher.AES_256_GCM, key);
        return new Message.ChunkRequest(NODE, jobId, cipher.handle(source), offset, length).signed(cipher);
    }

    /** What {@link #NODE}'s requests and the chunks call this file of the job: its handle. */
    private String handle(String jobId, String source) {
        return ChunkCipher.of(ChunkCipher.AES_256_GCM, keys.get(NODE + "/" + jobId)).handle(source);
    }

    private byte[] open(List<byte[]> reply, String jobId) throws Exception {
        return open(reply, jobId, ChunkCipher.AES_256_GCM);
    }

    /** The bytes of a sealed chunk, opened as the node opens them: the header as sent is authenticated too. */
    private byte[] open(List<byte[]> reply, String jobId, String cipher) throws Exception {
        assertEquals(2, reply.size(), "a header and the sealed bytes");
        Message.Chunk header = (Message.Chunk) RawPeer.header(reply);
        ByteBuffer plaintext = ByteBuffer.allocate(reply.get(1).length);
        ChunkCipher.of(cipher, keys.get(NODE + "/" + jobId)).open(header.nonce(), reply.get(0),
                ByteBuffer.wrap(reply.get(1)), plaintext);
        return Arrays.copyOf(plaintext.array(), plaintext.position());
    }

    private static String refusal(List<byte[]> reply) throws Exception {
        assertEquals(1, reply.size(), "a refusal carries no data frame");
        return ((Message.Chunk) RawPeer.header(reply)).error();
    }

    private static RawPeer startAndConnect(TransferEndpoint endpoint) {
        endpoint.start();
        return new RawPeer(endpoint.port());
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
