package io.director.cli.command;

import io.director.cli.CliException;
import io.director.cli.ExitCodes;
import io.director.cli.LogSetup;
import io.director.client.ClientConfig;
import io.director.client.DirectorClient;
import io.director.client.ServerKeys;
import io.director.dsl.verb.Sizes;
import io.director.dsl.wire.KeyFiles;
import io.director.dsl.wire.NodeReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;

/** {@code director client}: runs the node daemon until SIGTERM, SIGINT or a refusal by the server. */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "Run the node daemon: connect to the server, heartbeat, run jobs.")
final class ClientCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    DirectorCommand root;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--server-address", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Server to connect to (default: ${DEFAULT-VALUE}).")
    String serverAddress;

    @Option(names = "--identity", paramLabel = "NAME", description = "This node's name (default: the host name).")
    String identity;

    @Option(names = "--cache-path", paramLabel = "DIR", defaultValue = "/var/cache/director",
            description = "The node's cache and state (default: ${DEFAULT-VALUE}).")
    Path cachePath;

    @Option(names = "--server-key", paramLabel = "KEY|FILE",
            description = "The server's public key (40 Z85 characters) or a file holding it (the server's server.pub);"
                    + " default: derived from --shared-key, else the key pinned in the cache path.")
    String serverKey;

    @Option(names = "--labels", paramLabel = "K=V[,K=V…]", split = ",", description = "Labels used for placement.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--max-jails", paramLabel = "N", defaultValue = "-1",
            description = "Jails this node takes at most; a create past it is refused and the server forwards it "
                    + "(default: no limit).")
    int maxJails;

    @Option(names = "--max-vms", paramLabel = "N", defaultValue = "-1",
            description = "VMs this node takes at most (default: no limit).")
    int maxVms;

    @Option(names = "--reserve-memory", paramLabel = "SIZE", defaultValue = "0",
            description = "Memory a new jail or VM must leave free, e.g. 512M (default: 0).")
    String reserveMemory;

    @Option(names = "--reserve-disk", paramLabel = "SIZE", defaultValue = "0",
            description = "Disk under --cache-path a new VM must leave free, e.g. 2G (default: 0).")
    String reserveDisk;

    @Override
    public Integer call() throws InterruptedException {
        LogSetup.configure(root.debug() ? Level.FINE : Level.INFO);
        NodeReport.Limits limits = new NodeReport.Limits(maxJails < 0 ? -1 : maxJails, maxVms < 0 ? -1 : maxVms,
                size("--reserve-memory", reserveMemory), size("--reserve-disk", reserveDisk));
        DirectorClient client = new DirectorClient(new ClientConfig(serverAddress, cluster.jobPort, cluster.transferPort,
                identity == null ? hostName() : identity, cachePath, labels, cluster.sharedKey, cluster.heartbeatInterval,
                serverKey, cluster.encryption == ClusterOptions.Encryption.curve, limits));
        try {
            client.start();
        } catch (ServerKeys.ServerKeyException e) {
            client.close();
            throw new CliException(ExitCodes.REFUSED, e.getMessage());
        } catch (KeyFiles.KeyFileException e) {
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
