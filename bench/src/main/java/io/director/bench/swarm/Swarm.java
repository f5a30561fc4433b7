package io.director.bench.swarm;

import io.director.dsl.wire.CurveKeys;
import org.zeromq.ZContext;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Random;
import java.util.function.Function;

/**
 * Many simulated nodes in this JVM, talking to one server's job port over real TCP sockets:
 * {@code nodesPerThread} nodes share a {@link SwarmDriver} thread, and each node has its own
 * ZContext (so the JVM also runs that context's I/O and reaper threads, two per node), unless
 * {@code nodesPerContext} says otherwise (see {@link FileDescriptors}).
 */
public final class Swarm implements AutoCloseable {

    private final List<SwarmDriver> drivers = new ArrayList<>();
    private final List<SwarmNode> nodes = new ArrayList<>();
    private final SwarmCounters counters = new SwarmCounters();

    /**
     * @param count          how many nodes
     * @param host           the server's address
     * @param jobPort        the server's job port
     * @param sharedKey      the cluster's shared key (each hello proves it), or null
     * @param serverKey      the server's public key (Z85) for CURVE, or null for plaintext
     * @param heartbeatMillis the nodes' heartbeat interval (the server's welcome may shorten it)
     * @param nodesPerThread nodes driven by one thread
     * @param nodesPerContext nodes sharing one ZContext (1: each its own)
     * @param seed           seeds identities' machine ids and the jitter, so runs are comparable
     * @param firstIndex     the number of the first node's identity (swarms in several processes
     *                       share one server without sharing a name)
     */
    public record Config(int count, String host, int jobPort, String sharedKey, String serverKey,
                         long heartbeatMillis, int nodesPerThread, int nodesPerContext, long seed, int firstIndex) {
        /** A swarm whose nodes are numbered from 0. */
        public Config(int count, String host, int jobPort, String sharedKey, String serverKey, long heartbeatMillis,
                      int nodesPerThread, int nodesPerContext, long seed) {
            this(count, host, jobPort, sharedKey, serverKey, heartbeatMillis, nodesPerThread, nodesPerContext, seed, 0);
        }

        public Config {
            Objects.requireNonNull(host, "host");
            if (count < 1) {
                throw new IllegalArgumentException("a swarm needs at least one node, got " + count);
            }
            if (nodesPerThread < 1) {
                throw new IllegalArgumentException("nodes per thread must be at least 1, got " + nodesPerThread);
            }
            if (nodesPerContext < 1) {
                throw new IllegalArgumentException("nodes per context must be at least 1, got " + nodesPerContext);
            }
            if (heartbeatMillis < 1) {
                throw new IllegalArgumentException("heartbeat must be at least 1 ms, got " + heartbeatMillis);
            }
        }

        public boolean encrypted() {
            return serverKey != null;
        }
    }

    private Swarm() {
    }

    /**
     * Makes the nodes (each with a fresh key pair when encrypted) and connects them; returns once
     * every node has a socket. Their hellos follow at once.
     */
    public static Swarm start(Config config) throws InterruptedException {
        Swarm swarm = new Swarm();
        String endpoint = "tcp://" + config.host() + ":" + config.jobPort();
        Random seeds = new Random(config.seed());
        List<Function<ZContext, SwarmNode>> batch = new ArrayList<>();
        for (int i = 0; i < config.count(); i++) {
            String identity = String.format("swarm-%05d", config.firstIndex() + i);
            byte[] machine = new byte[16];
            seeds.nextBytes(machine);
            String machineId = HexFormat.of().formatHex(machine);
            long nodeSeed = seeds.nextLong();
            batch.add(context -> new SwarmNode(context, identity, machineId, endpoint, config.sharedKey(),
                    config.encrypted() ? CurveKeys.generate() : null, config.serverKey(), config.heartbeatMillis(),
                    new Random(nodeSeed), swarm.counters));
            if (batch.size() == config.nodesPerThread() || i == config.count() - 1) {
                swarm.drivers.add(new SwarmDriver(batch, config.nodesPerContext()));
                batch = new ArrayList<>();
            }
        }
        for (int i = 0; i < swarm.drivers.size(); i++) {
            swarm.drivers.get(i).start("swarm-driver-" + i);
        }
        try {
            for (SwarmDriver driver : swarm.drivers) {
                swarm.nodes.addAll(driver.awaitNodes());
            }
        } catch (RuntimeException | InterruptedException e) {
            swarm.close();
            throw e;
        }
        return swarm;
    }

    public int size() {
        return nodes.size();
    }

    public int threads() {
        return drivers.size();
    }

    /** Nodes welcomed at or after {@code since} (epoch ms). */
    public int welcomedSince(long since) {
        int count = 0;
        for (SwarmNode node : nodes) {
            if (node.welcomedAt() >= since) {
                count++;
            }
        }
        return count;
    }

    /**
     * When the last node was welcomed, if every node has been welcomed at or after {@code since}.
     *
     * @throws IllegalStateException when a driver thread has stopped (say, out of file
     *                               descriptors): its nodes will never be welcomed, and a caller
     *                               waiting for them would wait until its timeout
     */
    public OptionalLong allWelcomedSince(long since) {
        for (SwarmDriver driver : drivers) {
            if (driver.failure() != null) {
                throw new IllegalStateException("a swarm driver stopped: " + driver.failure().getMessage(),
                        driver.failure());
            }
        }
        long last = 0;
        for (SwarmNode node : nodes) {
            long at = node.welcomedAt();
            if (at < since) {
                return OptionalLong.empty();
            }
            last = Math.max(last, at);
        }
        return OptionalLong.of(last);
    }

    /** Reasons the server gave for refusing nodes for good (empty when none was). */
    public List<String> refusals() {
        List<String> reasons = new ArrayList<>();
        for (SwarmNode node : nodes) {
            if (node.refusal() != null) {
                reasons.add(node.identity() + ": " + node.refusal());
            }
        }
        return reasons;
    }

    /** What the nodes did so far (hellos, welcomes, reconnects, echo results, ...). */
    public Map<String, Long> counters() {
        return counters.snapshot();
    }

    /** Echo results sent so far, over all nodes. */
    public long echoResults() {
        return counters.echoes.sum();
    }

    @Override
    public void close() throws InterruptedException {
        for (SwarmDriver driver : drivers) {
            driver.stop();
        }
    }
}
