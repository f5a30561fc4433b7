package io.director.bench.storm;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.bench.cluster.TempTrees;
import io.director.bench.swarm.FileDescriptors;
import io.director.bench.swarm.Swarm;
import io.director.dsl.wire.CurveKeys;
import io.director.server.DirectorServer;
import io.director.server.ServerConfig;
import io.director.server.api.ApiRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The reconnect storm: a real server in this JVM (temporary datastore, ephemeral ports, a shared
 * key), a swarm of N nodes enrolled by that key, then the server closed and started again on the
 * same datastore and ports, and the time until every node is back. Every node comes back on its
 * own: its DEALER reconnects over TCP (and redoes the CURVE handshake), its next heartbeat is
 * answered {@code hello_required}, its hello is welcomed.
 */
public final class ReconnectStorm {

    private static final String HOST = "127.0.0.1";
    private static final long SWARM_POLL_MILLIS = 20;
    private static final long API_POLL_MILLIS = 200;

    /**
     * @param nodes          swarm size
     * @param encrypted      CurveZMQ (the default of server and nodes) or plaintext
     * @param heartbeatSeconds the server's heartbeat interval, which the nodes follow
     * @param nodesPerThread nodes per swarm driver thread
     * @param nodesPerContext nodes per ZContext; 0: one each when file descriptors allow, else the fewest that fit
     * @param timeoutSeconds the most any one phase may take before the run is given up
     * @param echo           whether to send one ECHO job to every node after the storm
     * @param seed           the swarm's seed
     */
    public record Settings(int nodes, boolean encrypted, double heartbeatSeconds, int nodesPerThread,
                           int nodesPerContext, double timeoutSeconds, boolean echo, long seed) {
        public Settings {
            if (nodes < 1) {
                throw new IllegalArgumentException("--nodes must be at least 1, got " + nodes);
            }
            if (heartbeatSeconds <= 0) {
                throw new IllegalArgumentException("--heartbeat must be more than 0 s, got " + heartbeatSeconds);
            }
            if (nodesPerThread < 1 || nodesPerContext < 0) {
                throw new IllegalArgumentException("--nodes-per-thread must be at least 1 and --nodes-per-context "
                        + "0 (automatic) or more; got " + nodesPerThread + " and " + nodesPerContext);
            }
            if (timeoutSeconds <= 0) {
                throw new IllegalArgumentException("--timeout must be more than 0 s, got " + timeoutSeconds);
            }
        }
    }

    private final Settings settings;
    private final Consumer<String> progress;

