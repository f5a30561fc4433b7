package io.director.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.cli.cluster.LocalCluster;
import io.director.dsl.wire.CurveKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Encryption and enrolment with real processes and sockets: a new key waits for an operator,
 * accept and reject take effect at once, a client that does not know the server's key never
 * talks to it, and what crosses the job port and the transfer port is unreadable (read through a
 * TCP proxy of the test's own, with a plaintext control run to prove the proxy sees what it should).
 */
class SecurityEndToEndTest {

    private static final long DEADLINE_MILLIS = 60_000;

    @TempDir
    Path dir;

    private final List<LocalCluster> clusters = new ArrayList<>();

    @AfterEach
    void stop() {
        clusters.forEach(LocalCluster::close);
    }

    private LocalCluster cluster(Path where, List<String> serverArgs) {
        LocalCluster cluster = new LocalCluster(where, 1, serverArgs);
        clusters.add(cluster);
        cluster.startServer(DEADLINE_MILLIS);
        return cluster;
    }

    private static CliRun.Result cli(LocalCluster cluster, String... args) {
        return CliRun.against(cluster.socketPath(), args);
    }

    private static JsonNode key(LocalCluster cluster, String identity) {
        CliRun.Result list = cli(cluster, "keys", "list", "--json");
        assertEquals(0, list.exitCode(), list.toString());
        for (JsonNode key : list.json().path("keys")) {
            if (key.path("identity").asText().equals(identity)) {
                return key;
            }
        }
        return null;
    }

    private static void awaitLog(Path log, String text) throws Exception {
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (!Files.exists(log) || !Files.readString(log).contains(text)) {
            assertTrue(System.currentTimeMillis() < deadline, () -> "log " + log + " never said: " + text + "\n"
                    + read(log));
            Thread.sleep(100);
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static boolean listed(LocalCluster cluster, String identity) {
        return cluster.nodes().stream().anyMatch(n -> n.identity().equals(identity));
    }

    @Test
    void anUnknownKeyIsPendingAndGetsNoJobUntilAcceptedAndARejectedOneIsRemoved() throws Exception {
        // No shared key: every node key needs an operator.
        LocalCluster cluster = cluster(dir, List.of("--encryption", "curve"));
        Path serverKey = dir.resolve("server.pub");
        assertEquals(PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(dir.resolve("server.key")));
        String serverLog = Files.readString(dir.resolve("server.log"));
        assertFalse(serverLog.contains(io.director.dsl.wire.KeyFiles.readSecret(dir.resolve("server.key")).secretKey()),
                "the secret key is never logged");

        Process node = cluster.startClient("n1", List.of("--server-key", serverKey.toString()));
        awaitLog(dir.resolve("n1.log"), "is pending; to accept it, run on the server: director keys accept n1");
        assertTrue(node.isAlive(), "a pending node keeps asking");
        assertEquals("pending", key(cluster, "n1").path("state").asText());
        assertFalse(listed(cluster, "n1"));
        CliRun.Result noJob = cli(cluster, "exec", "--verb", "ECHO", "--target", "n1", "--wait", "hello");
        assertNotEquals(0, noJob.exitCode(), "a pending node is no target: " + noJob);

        CliRun.Result accepted = cli(cluster, "keys", "accept", "n1");
        assertEquals(0, accepted.exitCode(), accepted.toString());
        long acceptedAt = System.currentTimeMillis();
        cluster.awaitNodes(List.of("n1"), DEADLINE_MILLIS);
        assertTrue(System.currentTimeMillis() - acceptedAt < 10_000, "the waiting node is asked at once");
        CliRun.Result job = cli(cluster, "exec", "--verb", "ECHO", "--target", "n1", "--wait", "--json", "hello");
        assertEquals(0, job.exitCode(), job.toString());
        Path cache = dir.resolve("nodes").resolve("n1");
        assertEquals(PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(cache.resolve("client.key")));
        assertEquals(io.director.dsl.wire.KeyFiles.readPublic(serverKey),
                io.director.dsl.wire.KeyFiles.readPublic(cache.resolve("server.pub")), "the server key is pinned");

        CliRun.Result rejected = cli(cluster, "keys", "reject", "n1", "--json");
        assertEquals(0, rejected.exitCode(), rejected.toString());
        assertEquals("rejected", rejected.json().path("keys").get(0).path("state").asText());
        assertFalse(listed(cluster, "n1"), "a rejected node is removed at once");
        awaitLog(dir.resolve("n1.log"), "rejected");
        assertTrue(node.isAlive(), "a rejected node says so and keeps asking, with backoff");

        assertEquals(0, cli(cluster, "keys", "delete", "n1").exitCode());
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (key(cluster, "n1") == null || !key(cluster, "n1").path("state").asText().equals("pending")) {
            assertTrue(System.currentTimeMillis() < deadline, "a deleted key comes back as pending");
            Thread.sleep(100);
        }
        CliRun.Result unknown = cli(cluster, "keys", "accept", "nobody");
        assertNotEquals(0, unknown.exitCode());
        assertTrue(unknown.err().contains("no pending or rejected key for 'nobody'"), unknown.toString());
    }

    @Test
    void aClientThatDoesNotKnowTheServersKeyNeverTalksToIt() throws Exception {
        LocalCluster cluster = cluster(dir, List.of());
        Process stranger = cluster.startClient("stranger",
                List.of("--server-key", CurveKeys.generate().publicKey()));
        assertTrue(stranger.waitFor(60, TimeUnit.SECONDS), "it must give up, not hang");
        assertEquals(ExitCodes.REFUSED, stranger.exitValue());
        assertTrue(read(dir.resolve("stranger.log")).contains("rejected the encrypted handshake"),
                () -> read(dir.resolve("stranger.log")));
        assertFalse(listed(cluster, "stranger"));
        assertEquals(null, key(cluster, "stranger"), "the server never read its hello");

        // A node that pinned the server's key refuses to start when told another one.
        cluster.startClient("n1", List.of());
        cluster.awaitNodes(List.of("n1"), DEADLINE_MILLIS);
        Path pin = dir.resolve("nodes").resolve("n1").resolve("server.pub");
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (!Files.exists(pin)) {
            assertTrue(System.currentTimeMillis() < deadline, "the node never pinned the server's key");
            Thread.sleep(50);
        }
        cluster.killClient("n1");
        Process repointed = cluster.startClient("n1", List.of("--server-key", CurveKeys.generate().publicKey()));
        assertTrue(repointed.waitFor(30, TimeUnit.SECONDS));
        assertEquals(ExitCodes.REFUSED, repointed.exitValue());
        assertTrue(read(dir.resolve("n1.log")).contains("is not the one this node pinned"),
                () -> read(dir.resolve("n1.log")));
    }

    @Test
    void jobTrafficIsUnreadableOnTheWireAndReadableOnlyWithEncryptionOff() throws Exception {
        String marker = "secret-marker-" + Long.toHexString(System.nanoTime());
        byte[] encrypted = capture(cluster(dir.resolve("curve"), List.of()), List.of(), marker);
        assertTrue(encrypted.length > 500, "the proxy saw the conversation: " + encrypted.length + " bytes");
        assertFalse(contains(encrypted, marker), "the job's text crossed the wire in clear");
        assertFalse(contains(encrypted, "\"type\""), "no JSON crossed the wire in clear");

        byte[] plain = capture(cluster(dir.resolve("plain"), List.of("--encryption", "none")),
                List.of("--encryption", "none"), marker);
        assertTrue(contains(plain, marker), "control: without encryption the proxy reads the job");
    }

    @Test
    void fileContentsAreUnreadableOnTheTransferPortAndReadableOnlyWithEncryptionOff() throws Exception {
        String marker = "secret-file-" + Long.toHexString(System.nanoTime());
        // Several chunks (256 KiB each) of lines that all hold the marker.
        Path source = Files.writeString(dir.resolve("secret.conf"), (marker + "\n").repeat(40_000));
        byte[] sealed = captureTransfer(cluster(dir.resolve("curve"), List.of()), List.of(), source);
        assertTrue(sealed.length > Files.size(source), "the proxy saw the file go by: " + sealed.length + " bytes");
        assertFalse(contains(sealed, marker), "the file's text crossed the wire in clear");
        assertFalse(contains(sealed, "secret.conf"), "its name crossed the wire in clear");

        byte[] plain = captureTransfer(cluster(dir.resolve("plain"), List.of("--encryption", "none")),
                List.of("--encryption", "none"), source);
        assertTrue(contains(plain, marker), "control: without encryption the proxy reads the file");
    }

    @Test
    void aNodeWithoutNativeAesFetchesFilesSealedWithChaCha20Poly1305() throws Exception {
        // The node's Java as if it had no NSS: it asks for the JDK's own ChaCha20-Poly1305.
        List<String> launcher = List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Ddirector.transfer.native=false", "-cp", System.getProperty("java.class.path"),
                "io.director.cli.Main");
        LocalCluster cluster = new LocalCluster(dir.resolve("chacha"), 1, List.of(), launcher);
        clusters.add(cluster);
        cluster.startServer(DEADLINE_MILLIS);
        cluster.startClient("n1", List.of());
        cluster.awaitNodes(List.of("n1"), DEADLINE_MILLIS);
        byte[] bytes = new byte[700_000]; // three chunks
        new java.util.Random(7).nextBytes(bytes);
        Path source = Files.write(dir.resolve("image.bin"), bytes);
        Path target = cluster.dir().resolve("placed");

        CliRun.Result job = cli(cluster, "exec", "--verb", "ADD", "--target", "n1", "--wait", "--json",
                source + " " + target + "/");

        assertEquals(0, job.exitCode(), job.toString());
        assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(target.resolve("image.bin")));
        String log = read(cluster.dir().resolve("n1.log"));
        assertTrue(log.contains("sealed file chunks are opened with ChaCha20-Poly1305 (the JDK's own)"), log);
    }

    /** Runs one ADD job on a node that reaches the transfer port through a recording proxy; checks the copy. */
    private byte[] captureTransfer(LocalCluster cluster, List<String> clientArgs, Path source) throws Exception {
        try (RecordingProxy proxy = new RecordingProxy(cluster.transferPort())) {
            cluster.startClient("n1", cluster.dir().resolve("nodes").resolve("n1"), cluster.dir().resolve("n1.log"),
                    cluster.jobPort(), proxy.port(), clientArgs);
            cluster.awaitNodes(List.of("n1"), DEADLINE_MILLIS);
            Path target = cluster.dir().resolve("placed");
            CliRun.Result job = cli(cluster, "exec", "--verb", "ADD", "--target", "n1", "--wait", "--json",
                    source + " " + target + "/");
            assertEquals(0, job.exitCode(), job.toString());
            assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(target.resolve("secret.conf")));
            return proxy.bytes();
        }
    }

    /** Runs one ECHO job on a node that reaches the job port through a recording proxy. */
    private byte[] capture(LocalCluster cluster, List<String> clientArgs, String marker) throws Exception {
        try (RecordingProxy proxy = new RecordingProxy(cluster.jobPort())) {
            cluster.startClient("n1", cluster.dir().resolve("nodes").resolve("n1"), cluster.dir().resolve("n1.log"),
                    proxy.port(), cluster.transferPort(), clientArgs);
            cluster.awaitNodes(List.of("n1"), DEADLINE_MILLIS);
            CliRun.Result job = cli(cluster, "exec", "--verb", "ECHO", "--target", "n1", "--wait", "--json", marker);
            assertEquals(0, job.exitCode(), job.toString());
            assertEquals(marker, job.json().path("nodes").path("n1").path("stdout").asText().strip());
            return proxy.bytes();
        }
    }

    private static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }

    /** A TCP proxy on loopback that forwards to a port and keeps every byte, both ways. */
    private static final class RecordingProxy implements AutoCloseable {
        private final ServerSocket listener;
        private final int target;
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        private final List<Socket> sockets = new ArrayList<>();

        RecordingProxy(int target) throws IOException {
            this.target = target;
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "proxy-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                    synchronized (sockets) {
                        sockets.add(client);
                        sockets.add(server);
                    }
                    pump(client.getInputStream(), server.getOutputStream());
                    pump(server.getInputStream(), client.getOutputStream());
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void pump(InputStream in, OutputStream out) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        synchronized (seen) {
                            seen.write(buffer, 0, n);
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException e) {
                    // a side closed: the other follows
                }
            }, "proxy-pump");
            thread.setDaemon(true);
            thread.start();
        }

        byte[] bytes() {
            synchronized (seen) {
                return seen.toByteArray();
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            synchronized (sockets) {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }
}
