package io.director.cli.command;

import io.director.cli.CliException;
import io.director.cli.ExitCodes;
import io.director.cli.LogSetup;
import io.director.client.ClientConfig;
import io.director.client.DirectorClient;
import io.director.client.ServerKeys;
import io.director.client.cache.NodeCache;
import io.director.dsl.verb.Sizes;
import io.director.dsl.wire.KeyFiles;
import io.director.dsl.wire.NodeReport;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;

/** {@code director client}: runs the node daemon until SIGTERM, SIGINT or a refusal by the server. */
final class ClientCommand implements Callable<Integer>, DirectorSubcommand {

    private final CommandSpec spec = Options.command(this, "client",
            "Run the node daemon: connect to the server, heartbeat, run jobs.");

    private final DirectorCommand root;

    private final ClusterOptions cluster = ClusterOptions.addTo(spec);

    private final OptionSpec serverAddress = Options.value("--server-address", String.class, "HOST",
            "Server to connect to (default: ${DEFAULT-VALUE}).").defaultValue("127.0.0.1").build();

    private final OptionSpec identity = Options.value("--identity", String.class, "NAME",
            "This node's name (default: the host name).").build();

    private final OptionSpec cachePath = Options.value("--cache-path", Path.class, "DIR",
            "The node's cache and state (default: ${DEFAULT-VALUE}).").defaultValue("/var/cache/director").build();

    private final OptionSpec serverKey = Options.value("--server-key", String.class, "KEY|FILE",
            "The server's public key (40 Z85 characters) or a file holding it (the server's server.pub);"
                    + " default: derived from --shared-key, else the key pinned in the cache path.").build();

    private final OptionSpec labels = OptionSpec.builder("--labels").type(Map.class)
            .auxiliaryTypes(String.class, String.class).paramLabel("K=V[,K=V…]").splitRegex(",")
            .description("Labels used for placement.").build();

    private final OptionSpec maxJails = Options.value("--max-jails", int.class, "N",
            "Jails this node takes at most; a create past it is refused and the server forwards it "
                    + "(default: no limit).").defaultValue("-1").build();

    private final OptionSpec maxVms = Options.value("--max-vms", int.class, "N",
            "VMs this node takes at most (default: no limit).").defaultValue("-1").build();

    private final OptionSpec reserveMemory = Options.value("--reserve-memory", String.class, "SIZE",
            "Memory a new jail or VM must leave free, e.g. 512M (default: 0).").defaultValue("0").build();

    private final OptionSpec reserveDisk = Options.value("--reserve-disk", String.class, "SIZE",
            "Disk under --cache-path a new VM must leave free, e.g. 2G (default: 0).").defaultValue("0").build();

    ClientCommand(DirectorCommand root) {
        this.root = root;
        spec.addOption(serverAddress);
        spec.addOption(identity);
        spec.addOption(cachePath);
        spec.addOption(serverKey);
        spec.addOption(labels);
        spec.addOption(maxJails);
        spec.addOption(maxVms);
        spec.addOption(reserveMemory);
        spec.addOption(reserveDisk);
    }

    @Override
    public CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws InterruptedException {
        LogSetup.configure(root.debug() ? Level.FINE : Level.INFO);
        int maxJails = this.maxJails.getValue();
        int maxVms = this.maxVms.getValue();
        String identity = this.identity.getValue();
        NodeReport.Limits limits = new NodeReport.Limits(maxJails < 0 ? -1 : maxJails, maxVms < 0 ? -1 : maxVms,
                size("--reserve-memory", reserveMemory.getValue()), size("--reserve-disk", reserveDisk.getValue()));
        DirectorClient client = new DirectorClient(new ClientConfig(serverAddress.getValue(), cluster.jobPort(),
                cluster.transferPort(), identity == null ? hostName() : identity, cachePath.getValue(),
                new LinkedHashMap<>(Options.map(labels)), cluster.sharedKey(), cluster.heartbeatInterval(),
                serverKey.getValue(), cluster.encrypted(), limits));
        try {
            client.start();
        } catch (ServerKeys.ServerKeyException e) {
            client.close();
            throw new CliException(ExitCodes.REFUSED, e.getMessage());
        } catch (KeyFiles.KeyFileException | NodeCache.CacheHeldException e) {
            client.close();
            throw new CliException(ExitCodes.FAILED, e.getMessage());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(client::close, "client-shutdown"));
        String refusal = client.awaitStop();
        if (refusal != null) {
            CommandLine commandLine = spec.commandLine();
            commandLine.getErr().println("director client: refused by the server: " + refusal);
            commandLine.getErr().flush();
            return ExitCodes.REFUSED;
        }
        return ExitCodes.OK;
    }

    private static long size(String option, String value) {
        long bytes = Sizes.bytes(value.trim());
        if (bytes < 0) {
            throw new CliException(ExitCodes.INVALID_INPUT, "option '" + option + "' needs a size such as 512M or 2G, "
                    + "got '" + value + "'");
        }
        return bytes;
    }

    private static String hostName() {
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                String name = Files.readString(kernel).trim();
                if (!name.isEmpty()) {
                    return name;
                }
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
