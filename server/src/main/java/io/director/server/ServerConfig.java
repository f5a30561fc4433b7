package io.director.server;

import io.director.dsl.wire.Limits;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything {@code director server} is configured with (spec: cli.md).
 *
 * @param socketGroup       group given access to the UNIX socket, or null for the owner's
 * @param heartbeatSeconds  seconds between node heartbeats; three missed ones expire a node
 * @param sharedKey         key nodes must prove they know, or null
 * @param outputCapBytes    stdout and stderr kept per job and node
 * @param encrypted         CurveZMQ on both ports (the default); false only for benchmarks on a trusted network
 * @param maxHops           how often work placed by the server is forwarded after capacity refusals, at most
 */
public record ServerConfig(String bindAddress, int jobPort, int transferPort, Path socketPath, String socketGroup,
                           String datastore, double heartbeatSeconds, String sharedKey, int outputCapBytes,
                           boolean encrypted, int maxHops) {

    /** {@code --max-hops} when not given. */
    public static final int DEFAULT_MAX_HOPS = 5;

    public ServerConfig {
        if (maxHops < 0) {
            throw new IllegalArgumentException("--max-hops must be 0 or more, got " + maxHops);
        }
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(socketPath, "socketPath");
        Objects.requireNonNull(datastore, "datastore");
        if (heartbeatSeconds <= 0) {
            throw new IllegalArgumentException("heartbeat interval must be more than 0 seconds, got " + heartbeatSeconds);
        }
        if (outputCapBytes <= 0) {
            outputCapBytes = Limits.DEFAULT_OUTPUT_CAP;
        }
        if (outputCapBytes > Limits.MAX_OUTPUT_CAP) {
            throw new IllegalArgumentException("output cap " + outputCapBytes + " is over the maximum of "
                    + Limits.MAX_OUTPUT_CAP + " bytes");
        }
    }

    /** The encrypted configuration of the same settings (the form used before encryption was an option). */
    public ServerConfig(String bindAddress, int jobPort, int transferPort, Path socketPath, String socketGroup,
                        String datastore, double heartbeatSeconds, String sharedKey, int outputCapBytes) {
        this(bindAddress, jobPort, transferPort, socketPath, socketGroup, datastore, heartbeatSeconds, sharedKey,
                outputCapBytes, true);
    }

    /** With the default {@code --max-hops}. */
    public ServerConfig(String bindAddress, int jobPort, int transferPort, Path socketPath, String socketGroup,
                        String datastore, double heartbeatSeconds, String sharedKey, int outputCapBytes,
                        boolean encrypted) {
        this(bindAddress, jobPort, transferPort, socketPath, socketGroup, datastore, heartbeatSeconds, sharedKey,
                outputCapBytes, encrypted, DEFAULT_MAX_HOPS);
    }

    /** Where the server keeps its state besides the datastore (its key pair): the datastore's directory. */
    public Path stateDirectory() {
        String file = datastore.startsWith("sqlite:") ? datastore.substring("sqlite:".length()) : datastore;
        Path parent = Path.of(file).toAbsolutePath().getParent();
        return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }

    public long heartbeatMillis() {
        return Math.round(heartbeatSeconds * 1000);
    }
}
