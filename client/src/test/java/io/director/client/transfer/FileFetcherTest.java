package io.director.client.transfer;

import io.director.dsl.wire.Job;
import io.director.dsl.wire.TransferFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

        transfer.fetcher().fetchTo(job.jobId(), transfer.only(job), target.resolve("image.bin"), generous());

        assertArrayEquals(bytes, Files.readAllBytes(target.resolve("image.bin")));
        assertEquals(List.of(target.resolve("image.bin")), listing(target));
    }

    @Test
    void anEmptyFileArrivesWithTheSourcesMode() throws Exception {
        Path file = Files.write(source.resolve("empty"), new byte[0]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        Job job = transfer.submit("ADD", file + " " + target + "/");

        transfer.fetcher().fetchTo(job.jobId(), transfer.only(job), target.resolve("empty"), generous());

        assertEquals(0, Files.size(target.resolve("empty")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("empty"))));
    }

    @Test
    void aFileOfNoGrantedJobIsRefusedAndLeavesNoTemporaryFile() throws Exception {
        Path file = Files.writeString(source.resolve("app.conf"), "x");
        Job job = transfer.submit("ADD", file + " " + target + "/");
        TransferFile forged = new TransferFile("/etc/passwd", 1, transfer.only(job).sha256(), 0644);

        TransferException e = assertThrows(TransferException.class, () -> transfer.fetcher().fetchTo(job.jobId(),
                forged, target.resolve("passwd"), generous()));

        assertEquals("the server refused '/etc/passwd': not a file of job " + job.jobId() + " on this node",
                e.getMessage());
        assertEquals(List.of(), listing(target));
    }

    @Test
    void aFileIsRefusedOnceItsJobIsRevoked() throws Exception {
        Path file = Files.writeString(source.resolve("app.conf"), "x");
        Job job = transfer.submit("ADD", file + " " + target + "/");
        transfer.fetcher().fetchTo(job.jobId(), transfer.only(job), target.resolve("first"), generous());

        transfer.revoke(job);
        TransferException e = assertThrows(TransferException.class, () -> transfer.fetcher().fetchTo(job.jobId(),
                transfer.only(job), target.resolve("second"), generous()));

        assertTrue(e.getMessage().startsWith("the server refused '" + file + "'"), e.getMessage());
        assertEquals(List.of(target.resolve("first")), listing(target));
    }

    @Test
    void aFileChangedOnTheServerIsRefusedAndLeavesNoTemporaryFile() throws Exception {
        Path file = Files.write(source.resolve("data.bin"), random(3 * 1024 * 1024, 2));
        Job job = transfer.submit("ADD", file + " " + target + "/");
        Files.write(file, random(3 * 1024 * 1024, 3));

        TransferException e = assertThrows(TransferException.class, () -> transfer.fetcher().fetchTo(job.jobId(),
                transfer.only(job), target.resolve("data.bin"), generous()));

        assertEquals("the server refused '" + file + "': changed on the server since the job was submitted (the"
                + " chunk at offset 0 differs)", e.getMessage());
        assertEquals(List.of(), listing(target));
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
                TransferException e = assertThrows(TransferException.class, () -> fetcher.fetchTo("job-1", file,
                        target.resolve("app.conf"), Deadline.after(Duration.ofMillis(300))));

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
            assertThrows(TransferException.class, () -> transfer.fetcher().fetchTo("not-" + job.jobId(),
                    transfer.only(job), target.resolve("refused"), generous()));

            transfer.fetcher().fetchTo(job.jobId(), transfer.only(job), target.resolve("data.bin"),
                    Deadline.after(Duration.ofSeconds(3)));
        }

        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(target.resolve("data.bin")));
        assertEquals(List.of(target.resolve("data.bin")), listing(target));
    }

    @Test
    void anUnresolvableServerNameFailsTheFetchNotTheFetcher() throws Exception {
        TransferFile file = new TransferFile("/srv/app.conf", 10, "00", 0644);
        try (FileFetcher fetcher = new FileFetcher("no-such-host.invalid", 5556, LoopbackTransfer.NODE, LoopbackTransfer.SECURITY)) {
            TransferException e = assertThrows(TransferException.class, () -> fetcher.fetchTo("job-1", file,
                    target.resolve("app.conf"), generous()));

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
                transfer.fetcher().fetchTo(one.jobId(), transfer.only(one), target.resolve("one"), generous());
                return null;
            });
            Future<?> b = threads.submit(() -> {
                transfer.fetcher().fetchTo(two.jobId(), transfer.only(two), target.resolve("two"), generous());
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

        TransferException e = assertThrows(TransferException.class, () -> transfer.fetcher().fetchTo(job.jobId(),
                transfer.only(job), missing.resolve("app.conf"), generous()));

        assertTrue(e.getMessage().startsWith("cannot create a temporary file in " + missing + " for '" + file + "'"),
                e.getMessage());
        assertFalse(Files.exists(missing));
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
