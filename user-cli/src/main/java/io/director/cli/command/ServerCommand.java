package io.director.cli.command;

import io.director.cli.LogSetup;
import io.director.dsl.wire.Limits;
import io.director.server.DirectorServer;
import io.director.server.ServerConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.concurrent.Callable;
import java.util.logging.Level;

/** {@code director server}: runs the server until SIGTERM or SIGINT. */
final class ServerCommand implements Callable<Integer>, DirectorSubcommand {

    private final CommandSpec spec = Options.command(this, "server",
            "Run the server: node endpoint (ZeroMQ ROUTER), datastore and the CLI socket.");

    private final DirectorCommand root;

    private final ClusterOptions cluster = ClusterOptions.addTo(spec);

    private final OptionSpec bindAddress = Options.value("--bind-address", String.class, "ADDR",
            "Address the ZeroMQ sockets bind (default: ${DEFAULT-VALUE}).").defaultValue("*").build();

    private final OptionSpec socketGroup = Options.value("--socket-group", String.class, "NAME",
            "Group allowed to use the CLI socket (mode 0660; default: the owner's group).").build();

    private final OptionSpec datastore = Options.value("--datastore", String.class, "URL",
            "Where nodes, jobs and results are kept (default: ${DEFAULT-VALUE}).")
            .defaultValue("sqlite:/var/lib/director/server.db").build();

    private final OptionSpec outputCap = Options.value("--output-cap", int.class, "BYTES",
            "Bytes of stdout and of stderr kept per job and node (default: ${DEFAULT-VALUE}).")
            .defaultValue("" + Limits.DEFAULT_OUTPUT_CAP).build();

    private final OptionSpec maxHops = Options.value("--max-hops", int.class, "N",
            "How often a JAIL/VM create placed by the server is forwarded to another node after capacity "
                    + "refusals before it fails (default: ${DEFAULT-VALUE}).")
            .defaultValue("" + ServerConfig.DEFAULT_MAX_HOPS).build();

    ServerCommand(DirectorCommand root) {
        this.root = root;
        spec.addOption(bindAddress);
        spec.addOption(socketGroup);
        spec.addOption(datastore);
        spec.addOption(outputCap);
        spec.addOption(maxHops);
    }

    @Override
    public CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws InterruptedException {
        LogSetup.configure(root.debug() ? Level.FINE : Level.INFO);
        DirectorServer server = new DirectorServer(new ServerConfig(bindAddress.getValue(), cluster.jobPort(),
                cluster.transferPort(), root.socketPath(), socketGroup.getValue(), datastore.getValue(),
                cluster.heartbeatInterval(), cluster.sharedKey(), outputCap.<Integer>getValue(), cluster.encrypted(),
                maxHops.<Integer>getValue()));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "server-shutdown"));
        server.awaitStop();
        return 0;
    }
}
