package io.director.server.transfer;

import io.director.dsl.verb.JobDefinition;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.CurveKeys;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.TransferFile;
import io.director.server.transport.WireSecurity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        endpoint = new TransferEndpoint("127.0.0.1", 0, permissions, WireSecurity.curve(SERVER_KEYS), PEERS);
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
    void servesAGrantedFileAsAHeaderAndARawDataFrame() throws Exception {
        TransferFile file = file("app.conf", "listen 80\n".getBytes(StandardCharsets.UTF_8));
        permissions.grant(NODE, job("job-1", file));

        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 7, 100));
        List<byte[]> reply = node.receive(WAIT);

        assertEquals(new Message.Chunk("job-1", file.source(), 7, 3, null), RawPeer.header(reply));
        assertEquals(2, reply.size());
        assertEquals("80\n", new String(reply.get(1), StandardCharsets.UTF_8));
    }

    @Test
    void capsAChunkAtOneMebibyte() throws Exception {
        byte[] bytes = new byte[3 * TransferEndpoint.MAX_CHUNK_BYTES];
        new Random(1).nextBytes(bytes);
        TransferFile file = file("big.bin", bytes);
        permissions.grant(NODE, job("job-1", file));

        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 5, 2 * TransferEndpoint.MAX_CHUNK_BYTES));
        List<byte[]> reply = node.receive(WAIT);

        Message.Chunk chunk = (Message.Chunk) RawPeer.header(reply);
        assertEquals(TransferEndpoint.MAX_CHUNK_BYTES, chunk.length());
        assertArrayEquals(Arrays.copyOfRange(bytes, 5, 5 + TransferEndpoint.MAX_CHUNK_BYTES), reply.get(1));
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
        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 0, 100));
        assertNull(((Message.Chunk) RawPeer.header(node.receive(WAIT))).error());

        permissions.revoke(NODE, "job-1");
        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 0, 100));
        List<byte[]> reply = node.receive(WAIT);

        assertEquals(1, reply.size());
        assertNotNull(((Message.Chunk) RawPeer.header(reply)).error());
    }

    @Test
    void refusesAFileThatShrankSinceItWasListed() throws Exception {
        TransferFile file = file("app.conf", "0123456789".getBytes(StandardCharsets.UTF_8));
        permissions.grant(NODE, job("job-1", file));
        Files.writeString(Path.of(file.source()), "0123");

        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 0, 100));

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

        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 0, 10));
        List<byte[]> reply = node.receive(WAIT);
        assertEquals("ok", new String(reply.get(1), StandardCharsets.UTF_8));
    }

    @Test
    void doesNotAnswerAnErrorMessage() throws Exception {
        TransferFile file = file("app.conf", "ok".getBytes(StandardCharsets.UTF_8));
        permissions.grant(NODE, job("job-1", file));

        node.send(new Message.Error("something"));
        node.send(new Message.ChunkRequest(NODE, "job-1", file.source(), 0, 10));

        assertInstanceOf(Message.Chunk.class, RawPeer.header(node.receive(WAIT)), "the first answer is the chunk's");
    }

    @Test
    void aTakenPortIsAnErrorNamingIt() {
        TransferEndpoint second = new TransferEndpoint("127.0.0.1", endpoint.port(), permissions,
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

        endpoint = new TransferEndpoint("127.0.0.1", port, permissions, WireSecurity.curve(SERVER_KEYS), PEERS);
        endpoint.start();

        assertEquals(port, endpoint.port());
    }

    private TransferFile file(String name, byte[] bytes) throws Exception {
        Path path = Files.write(dir.resolve(name), bytes);
        return FileManifest.of(new JobDefinition("ADD", Map.of(), path + " /srv/"), null).get(0);
    }

    private static Job job(String jobId, TransferFile... files) {
        return new Job(jobId, jobId, null, new JobDefinition("ADD", Map.of(), "x /srv/"), "f", Job.MAIN_QUEUE,
                List.of(files));
    }
}