    /** @param progress told one line per phase (for a human watching a long run) */
    public ReconnectStorm(Settings settings, Consumer<String> progress) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    public StormResult run() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("director-bench-");
        try {
            return run(dir);
        } finally {
            TempTrees.delete(dir);
        }
    }

    private StormResult run(Path dir) throws IOException, InterruptedException {
        String security = settings.encrypted() ? "curve" : "none";
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String sharedKey = HexFormat.of().formatHex(secret);
        Path socket = dir.resolve("api.sock");
        ServerConfig first = config(dir, socket, 0, 0, sharedKey);
        Measured measured = new Measured(security);

        DirectorServer server = new DirectorServer(first);
        server.start();
        Swarm swarm = null;
        try {
            int jobPort = server.jobPort();
            int transferPort = server.transferPort();
            // A node with the shared key derives the server's public key; the swarm does the same.
            String serverKey = settings.encrypted() ? CurveKeys.derivedFrom(sharedKey).publicKey() : null;
            progress.accept(security + ": " + settings.nodes() + " nodes connecting to a fresh server");
            int perContext = settings.nodesPerContext() > 0 ? settings.nodesPerContext()
                    : FileDescriptors.nodesPerContext(settings.nodes(), FileDescriptors.available());
            measured.nodesPerContext = perContext;
            long coldAt = System.currentTimeMillis();
            swarm = Swarm.start(new Swarm.Config(settings.nodes(), HOST, jobPort, sharedKey, serverKey,
                    Math.round(settings.heartbeatSeconds() * 1000), settings.nodesPerThread(), perContext,
                    settings.seed()));
            measured.swarmThreads = swarm.threads();
            long coldDone = awaitWelcomed(swarm, coldAt, "the first start");
            measured.coldSeconds = seconds(coldDone - coldAt);
            measured.coldApiSeconds = seconds(awaitListed(socket, coldAt) - coldAt);
            progress.accept(security + ": all enrolled in " + format(measured.coldSeconds) + " s; restarting the server");

            long closing = System.nanoTime();
            server.close();
            measured.closeSeconds = (System.nanoTime() - closing) / 1e9;

            Map<String, Long> countersBefore = swarm.counters();
            Set<Long> threadsBefore = ServerCpu.liveThreads();
            long processBefore = ServerCpu.processNanos();
            long startCpuBefore = ServerCpu.currentThreadNanos();
            long restartAt = System.currentTimeMillis();
            long starting = System.nanoTime();
            server = new DirectorServer(config(dir, socket, jobPort, transferPort, sharedKey));
            server.start();
            measured.startSeconds = (System.nanoTime() - starting) / 1e9;
            long startCpu = ServerCpu.currentThreadNanos() - startCpuBefore;
            ServerCpu serverCpu = ServerCpu.threadsSince(threadsBefore);

            long recoveredAt = awaitWelcomed(swarm, restartAt, "the restart");
            long serverNanos = serverCpu.cpuNanos() + startCpu;
            long processNanos = ServerCpu.processNanos() - processBefore;
            measured.recoverySeconds = seconds(recoveredAt - restartAt);
            measured.serverCpuSeconds = serverNanos / 1e9;
            measured.processCpuSeconds = processNanos / 1e9;
            measured.serverThreads = serverCpu.threadCount();
            measured.stormCounters = difference(swarm.counters(), countersBefore);
            measured.recoveryApiSeconds = seconds(awaitListed(socket, restartAt) - restartAt);
            progress.accept(security + ": all back " + format(measured.recoverySeconds) + " s after the restart");

            if (settings.echo()) {
                long echoAt = System.nanoTime();
                measured.echoSucceeded = echoToAll(socket);
                measured.echoSeconds = (System.nanoTime() - echoAt) / 1e9;
            }
        } catch (StormTimeout | IllegalStateException e) {
            measured.failure = e.getMessage();
            progress.accept(security + ": " + e.getMessage());
        } finally {
            if (swarm != null) {
                if (measured.failure != null && !swarm.refusals().isEmpty()) {
                    measured.failure += "; refused: " + swarm.refusals().get(0);
                }
                swarm.close();
            }
            server.close();
        }
        return measured.result(settings);
    }

    private ServerConfig config(Path dir, Path socket, int jobPort, int transferPort, String sharedKey) {
        return new ServerConfig(HOST, jobPort, transferPort, socket, null, "sqlite:" + dir.resolve("server.db"),
                settings.heartbeatSeconds(), sharedKey, 0, settings.encrypted());
    }

    /** Waits until every node was welcomed at or after {@code since}; returns when the last one was. */
    private long awaitWelcomed(Swarm swarm, long since, String phase) throws InterruptedException {
        long deadline = deadline();
        while (true) {
            OptionalLong last = swarm.allWelcomedSince(since);
            if (last.isPresent()) {
                return last.getAsLong();
            }
            if (System.currentTimeMillis() > deadline) {
                throw new StormTimeout("after " + phase + ", only " + swarm.welcomedSince(since) + " of "
                        + swarm.size() + " nodes were welcomed within " + settings.timeoutSeconds() + " s");
            }
            Thread.sleep(SWARM_POLL_MILLIS);
        }
    }

    /**
     * Waits until the server's node list shows every node alive and heard by this server
     * instance. A restarted server restores its nodes as alive for a grace period before they
     * say hello, so "alive" alone would count nodes that have not come back; each swarm node
     * puts the time of its hello in its facts, which tells the two apart.
     */
    private long awaitListed(Path socket, long since) throws IOException, InterruptedException {
        long deadline = deadline();
        try (ServerApi api = ServerApi.connect(socket)) {
            while (true) {
                JsonNode nodes = api.call(new ApiRequest.ListNodes()).path("nodes");
                int back = 0;
                for (JsonNode node : nodes) {
                    if ("alive".equals(node.path("state").asText())
                            && node.path("facts").path("hello_at").asLong(0) >= since) {
                        back++;
                    }
                }
                long now = System.currentTimeMillis();
                if (back >= settings.nodes()) {
                    return now;
                }
                if (now > deadline) {
                    throw new StormTimeout("the server listed only " + back + " of " + settings.nodes()
                            + " nodes as back within " + settings.timeoutSeconds() + " s");
                }
                Thread.sleep(API_POLL_MILLIS);
            }
        }
    }

    /** One ECHO job to every live node, as {@code director exec} sends it; returns the successes. */
    private long echoToAll(Path socket) throws IOException, InterruptedException {
        long deadline = deadline();
        try (ServerApi api = ServerApi.connect(socket)) {
            JsonNode ids = api.call(new ApiRequest.Submit(List.of(
                    new ApiRequest.JobSubmission("ECHO", "hello from the reconnect storm", "bench-echo", List.of()))))
                    .path("job_ids");
            String jobId = ids.get(0).asText();
            while (true) {
                JsonNode job = api.call(new ApiRequest.JobStatus(List.of(jobId), false)).path("jobs").path(0);
                long success = job.path("counts").path("success").asLong();
                long failed = job.path("counts").path("failed").asLong();
                if (success + failed >= settings.nodes() || System.currentTimeMillis() > deadline) {
                    return success;
                }
                Thread.sleep(SWARM_POLL_MILLIS);
            }
        }
    }

    private long deadline() {
        return System.currentTimeMillis() + Math.round(settings.timeoutSeconds() * 1000);
    }

    private static Map<String, Long> difference(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> delta = new java.util.LinkedHashMap<>();
        after.forEach((name, value) -> delta.put(name, value - before.getOrDefault(name, 0L)));
        return delta;
    }

    private static double seconds(long millis) {
        return millis / 1000.0;
    }

    private static String format(double seconds) {
        return String.format(java.util.Locale.ROOT, "%.2f", seconds);
    }

    /** A phase that did not finish in time: the run ends, and says where it stopped. */
    private static final class StormTimeout extends RuntimeException {
        StormTimeout(String message) {
            super(message);
        }
    }

    /** The figures as they are measured, phase by phase. */
    private static final class Measured {
        final String security;
        int swarmThreads;
        int nodesPerContext;
        double coldSeconds = Double.NaN;
        double coldApiSeconds = Double.NaN;
        double echoSeconds = Double.NaN;
        long echoSucceeded;
        double closeSeconds = Double.NaN;
        double startSeconds = Double.NaN;
        double recoverySeconds = Double.NaN;
        double recoveryApiSeconds = Double.NaN;
        double serverCpuSeconds = Double.NaN;
        double processCpuSeconds = Double.NaN;
        int serverThreads;
        Map<String, Long> stormCounters = new HashMap<>();
        String failure;

        Measured(String security) {
            this.security = security;
        }

        StormResult result(Settings settings) {
            int n = settings.nodes();
            return new StormResult(security, n, swarmThreads, nodesPerContext, settings.heartbeatSeconds(), coldSeconds, coldApiSeconds,
                    echoSeconds, echoSucceeded, closeSeconds, startSeconds, recoverySeconds, recoveryApiSeconds,
                    n / recoverySeconds, serverCpuSeconds, serverCpuSeconds * 1000 / n, processCpuSeconds,
                    serverThreads, stormCounters, failure);
        }
    }
}
