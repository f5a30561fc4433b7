package io.director.cli.command;

import io.director.cli.LogSetup;
import io.director.dsl.wire.Limits;
import io.director.server.DirectorServer;
import io.director.server.ServerConfig;
import picocli.CommandLine.Command;
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

    @Option(names = "--bind-address", paramLabel = "ADDR", defaultValue = "*",
            description = "Address the ZeroMQ sockets bind (default: ${DEFAULT-VALUE}).")
    String bindAddress;

    @Option(names = "--job-port", paramLabel = "N", defaultValue = "5555",
            description = "ROUTER port for jobs, results and heartbeats (default: ${DEFAULT-VALUE}).")
    int jobPort;

    @Option(names = "--transfer-port", paramLabel = "N", defaultValue = "5556",
            description = "ROUTER port for file transfer (default: ${DEFAULT-VALUE}).")
    int transferPort;

    @Option(names = "--socket-group", paramLabel = "NAME",
            description = "Group allowed to use the CLI socket (mode 0660; default: the owner's group).")
    String socketGroup;

    @Option(names = "--datastore", paramLabel = "URL", defaultValue = "sqlite:/var/lib/director/server.db",
            description = "Where nodes, jobs and results are kept (default: ${DEFAULT-VALUE}).")
    String datastore;

    @Option(names = "--heartbeat-interval", paramLabel = "S", defaultValue = "10",
            description = "Seconds between node heartbeats; a node missing 3 is expired (default: ${DEFAULT-VALUE}).")
    double heartbeatInterval;

    @Option(names = "--shared-key", paramLabel = "KEY", description = "Cluster key that nodes must prove they know.")
    String sharedKey;

    @Option(names = "--output-cap", paramLabel = "BYTES", defaultValue = "" + Limits.DEFAULT_OUTPUT_CAP,
            description = "Bytes of stdout and of stderr kept per job and node (default: ${DEFAULT-VALUE}).")
    int outputCap;

    @Override
    public Integer call() throws InterruptedException {
        LogSetup.configure(root.debug() ? Level.FINE : Level.INFO);
        DirectorServer server = new DirectorServer(new ServerConfig(bindAddress, jobPort, transferPort,
                root.socketPath(), socketGroup, datastore, heartbeatInterval, sharedKey, outputCap));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "server-shutdown"));
        server.awaitStop();
        return 0;
    }
}
