package io.director.server;

import io.director.dsl.wire.CurveKeys;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.WireCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Garbage at a real server's job port, from outside the encryption (raw TCP) and from inside it
 * (an authenticated peer that sends random and mutated frames, and one message over the size
 * cap): afterwards the server still enrols a well-behaved node at once.
 */
class JobPortFuzzTest {

    private static final String SHARED_KEY = "fuzz-cluster-key";
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());

    @TempDir
    Path dir;

    private DirectorServer server;

    @BeforeEach
    void start() {
        server = JobPortPeers.startServer(dir, SHARED_KEY);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ZMQ.Socket dealer(ZContext context, CurveKeys keys) {
        return JobPortPeers.dealer(context, keys, server);
    }

    @Test
    void garbageOutsideAndInsideTheEncryptionNeverStopsTheServer() throws Exception {
        Random random = new Random(SEED);
        String seed = "seed " + SEED + " (rerun with -Dfuzz.seed=" + SEED + ")";
        // Outside: raw bytes on the TCP port, some starting like a ZMTP greeting.
        for (int i = 0; i < 100; i++) {
            try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.jobPort())) {
                byte[] junk = new byte[random.nextInt(300)];
                random.nextBytes(junk);
                if (i % 3 == 0 && junk.length > 10) {
                    junk[0] = (byte) 0xff;
                    junk[9] = 0x7f;
                }
                OutputStream out = raw.getOutputStream();
                out.write(junk);
                out.flush();
            } catch (java.io.IOException e) {
                // the server may close first: that is its right
            }
        }
        // Inside: an authenticated but unenrolled peer sending nonsense.
        byte[] valid = WireCodec.encode(new Message.Heartbeat(1));
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket noisy = dealer(context, CurveKeys.generate());
            for (int i = 0; i < 500; i++) {
                int kind = random.nextInt(4);
                if (kind == 0) {
                    byte[] junk = new byte[random.nextInt(2000)];
                    random.nextBytes(junk);
                    noisy.send(junk, ZMQ.DONTWAIT);
                } else if (kind == 1) {
                    byte[] mutated = valid.clone();
                    mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
                    noisy.send(mutated, ZMQ.DONTWAIT);
                } else if (kind == 2) {
                    noisy.send(valid, ZMQ.SNDMORE | ZMQ.DONTWAIT);
                    noisy.send(valid, ZMQ.DONTWAIT);
                } else {
                    String json = "{\"type\":\"" + pick(random) + "\",\"job_id\":" + random.nextInt() + "}";
                    noisy.send(json.getBytes(StandardCharsets.UTF_8), ZMQ.DONTWAIT);
                }
            }
            // One message over the cap: the server drops that connection, nothing more.
            ZMQ.Socket huge = dealer(context, CurveKeys.generate());
            huge.send(new byte[(int) Limits.MAX_MESSAGE_BYTES + 1], ZMQ.DONTWAIT);

            // A well-behaved node is still welcomed.
            CurveKeys keys = CurveKeys.generate();
            ZMQ.Socket node = dealer(context, keys);
            node.send(WireCodec.encode(JobPortPeers.hello("good-1", "m-1", SHARED_KEY, keys)));
            byte[] answer = node.recv(0);
            assertNotNull(answer, "the server did not answer a good hello after the garbage; " + seed);
            assertInstanceOf(Message.Welcome.class, WireCodec.decode(answer), seed);
        }
    }

    private static String pick(Random random) {
        String[] types = {"hello", "result", "started", "query_value", "plan_reply", "chunk_request", "dispatch",
                "welcome", "nonsense", ""};
        return types[random.nextInt(types.length)];
    }
}
