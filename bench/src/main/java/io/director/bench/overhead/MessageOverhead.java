package io.director.bench.overhead;

import io.director.dsl.verb.DslException;
import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.JobParser;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.JobResult;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.NodeState;
import io.director.dsl.wire.ProtocolException;
import io.director.dsl.wire.WireCodec;
import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToDoubleFunction;

/**
 * The cost of CURVE per message: the same Director messages (a dispatch of an ECHO job, and its
 * result) over a CURVE ROUTER/DEALER pair and over a plaintext one, on loopback, in one run. The
 * measuring thread plays the server; a second thread plays the node. Frames are encoded once:
 * this measures the transport, and {@link #codecMicros} reports what the JSON codec adds.
 */
public final class MessageOverhead {

    private static final String ECHO_TEXT = "hello from the overhead benchmark";
    private static final long PHASE_TIMEOUT_SECONDS = 300;
    /** A connection slower than this sat out a handshake interval (a healthy one takes milliseconds). */
    private static final long STALLED_CONNECT_MILLIS = 1000;

    /**
     * @param roundTrips round trips timed per round
     * @param messages   messages streamed each way per round
     * @param rounds     rounds per transport (each figure is the median over them)
     * @param warmup     round trips and messages each transport runs first, unreported, for the JIT
     */
    public record Settings(int roundTrips, int messages, int rounds, int warmup) {
        public Settings {
            if (roundTrips < 1 || messages < 1 || rounds < 1 || warmup < 0) {
                throw new IllegalArgumentException("round trips, messages and rounds must be at least 1, warm-up 0 "
                        + "or more; got " + roundTrips + ", " + messages + ", " + rounds + ", " + warmup);
            }
        }
    }

    private static volatile long sink;

    private final Settings settings;
    private final byte[] dispatch;
    private final byte[] result;

    public MessageOverhead(Settings settings) {
        this.settings = settings;
        Job job = echoJob();
        long now = System.currentTimeMillis();
        this.dispatch = WireCodec.encode(new Message.Dispatch(job));
        this.result = WireCodec.encode(new Message.Result(new JobResult(job.jobId(), NodeState.SUCCESS, null,
                ECHO_TEXT, "", null, 0.0004, now, now)));
    }

    private static Job echoJob() {
        try {
            JobDefinition definition = JobParser.standard().parse("ECHO", ECHO_TEXT);
            String id = UUID.randomUUID().toString();
            return new Job(id, id, "bench-echo", definition, Fingerprint.of(definition));
        } catch (DslException e) {
            throw new IllegalStateException("the benchmark's ECHO job does not parse: " + e.getMessage(), e);
        }
    }

    /** Measures each transport ({@code true}: CURVE), in the order given, interleaved round by round. */
    public List<OverheadResult> run(List<Boolean> encrypted) throws InterruptedException {
        for (boolean mode : encrypted) {
            if (settings.warmup() > 0) {
                measure(mode, settings.warmup(), settings.warmup());
            }
        }
        List<List<Sample>> samples = new ArrayList<>();
        encrypted.forEach(mode -> samples.add(new ArrayList<>()));
        for (int round = 0; round < settings.rounds(); round++) {
            for (int i = 0; i < encrypted.size(); i++) {
                samples.get(i).add(measure(encrypted.get(i), settings.roundTrips(), settings.messages()));
            }
        }
        List<OverheadResult> results = new ArrayList<>();
        for (int i = 0; i < encrypted.size(); i++) {
            List<Sample> runs = samples.get(i);
            results.add(new OverheadResult(encrypted.get(i) ? "curve" : "none", settings.roundTrips(),
                    settings.messages(), settings.rounds(), median(runs, Sample::p50Micros),
                    median(runs, Sample::p99Micros), median(runs, Sample::meanMicros),
                    median(runs, Sample::nodeToServerPerSecond), median(runs, Sample::serverToNodePerSecond),
                    dispatch.length, result.length,
                    runs.stream().filter(r -> r.connectMillis() > STALLED_CONNECT_MILLIS).count()));
        }
        return results;
    }

