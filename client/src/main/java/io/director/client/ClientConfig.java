package io.director.client;

import io.director.dsl.wire.NodeReport;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@code director client} is configured with (spec: cli.md).
 *
 * @param identity         the node's name in the cluster
 * @param cachePath        where the node keeps its cache, outbox and machine id
 * @param sharedKey        the cluster key to prove, or null
 * @param heartbeatSeconds seconds between heartbeats (the server's interval wins when shorter)
 * @param serverKey        the server's public key (Z85) or a file holding it, or null: derived from
 *                         the shared key, else the key pinned in the cache path
 * @param encrypted        CurveZMQ to the server (the default); false only for benchmarks on a trusted network
 * @param limits           what the node takes at most ({@code --max-jails}, {@code --max-vms},
 *                         {@code --reserve-memory}, {@code --reserve-disk}); creates past them are refused
 */
public record ClientConfig(String serverAddress, int jobPort, int transferPort, String identity, Path cachePath,
                           Map<String, String> labels, String sharedKey, double heartbeatSeconds, String serverKey,
                           boolean encrypted, NodeReport.Limits limits) {

    public ClientConfig {
        limits = limits == null ? NodeReport.Limits.NONE : limits;
        Objects.requireNonNull(serverAddress, "serverAddress");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(cachePath, "cachePath");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        if (heartbeatSeconds <= 0) {
            throw new IllegalArgumentException("heartbeat interval must be more than 0 seconds, got " + heartbeatSeconds);
        }
    }

    /** The encrypted configuration, the server key derived from the shared key or pinned. */
    public ClientConfig(String serverAddress, int jobPort, int transferPort, String identity, Path cachePath,
                        Map<String, String> labels, String sharedKey, double heartbeatSeconds) {
        this(serverAddress, jobPort, transferPort, identity, cachePath, labels, sharedKey, heartbeatSeconds, null,
                true);
    }

    /** Without limits. */
    public ClientConfig(String serverAddress, int jobPort, int transferPort, String identity, Path cachePath,
                        Map<String, String> labels, String sharedKey, double heartbeatSeconds, String serverKey,
                        boolean encrypted) {
        this(serverAddress, jobPort, transferPort, identity, cachePath, labels, sharedKey, heartbeatSeconds, serverKey,
                encrypted, NodeReport.Limits.NONE);
    }

    public long heartbeatMillis() {
        return Math.round(heartbeatSeconds * 1000);
    }
}
