package io.director.cli.command;

import io.director.cli.LogSetup;
import io.director.dsl.wire.Limits;
import io.director.server.DirectorServer;
import io.director.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;
import java.util.logging.Level;

/** {@code director server}: runs the server until SIGTERM or SIGINT. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the server: node endpoint (ZeroMQ ROUTER), datastore and the CLI socket.")
final class ServerCommand implements Callable<Integer> {

    @ParentCommand
    DirectorCommand root;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--bind-address", paramLabel = "ADDR", defaultValue = "*",
            description = "Address the ZeroMQ sockets bind (default: ${DEFAULT-VALUE}).")
    String bindAddress;

    @Option(names = "--socket-group", paramLabel = "NAME",
            description = "Group allowed to use the CLI socket (mode 0660; default: the owner's group).")
    String socketGroup;

    @Option(names = "--datastore", paramLabel = "URL", defaultValue = "sqlite:/var/lib/director/server.db",
            description = "Where nodes, jobs and results are kept (default: ${DEFAULT-VALUE}).")
    String datastore;

    @Option(names = "--output-cap", paramLabel = "BYTES", defaultValue = "" + Limits.DEFAULT_OUTPUT_CAP,
            description = "Bytes of stdout and of stderr kept per job and node (default: ${DEFAULT-VALUE}).")
    int outputCap;

    @Option(names = "--max-hops", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_MAX_HOPS,
            description = "How often a JAIL/VM create placed by the server is forwarded to another node after capacity "
                    + "refusals before it fails (default: ${DEFAULT-VALUE}).")
    int maxHops;

    @Override
    public Integer call() throws InterruptedException {
        LogSetup.configure(root.debug() ? Level.FINE : Level.INFO);
        DirectorServer server = new DirectorServer(new ServerConfig(bindAddress, cluster.jobPort, cluster.transferPort,
                root.socketPath(), socketGroup, datastore, cluster.heartbeatInterval, cluster.sharedKey, outputCap,
                cluster.encryption == ClusterOptions.Encryption.curve, maxHops));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "server-shutdown"));
        server.awaitStop();
        return 0;
    }
}
