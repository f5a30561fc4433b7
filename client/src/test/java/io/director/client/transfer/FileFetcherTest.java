package io.director.client.transfer;

import io.director.client.link.LinkSecurity;
import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.wire.ChunkCipher;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.ProtocolException;
import io.director.dsl.wire.TransferChunks;
import io.director.dsl.wire.TransferFile;
import io.director.dsl.wire.WireCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileFetcherTest {

    @TempDir
    Path source;
    @TempDir
    Path target;

    private final LoopbackTransfer transfer = new LoopbackTransfer();

    @AfterEach
    void close() {
        transfer.close();
    }

    @Test
    void aFiveMebibyteRandomFileArrivesByteIdentical() throws Exception {
        byte[] bytes = random(5 * 1024 * 1024 + 123, 1);
        Path file = Files.write(source.resolve("image.bin"), bytes);
        Job job = transfer.submit("ADD", file + " " + target + "/");

        transfer.fetcher().fetchTo(job, transfer.only(job), target.resolve("image.bin"), generous());

        assertArrayEquals(bytes, Files.readAllBytes(target.resolve("image.bin")));
        assertEquals(List.of(target.resolve("image.bin")), listing(target));
    }

    @Test
    void anEmptyFileArrivesWithTheSourcesMode() throws Exception {
        Path file = Files.write(source.resolve("empty"), new byte[0]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        Job job = transfer.submit("ADD", file + " " + target + "/");

        transfer.fetcher().fetchTo(job, transfer.only(job), target.resolve("empty"), generous());

        assertEquals(0, Files.size(target.resolve("empty")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("empty"))));
    }

    @Test
    void aFileOfNoGrantedJobIsRefusedAndLeavesNoTemporaryFile() throws Exception {
        Path file = Files.writeString(source.resolve("app.conf"), "x");
        Job job = transfer.submit("ADD", file + " " + target + "/");
        TransferFile forged = new TransferFile("/etc/passwd", 1, transfer.only(job).sha256(), 0644);

        TransferException e = assertThrows(TransferException.class, () -> transfer.fetcher().fetchTo(job,
                forged, target.resolve("passwd"), generous()));

        assertEquals("the server refused '/etc/passwd': not a file of job " + job.jobId() + " on this node",
                e.getMessage());
        assertEquals(List.of(), listing(target));
    }

    @Test
    void aFileIsRefusedOnceItsJobIsRevoked() throws Exception {
        Path file = Files.writeString(source.resolve("app.conf"), "x");
        Job job = transfer.submit("ADD", file + " " + target + "/");
        transfer.fetcher().fetchTo(job, transfer.only(job), target.resolve("first"), generous());

        transfer.revoke(job);
        TransferException e = assertThrows(TransferException.class, () -> transfer.fetcher().fetchTo(job,
                transfer.only(job), target.resolve("second"), generous()));

        assertTrue(e.getMessage().startsWith("the server refused '" + file + "'"), e.getMessage());
        assertEquals(List.of(target.resolve("first")), listing(target));
    }

    @Test
    void aFileChangedOnTheServerIsRefusedAndLeavesNoTemporaryFile() throws Exception {
        Path file = Files.write(source.resolve("data.bin"), random(3 * 1024 * 1024, 2));
        Job job = transfer.submit("ADD", file + " " + target + "/");
        Files.write(file, random(3 * 1024 * 1024, 3));

        TransferException e = assertThrows(TransferException.class, () -> transfer.fetcher().fetchTo(job,
                transfer.only(job), target.resolve("data.bin"), generous()));

        assertEquals("the server refused '" + file + "': changed on the server since the job was submitted (the"
                + " chunk at offset 0 differs)", e.getMessage());
        assertEquals(List.of(), listing(target));
    }

    @Test
    void aChunkWhoseBytesDoNotHaveItsHeadersCrc32cFailsTheFetchAndLeavesNoTemporaryFile() throws Exception {
        byte[] bytes = random(3 * TransferChunks.CHUNK_BYTES, 7);
        TransferFile file = new TransferFile("/srv/data.bin", bytes.length, "not checked on the node", 0644);
        long right = TransferChunks.crc32c(ByteBuffer.wrap(bytes, TransferChunks.CHUNK_BYTES,
                TransferChunks.CHUNK_BYTES));
        // The server's header for the second chunk is off by one bit; its bytes are as sent.
        try (FakeTransferPort server = new FakeTransferPort(bytes, null,
                offset -> offset == TransferChunks.CHUNK_BYTES ? 1 : 0);
             FileFetcher fetcher = new FileFetcher("127.0.0.1", server.port, LoopbackTransfer.NODE,
                     LinkSecurity.plaintext(), 1000)) {
            TransferException e = assertThrows(TransferException.class, () -> fetcher.fetchTo(job("job-1", null), file,
                    target.resolve("data.bin"), generous()));

            assertEquals(String.format("chunk at offset 262144 of '/srv/data.bin' arrived damaged: crc32c expected"
                    + " %08x, got %08x", right ^ 1, right), e.getMessage());
        }
        assertEquals(List.of(), listing(target));
    }

    @Test
    void chunksWhoseBytesHaveTheirHeadersCrc32cMakeTheExactFileWithoutEncryption() throws Exception {
        // Without encryption chunks arrive in direct buffers (ChunkBuffers): the check must read those too.
        byte[] bytes = random(3 * TransferChunks.CHUNK_BYTES + 11, 8);
        TransferFile file = new TransferFile("/srv/data.bin", bytes.length, "not checked on the node", 0644);
        try (FakeTransferPort server = new FakeTransferPort(bytes, null, offset -> 0);
             FileFetcher fetcher = new FileFetcher("127.0.0.1", server.port, LoopbackTransfer.NODE,
                     LinkSecurity.plaintext(), 1000)) {
            fetcher.fetchTo(job("job-1", null), file, target.resolve("data.bin"), generous());
        }

        assertArrayEquals(bytes, Files.readAllBytes(target.resolve("data.bin")));
    }

    @Test
    void aSealedChunkChangedOnTheWayFailsTheFetchAndLeavesNoTemporaryFile() throws Exception {
        byte[] bytes = random(3 * TransferChunks.CHUNK_BYTES, 10);
        TransferFile file = new TransferFile("/srv/data.bin", bytes.length, "not checked on the node", 0644);
        String key = ChunkCipher.newKey();
        // One bit of the second chunk's sealed bytes is flipped on the way; its header and CRC32C are right.
        try (FakeTransferPort server = new FakeTransferPort(bytes, key,
                offset -> offset == TransferChunks.CHUNK_BYTES ? 1 : 0);
             FileFetcher fetcher = new FileFetcher("127.0.0.1", server.port, LoopbackTransfer.NODE,
                     LoopbackTransfer.SECURITY, 1000)) {
            TransferException e = assertThrows(TransferException.class, () -> fetcher.fetchTo(job("job-1", key), file,
                    target.resolve("data.bin"), generous()));

            assertTrue(e.getMessage().startsWith("chunk at offset 262144 of '/srv/data.bin' did not open with the job's"
                    + " transfer key (" + ChunkCipher.preferred() + "): damaged on the way, or not from the server ("),
                    e.getMessage());
        }
        assertEquals(List.of(), listing(target));
    }

    @Test
    void sealedChunksMakeTheExactFile() throws Exception {
        byte[] bytes = random(3 * TransferChunks.CHUNK_BYTES + 11, 11);
        TransferFile file = new TransferFile("/srv/data.bin", bytes.length, "not checked on the node", 0644);
        String key = ChunkCipher.newKey();
        try (FakeTransferPort server = new FakeTransferPort(bytes, key, offset -> 0);
             FileFetcher fetcher = new FileFetcher("127.0.0.1", server.port, LoopbackTransfer.NODE,
                     LoopbackTransfer.SECURITY, 1000)) {
            fetcher.fetchTo(job("job-1", key), file, target.resolve("data.bin"), generous());
        }

        assertArrayEquals(bytes, Files.readAllBytes(target.resolve("data.bin")));
    }

    @Test
    void aJobWithoutATransferKeyIsNotFetchedInAnEncryptedCluster() {
        TransferFile file = new TransferFile("/srv/app.conf", 10, "00", 0644);

        TransferException e = assertThrows(TransferException.class, () -> transfer.fetcher().fetchTo(
                job("job-1", null), file, target.resolve("app.conf"), generous()));

        assertEquals("cannot fetch '/srv/app.conf': job job-1 came without a transfer key, and this node fetches only"
                + " sealed files", e.getMessage());
    }

    @Test
    void aJobSentAgainWithANewKeyIsFetchedWithTheNewOne() throws Exception {
        Path file = Files.write(source.resolve("app.conf"), "listen 80\n".getBytes(StandardCharsets.UTF_8));
        Job queued = transfer.submit("ADD", file + " " + target + "/");
        // The server restarted and sent the job again, with a new key; the node kept the job it had queued.
        Job resent = transfer.grantAgain(queued);
        assertNotEquals(queued.transferKey(), resent.transferKey());

        TransferException stale = assertThrows(TransferException.class, () -> transfer.fetcher().fetchTo(queued,
                transfer.only(queued), target.resolve("app.conf"), generous()));
        // The old key names the file by a handle the new grant does not know.
        assertEquals("the server refused '" + file + "': not a file of job " + queued.jobId() + " on this node",
                stale.getMessage());

        transfer.fetcher().noteKey(resent);
        transfer.fetcher().fetchTo(queued, transfer.only(queued), target.resolve("app.conf"), generous());

        assertEquals("listen 80\n", Files.readString(target.resolve("app.conf")));
    }

    @Test
    void aSilentServerFailsAtTheDeadlineAndLeavesNoTemporaryFile() throws Exception {
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket silent = context.createSocket(SocketType.ROUTER);
            silent.setLinger(0);
            int port = silent.bindToRandomPort("tcp://127.0.0.1");
            TransferFile file = new TransferFile("/srv/app.conf", 10, "00", 0644);
            long started = System.nanoTime();
            try (FileFetcher fetcher = new FileFetcher("127.0.0.1", port, LoopbackTransfer.NODE, LoopbackTransfer.SECURITY)) {
                TransferException e = assertThrows(TransferException.class, () -> fetcher.fetchTo(
                        job("job-1", ChunkCipher.newKey()), file, target.resolve("app.conf"),
                        Deadline.after(Duration.ofMillis(300))));

                assertEquals("no answer from tcp://127.0.0.1:" + port + " for '/srv/app.conf' within 300 ms",
                        e.getMessage());
            }
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "gave up near the deadline");
            assertEquals(List.of(), listing(target));
        }
    }

    @Test
    void answersLeftOverFromARefusedFetchNeitherStallNorConfuseTheNext() throws Exception {
        Path file = Files.write(source.resolve("data.bin"), random(3 * 1024 * 1024 + 5, 6));
        Job job = transfer.submit("ADD", file + " " + target + "/");
        for (int i = 0; i < 20; i++) {
            // A forged job id: every request of the window is refused, and only the first refusal is read.
            assertThrows(TransferException.class, () -> transfer.fetcher().fetchTo(renamed(job, "not-" + job.jobId()),
                    transfer.only(job), target.resolve("refused"), generous()));

            transfer.fetcher().fetchTo(job, transfer.only(job), target.resolve("data.bin"),
                    Deadline.after(Duration.ofSeconds(3)));
        }

        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(target.resolve("data.bin")));
        assertEquals(List.of(target.resolve("data.bin")), listing(target));
    }

    @Test
    void anUnresolvableServerNameFailsTheFetchNotTheFetcher() throws Exception {
        TransferFile file = new TransferFile("/srv/app.conf", 10, "00", 0644);
        try (FileFetcher fetcher = new FileFetcher("no-such-host.invalid", 5556, LoopbackTransfer.NODE, LoopbackTransfer.SECURITY)) {
            TransferException e = assertThrows(TransferException.class, () -> fetcher.fetchTo(
                    job("job-1", ChunkCipher.newKey()), file, target.resolve("app.conf"), generous()));

            assertTrue(e.getMessage().startsWith("cannot connect to tcp://no-such-host.invalid:5556 for '/srv/app.conf'"),
                    e.getMessage());
        }
        assertEquals(List.of(), listing(target));
    }

    @Test
    void fetchesFromTwoThreadsAtOnceTakeTurns() throws Exception {
        byte[] first = random(2 * 1024 * 1024, 4);
        byte[] second = random(2 * 1024 * 1024 + 7, 5);
        Job one = transfer.submit("ADD", Files.write(source.resolve("one"), first) + " " + target + "/");
        Job two = transfer.submit("ADD", Files.write(source.resolve("two"), second) + " " + target + "/");
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = threads.submit(() -> {
                transfer.fetcher().fetchTo(one, transfer.only(one), target.resolve("one"), generous());
                return null;
            });
            Future<?> b = threads.submit(() -> {
                transfer.fetcher().fetchTo(two, transfer.only(two), target.resolve("two"), generous());
                return null;
            });
            a.get(30, TimeUnit.SECONDS);
            b.get(30, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }

        assertArrayEquals(first, Files.readAllBytes(target.resolve("one")));
        assertArrayEquals(second, Files.readAllBytes(target.resolve("two")));
    }

    @Test
    void anUnwrittableDirectoryIsAnErrorNamingIt() throws Exception {
        Path file = Files.writeString(source.resolve("app.conf"), "x");
        Job job = transfer.submit("ADD", file + " " + target + "/");
        Path missing = target.resolve("missing");

        TransferException e = assertThrows(TransferException.class, () -> transfer.fetcher().fetchTo(job,
                transfer.only(job), missing.resolve("app.conf"), generous()));

        assertTrue(e.getMessage().startsWith("cannot create a temporary file in " + missing + " for '" + file + "'"),
                e.getMessage());
        assertFalse(Files.exists(missing));
    }

    /**
     * A transfer port that serves every request from {@code bytes}, as the server would, in the
     * clear or sealed with {@code key}, except that it flips the bits {@code damage} gives for a
     * chunk's offset: in the CRC32C of its header, or with a key in the first sealed byte.
     */
    private static final class FakeTransferPort implements AutoCloseable {

        private final ZContext context = new ZContext(1);
        private final ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
        private final Thread thread;
        private volatile boolean running = true;
        final int port;

        FakeTransferPort(byte[] bytes, String key, LongUnaryOperator damage) {
            router.setLinger(0);
            router.setReceiveTimeOut(100);
            port = router.bindToRandomPort("tcp://127.0.0.1");
            thread = new Thread(() -> serve(bytes, key, damage), "fake-transfer-port");
            thread.start();
        }

        private void serve(byte[] bytes, String key, LongUnaryOperator damage) {
            while (running) {
                byte[] routing = router.recv(0);
                if (routing == null) {
                    continue;
                }
                Message.ChunkRequest request;
                try {
                    request = (Message.ChunkRequest) WireCodec.decode(router.recv(0));
                } catch (ProtocolException e) {
                    throw new AssertionError(e);
                }
                int offset = (int) request.offset();
                byte[] data = Arrays.copyOfRange(bytes, offset, offset + request.length());
                long crc32c = TransferChunks.crc32c(ByteBuffer.wrap(data));
                router.send(routing, ZMQ.SNDMORE);
                if (key == null) {
                    router.send(WireCodec.encode(new Message.Chunk(request.jobId(), request.source(), offset,
                            request.length(), crc32c ^ damage.applyAsLong(offset), null)), ZMQ.SNDMORE);
                    router.send(data, 0);
                } else {
                    ChunkCipher cipher = ChunkCipher.of(request.cipher(), key);
                    assertTrue(cipher.verify(request), "the node signs its requests with the job's key");
                    String nonce = ChunkCipher.newNonce();
                    byte[] header = WireCodec.encode(new Message.Chunk(request.jobId(), request.source(), offset,
                            request.length(), crc32c, null, nonce));
                    byte[] sealed = cipher.seal(nonce, header, ByteBuffer.wrap(data));
                    sealed[0] ^= (byte) damage.applyAsLong(offset);
                    router.send(header, ZMQ.SNDMORE);
                    router.send(sealed, 0);
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
            router.close();
            context.close();
        }
    }

    /** A job as the node receives it, with this transfer key (null: as a plaintext cluster sends it). */
    private static Job job(String jobId, String transferKey) {
        JobDefinition definition = new JobDefinition("ADD", Map.of(), "/srv/data.bin /tmp/");
        return new Job(jobId, jobId, null, definition, Fingerprint.of(definition), Job.MAIN_QUEUE, List.of(),
                transferKey);
    }

    /** The same job under another id, its key kept: a forged job id. */
    private static Job renamed(Job job, String jobId) {
        return new Job(jobId, job.parentId(), job.name(), job.definition(), job.fingerprint(), job.queue(),
                job.files(), job.transferKey());
    }

    private static Deadline generous() {
        return Deadline.after(Duration.ofSeconds(30));
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static List<Path> listing(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.sorted().toList();
        }
    }
}
