package io.director.cli.command;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Options the server and its clients must agree on (spec: the client's are "as the server's"). */
public final class ClusterOptions {

    private final OptionSpec jobPort = Options.value("--job-port", int.class, "N",
            "The server's ROUTER port for jobs, results and heartbeats (default: ${DEFAULT-VALUE}).")
            .defaultValue("5555").build();

    private final OptionSpec transferPort = Options.value("--transfer-port", int.class, "N",
            "The server's ROUTER port for file transfer (default: ${DEFAULT-VALUE}).").defaultValue("5556").build();

    private final OptionSpec sharedKey = Options.value("--shared-key", String.class, "KEY",
            "Cluster key: the server requires nodes to prove it; the client proves it.").build();

    /** CurveZMQ on the job port and sealed chunks on the transfer port, or nothing. */
    enum Encryption { curve, none }

    private final OptionSpec encryption = Options.value("--encryption", Encryption.class, "curve|none",
            "CurveZMQ on the job port and sealed file chunks on the transfer port (default: "
                    + "${DEFAULT-VALUE}); none sends everything in clear "
                    + "and checks no key: only for benchmarks on a trusted network.").defaultValue("curve").build();

    private final OptionSpec heartbeatInterval = Options.value("--heartbeat-interval", double.class, "S",
            "Seconds between heartbeats; a node missing 3 is expired (default: ${DEFAULT-VALUE}).")
            .defaultValue("10").build();

    /** Makes the options and adds them to a command. */
    static ClusterOptions addTo(CommandSpec spec) {
        ClusterOptions options = new ClusterOptions();
        spec.addOption(options.jobPort);
        spec.addOption(options.transferPort);
        spec.addOption(options.sharedKey);
        spec.addOption(options.encryption);
        spec.addOption(options.heartbeatInterval);
        return options;
    }

    int jobPort() {
        return jobPort.getValue();
    }

    int transferPort() {
        return transferPort.getValue();
    }

    String sharedKey() {
        return sharedKey.getValue();
    }

    boolean encrypted() {
        return encryption.getValue() == Encryption.curve;
    }

    double heartbeatInterval() {
        return heartbeatInterval.getValue();
    }
}