    /** Microseconds to encode and decode one dispatch and one result with the wire codec. */
    public double codecMicros(int iterations) {
        Message dispatchMessage = decode(dispatch);
        Message resultMessage = decode(result);
        long bytes = 0;
        for (int i = 0; i < iterations; i++) { // warm-up
            bytes += decode(WireCodec.encode(dispatchMessage)).hashCode() + decode(WireCodec.encode(resultMessage))
                    .hashCode();
        }
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            bytes += decode(WireCodec.encode(dispatchMessage)).hashCode() + decode(WireCodec.encode(resultMessage))
                    .hashCode();
        }
        long elapsed = System.nanoTime() - start;
        sink = bytes; // kept, so the JIT cannot drop the loop as dead code
        return elapsed / 1000.0 / iterations;
    }

    private static Message decode(byte[] frame) {
        try {
            return WireCodec.decode(frame);
        } catch (ProtocolException e) {
            throw new IllegalStateException("the benchmark's own message does not decode: " + e.getMessage(), e);
        }
    }

    private record Sample(double p50Micros, double p99Micros, double meanMicros, double nodeToServerPerSecond,
                          double serverToNodePerSecond, long connectMillis) {
    }

    private Sample measure(boolean encrypted, int roundTrips, int messages) throws InterruptedException {
        ExecutorService node = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "overhead-node");
            thread.setDaemon(true);
            return thread;
        });
        try (SocketPair pair = SocketPair.open(encrypted, result)) {
            long[] rtt = pingPong(pair, node, roundTrips);
            double toServer = nodeToServer(pair, node, messages);
            double toNode = serverToNode(pair, node, messages);
            Arrays.sort(rtt);
            double mean = Arrays.stream(rtt).average().orElse(Double.NaN) / 1000.0;
            return new Sample(percentile(rtt, 50) / 1000.0, percentile(rtt, 99) / 1000.0, mean, toServer, toNode,
                    pair.connectMillis);
        } finally {
            node.shutdownNow();
            node.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** The server sends a dispatch, the node answers with its result: nanoseconds per round trip. */
    private long[] pingPong(SocketPair pair, ExecutorService node, int count) throws InterruptedException {
        Future<?> answering = node.submit(() -> {
            for (int i = 0; i < count; i++) {
                receiveDispatch(pair);
                pair.dealer.send(result, 0);
            }
        });
        long[] rtt = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            pair.router.send(pair.routingId, ZMQ.SNDMORE);
            pair.router.send(dispatch, 0);
            receiveFromNode(pair);
            rtt[i] = System.nanoTime() - start;
        }
        finish(answering);
        return rtt;
    }

    /** The node streams results as fast as it can: messages per second received by the server. */
    private double nodeToServer(SocketPair pair, ExecutorService node, int count) throws InterruptedException {
        long start = System.nanoTime();
        Future<?> sending = node.submit(() -> {
            for (int i = 0; i < count; i++) {
                pair.dealer.send(result, 0);
            }
        });
        for (int i = 0; i < count; i++) {
            receiveFromNode(pair);
        }
        long elapsed = System.nanoTime() - start;
        finish(sending);
        return count / (elapsed / 1e9);
    }

    /** The server streams dispatches: messages per second, until the node has read the last one. */
    private double serverToNode(SocketPair pair, ExecutorService node, int count) throws InterruptedException {
        Future<?> receiving = node.submit(() -> {
            for (int i = 0; i < count; i++) {
                receiveDispatch(pair);
            }
            pair.dealer.send(result, 0);
        });
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (!pair.router.send(pair.routingId, ZMQ.SNDMORE) || !pair.router.send(dispatch, 0)) {
                throw new IllegalStateException("the server could not queue dispatch " + i + " of " + count
                        + " (error " + pair.router.errno() + ")");
            }
        }
        receiveFromNode(pair); // the node's word that it has read them all
        long elapsed = System.nanoTime() - start;
        finish(receiving);
        return count / (elapsed / 1e9);
    }

    private void receiveDispatch(SocketPair pair) {
        byte[] frame = pair.dealer.recv(0);
        if (frame == null || frame.length != dispatch.length) {
            throw new IllegalStateException("the node received " + (frame == null ? "nothing in time" : frame.length
                    + " bytes") + ", not a dispatch");
        }
    }

    private void receiveFromNode(SocketPair pair) {
        byte[] routing = pair.router.recv(0);
        byte[] body = routing == null ? null : pair.router.recv(0);
        if (body == null || body.length != result.length) {
            throw new IllegalStateException("the server received " + (body == null ? "nothing in time" : body.length
                    + " bytes") + ", not a result");
        }
    }

    private static void finish(Future<?> work) throws InterruptedException {
        try {
            work.get(PHASE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the node side failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the node side did not finish within " + PHASE_TIMEOUT_SECONDS + " s");
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double median(List<Sample> samples, ToDoubleFunction<Sample> figure) {
        double[] values = samples.stream().mapToDouble(figure).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
