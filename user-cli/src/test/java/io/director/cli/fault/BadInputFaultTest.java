package io.director.cli.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.cli.CliRun;
import io.director.cli.ExitCodes;
import io.director.dsl.wire.CurveKeys;
import io.director.dsl.wire.KeyFiles;
import io.director.dsl.wire.Limits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input against a real server process and node: garbage and oversized requests on the
 * UNIX socket and on the job port, orchestration files broken at every line, an ADD of a
 * missing file, and 100 MB of stdout. Each is refused (or cut) clearly, nothing is half
 * stored, and the server keeps serving.
 */
class BadInputFaultTest {

    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final Pattern LOCATED = Pattern.compile("^.+\\.yaml:\\d+:\\d+: .+");

    @TempDir
    static Path dir;

    static FaultCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new FaultCluster(dir, 1, List.of()).start(List.of("n1"), 60_000);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The server still answers, and runs a job, after whatever was thrown at it. */
    private static void stillServing() {
        CliRun.Result ok = cluster.cli("exec", "--verb", "RUN", "--wait", "--skip-cache true");
        assertEquals(0, ok.exitCode(), "the server keeps serving: " + ok);
    }

    private static int jobCount() {
        return cluster.jobs().size();
    }

    @Test
    void garbageAndOversizedFramesOnTheUnixSocket() throws Exception {
        Random random = new Random(SEED);
        int before = jobCount();
        String[] replies = {
                exchange(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).flip()),
                exchange(ByteBuffer.allocate(4).putInt(Limits.MAX_API_REQUEST_BYTES + 1).flip()),
                exchange(ByteBuffer.allocate(4).putInt(0).flip()),
                exchange(ByteBuffer.allocate(4).putInt(-7).flip()),
                exchange(frame("{\"op\":\"submit\",\"jobs\":[{\"verb\":\"RUN\",\"arguments\":")),
                exchange(frame("{\"op\":\"no-such-op\"}")),
                exchange(frame("{\"op\":\"submit\",\"jobs\":[null]}")),
        };
        for (String reply : replies) {
            assertTrue(reply.contains("\"error\""), "each is answered with an error: " + reply);
        }
        assertTrue(replies[0].contains("frame of 2147483647 bytes is outside 1..16777216"), replies[0]);
        // Random bytes, and a frame at the cap of nothing but garbage.
        for (int i = 0; i < 50; i++) {
            byte[] junk = new byte[random.nextInt(2000) + 1];
            random.nextBytes(junk);
            exchange(ByteBuffer.wrap(junk));
        }
        byte[] big = new byte[Limits.MAX_API_REQUEST_BYTES];
        java.util.Arrays.fill(big, (byte) '[');
        String bigReply = exchange(ByteBuffer.allocate(4 + big.length).putInt(big.length).put(big).flip());
        assertTrue(bigReply.contains("malformed request"), bigReply.length() > 300 ? bigReply.substring(0, 300) : bigReply);
        assertEquals(before, jobCount(), "nothing was stored");
        stillServing();
        Figures.print("bad input: UNIX socket", "7 bad frames (over the cap, empty, negative, cut JSON, unknown op, "
                + "null job), 50 random byte strings, a 16 MiB frame of garbage", replies.length
                + " of 7 answered with an error, the 16 MiB one malformed, 0 jobs stored, serving after; seed " + SEED);
    }

    @Test
    void garbageOnTheJobPortInsideAndOutsideTheEncryption() throws Exception {
        Random random = new Random(SEED);
        for (int i = 0; i < 30; i++) {
            try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), cluster.local().jobPort())) {
                byte[] junk = new byte[random.nextInt(500) + 1];
                random.nextBytes(junk);
                if (i % 3 == 0) {
                    junk[0] = (byte) 0xff; // starts like a ZMTP greeting
                }
                raw.getOutputStream().write(junk);
            } catch (IOException closedByServer) {
                // the server may close first: fine
            }
        }
        // Inside: a node with a key of its own completes the CURVE handshake (every handshake
        // may) and then sends nonsense, a message before any hello, and a frame over 64 MiB.
        String serverKey = KeyFiles.readPublic(dir.resolve("server.pub"));
        try (ZContext context = new ZContext()) {
            CurveKeys keys = CurveKeys.generate();
            ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
            dealer.setCurvePublicKey(keys.publicKeyBytes());
            dealer.setCurveSecretKey(keys.secretKeyBytes());
            dealer.setCurveServerKey(ZMQ.Curve.z85Decode(serverKey));
            dealer.setLinger(0);
            dealer.connect("tcp://127.0.0.1:" + cluster.local().jobPort());
            dealer.send("not json at all");
            dealer.send("{\"type\":\"no_such_type\"}");
            dealer.send("{\"type\":\"result\",\"result\":{\"job_id\":\"x\",\"state\":\"success\"}}");
            dealer.send("{\"type\":\"heartbeat\",\"sent_at\":[[[[[[[[]]]]]]]]}");
            byte[] oversized = new byte[Limits.MAX_MESSAGE_BYTES + 1];
            dealer.send(oversized);
            FaultCluster.sleep(1000);
        }
        stillServing();
        String log = Files.readString(dir.resolve("server.log"));
        assertTrue(log.contains("not json") || log.contains("malformed") || log.contains("dropped"),
                "the server logged what it dropped");
        Figures.print("bad input: job port", "30 raw garbage connections, 4 bad messages after a CURVE handshake, "
                + "one of 64 MiB + 1", "dropped, server serving after; seed " + SEED);
    }

    /** A valid orchestration of two blocks; line numbers below refer to its lines. */
    private static final List<String> VALID = List.of(
            "- name: first",
            "  targets: [n1]",
            "  jobs:",
            "    - ARG: colour blue",
            "    - RUN: echo {{ colour }}",
            "    - RUN: --timeout 30 echo two",
            "- name: second",
            "  targets: [n1]",
            "  jobs:",
            "    - ECHO: done",
            "    - RUN: echo three");

    @Test
    void orchestrationsBrokenAtEveryLineSubmitNothing() throws Exception {
        int before = jobCount();
        Path valid = dir.resolve("valid-part.yaml");
        Files.writeString(valid, "- name: ok\n  targets: [n1]\n  jobs:\n    - RUN: echo fine\n");
        int cases = 0;
        for (int line = 0; line < VALID.size(); line++) {
            List<List<String>> broken = new ArrayList<>();
            // An unterminated quoted scalar on a line of its own: a YAML error wherever it is.
            List<String> quote = new ArrayList<>(VALID);
            quote.add(line + 1, "  \"unclosed");
            broken.add(quote);
            // A line indented where nothing can start.
            List<String> indent = new ArrayList<>(VALID);
            indent.add(line + 1, "      stray: [1, 2");
            broken.add(indent);
            String text = VALID.get(line);
            int expectedLine = -1;
            if (text.startsWith("    - ")) {
                List<String> verb = new ArrayList<>(VALID);
                verb.set(line, "    - FROBNICATE: x");
                broken.add(verb);
                List<String> option = new ArrayList<>(VALID);
                option.set(line, text.replaceFirst(": ", ": --no-such-option "));
                broken.add(option);
                expectedLine = line + 1;
            }
            for (List<String> lines : broken) {
                Path file = dir.resolve("broken-" + line + "-" + cases + ".yaml");
                Files.writeString(file, String.join("\n", lines) + "\n");
                // Alone, and after a valid file: either way nothing at all is submitted.
                for (String[] args : List.of(new String[] {"orchestrate", file.toString()},
                        new String[] {"orchestrate", valid.toString(), file.toString()})) {
                    CliRun.Result result = cluster.cli(args);
                    assertEquals(ExitCodes.INVALID_INPUT, result.exitCode(), file + "\n" + lines + "\n" + result);
                    assertTrue(result.out().isBlank(), "no job id printed: " + result);
                    String first = result.err().lines().findFirst().orElse("");
                    assertTrue(LOCATED.matcher(first).matches(), "FILE:LINE:COLUMN: message, got " + result.err());
                    assertTrue(first.startsWith(file.toString()), "names the broken file: " + first);
                    cases++;
                }
            }
            if (expectedLine > 0) {
                Path file = dir.resolve("verb-" + line + ".yaml");
                List<String> verb = new ArrayList<>(VALID);
                verb.set(line, "    - FROBNICATE: x");
                Files.writeString(file, String.join("\n", verb) + "\n");
                String err = cluster.cli("orchestrate", file.toString()).err();
                assertTrue(err.startsWith(file + ":" + expectedLine + ":"), "the line of the error: " + err);
            }
        }
        assertEquals(before, jobCount(), "nothing half-submitted");
        Figures.print("bad input: orchestration files", "broken at every line (4 kinds), alone and after a valid file",
                cases + " refused with FILE:LINE:COLUMN, 0 jobs stored");
    }

    @Test
    void anAddOfAMissingFileStoresNothing() throws Exception {
        int before = jobCount();
        Path missing = dir.resolve("no-such-file.conf");
        Path destination = dir.resolve("never-written.conf");
        CliRun.Result exec = cluster.cli("exec", "--verb", "ADD", missing + " " + destination);
        assertTrue(exec.exitCode() == ExitCodes.INVALID_INPUT, exec.toString());
        assertEquals(1, exec.err().strip().lines().count(), "one line: " + exec.err());
        assertTrue(exec.err().contains(missing.toString()), "names the file: " + exec.err());

        // In an orchestration, after jobs that are fine: none of them is stored either.
        Path file = dir.resolve("add-missing.yaml");
        Files.writeString(file, "- name: add\n  targets: [n1]\n  jobs:\n    - RUN: echo first\n    - RUN: echo second\n"
                + "    - ADD: " + missing + " " + destination + "\n");
        CliRun.Result orchestration = cluster.cli("orchestrate", file.toString());
        assertTrue(orchestration.exitCode() != 0, orchestration.toString());
        assertTrue(orchestration.err().contains(missing.toString()), orchestration.err());
        assertEquals(before, jobCount(), "nothing half-submitted");
        Figures.print("bad input: ADD of a missing file", "exec, and the third job of an orchestration",
                "exit " + exec.exitCode() + " / " + orchestration.exitCode() + ", 0 jobs stored: "
                        + exec.err().strip());
    }

    @Test
    void hundredMegabytesOfStdoutAreKeptUpToTheCapAndMarkedCut() {
        long start = System.currentTimeMillis();
        CliRun.Result result = cluster.cli("exec", "--verb", "RUN", "--wait", "--json",
                "head -c 100000000 /dev/zero | tr '\\0' x");
        long took = System.currentTimeMillis() - start;
        assertEquals(0, result.exitCode(), result.err());
        JsonNode node = result.json().path("nodes").path("n1");
        String stdout = node.path("stdout").asText();
        String marker = "\n[director: output cut, " + (100_000_000 - Limits.DEFAULT_OUTPUT_CAP) + " more bytes not kept]\n";
        assertTrue(stdout.endsWith(marker), "marked cut: " + stdout.substring(Math.max(0, stdout.length() - 200)));
        assertEquals(Limits.DEFAULT_OUTPUT_CAP, stdout.length() - marker.length(), "kept up to the cap");
        assertTrue(stdout.substring(0, Limits.DEFAULT_OUTPUT_CAP).chars().allMatch(c -> c == 'x'));
        stillServing();
        Figures.print("bad input: 100 MB of stdout", "kept / marked / time to the stored result",
                stdout.length() - marker.length() + " bytes / yes / " + Figures.millis(took));
    }

    private static ByteBuffer frame(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
    }

    /** Sends raw bytes on a fresh connection to the CLI socket and returns whatever comes back before it closes. */
    private static String exchange(ByteBuffer request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(cluster.local().socketPath()));
            while (request.hasRemaining()) {
                channel.write(request);
            }
            channel.shutdownOutput();
            java.io.ByteArrayOutputStream reply = new java.io.ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                reply.write(buffer.array(), 0, buffer.limit());
                buffer.clear();
            }
            return reply.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("reset")) {
                return "";
            }
            throw e;
        }
    }
}
