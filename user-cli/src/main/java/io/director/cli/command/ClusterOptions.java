package io.director.cli.command;

import picocli.CommandLine.Option;

/** Options the server and its clients must agree on (spec: the client's are "as the server's"). */
public final class ClusterOptions {

    @Option(names = "--job-port", paramLabel = "N", defaultValue = "5555",
            description = "The server's ROUTER port for jobs, results and heartbeats (default: ${DEFAULT-VALUE}).")
    int jobPort;

    @Option(names = "--transfer-port", paramLabel = "N", defaultValue = "5556",
            description = "The server's ROUTER port for file transfer (default: ${DEFAULT-VALUE}).")
    int transferPort;

    @Option(names = "--shared-key", paramLabel = "KEY",
            description = "Cluster key: the server requires nodes to prove it; the client proves it.")
    String sharedKey;

    /** CurveZMQ on the node ports, or nothing. */
    enum Encryption { curve, none }

    @Option(names = "--encryption", paramLabel = "curve|none", defaultValue = "curve",
            description = "CurveZMQ on both node ports (default: ${DEFAULT-VALUE}); none sends everything in clear "
                    + "and checks no key: only for benchmarks on a trusted network.")
    Encryption encryption;

    @Option(names = "--heartbeat-interval", paramLabel = "S", defaultValue = "10",
            description = "Seconds between heartbeats; a node missing 3 is expired (default: ${DEFAULT-VALUE}).")
    double heartbeatInterval;
}
