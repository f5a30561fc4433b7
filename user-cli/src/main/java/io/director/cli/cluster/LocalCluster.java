package io.director.cli.cluster;

import io.director.cli.ApiClient;
import io.director.cli.CliException;
import io.director.server.api.ApiReply;
import io.director.server.api.ApiRequest;
import io.director.server.node.NodeView;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server and clients on loopback, each a real {@code director} process started from this
 * JVM's own java and class path, with state in one directory. Used by {@code director
 * quickstart} and by the end-to-end tests, which also kill and restart its processes.
 */
public final class LocalCluster implements AutoCloseable {

    private static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m");

    private final Path dir;
    private final int jobPort;
    private final int transferPort;
    private final double heartbeatSeconds;
    private final List<String> serverArgs;
    private final List<String> launcher;
    /** The cluster key given to the server and to clients started without keys of their own, or null. */
    private final String sharedKey;
    /** The server's SQLite file: in the cluster directory unless a test puts it elsewhere. */
    private Path datastore;
    private Process server;
    private final Map<String, Process> clients = new LinkedHashMap<>();
    private final List<Process> launched = new ArrayList<>();

    public LocalCluster(Path dir, double heartbeatSeconds, List<String> serverArgs) {
        this(dir, heartbeatSeconds, serverArgs, null);
    }

    /**
     * @param launcher the command that starts {@code director} (for instance the installation's
     *                 {@code bin/director}, with its own JVM flags per mode); null: this JVM's
     *                 java and class path with small-heap flags, as the tests run it
     */
    public LocalCluster(Path dir, double heartbeatSeconds, List<String> serverArgs, List<String> launcher) {
        this.launcher = launcher == null ? null : List.copyOf(launcher);
        this.dir = dir;
        this.heartbeatSeconds = heartbeatSeconds;
        this.serverArgs = List.copyOf(serverArgs);
        // Encrypted by default, enrolled by a fresh shared key: the nodes of a local cluster accept themselves.
        this.sharedKey = serverArgs.contains("--shared-key") || serverArgs.contains("--encryption") ? null
                : java.util.HexFormat.of().formatHex(randomBytes(24));
        this.datastore = dir.resolve("server.db");
        this.jobPort = freePort();
        this.transferPort = freePort();
    }

    public Path dir() {
        return dir;
    }

    public Path socketPath() {
        return dir.resolve("director.sock");
    }

    /** Keeps the server's datastore at {@code file} from the next server start on (e.g. on a small file system). */
    public void useDatastore(Path file) {
        this.datastore = file;
    }

    public int jobPort() {
        return jobPort;
    }

    public int transferPort() {
        return transferPort;
    }

    /** Starts the server and waits until its CLI socket answers. */
    public void startServer(long timeoutMillis) {
        List<String> args = new ArrayList<>(List.of("server", "--bind-address", "127.0.0.1",
                "--job-port", Integer.toString(jobPort), "--transfer-port", Integer.toString(transferPort),
                "--socket-path", socketPath().toString(), "--datastore", "sqlite:" + datastore,
                "--heartbeat-interval", Double.toString(heartbeatSeconds)));
        args.addAll(serverArgs);
        if (sharedKey != null) {
            args.addAll(List.of("--shared-key", sharedKey));
        }
        server = launch(args, dir.resolve("server.log"));
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            try (ApiClient api = ApiClient.connect(socketPath())) {
                api.call(new ApiRequest.ListNodes(), ApiReply.Nodes.class);
                return;
            } catch (CliException e) {
                if (!server.isAlive()) {
                    throw new IllegalStateException("the server exited with " + server.exitValue() + "; see "
                            + dir.resolve("server.log"));
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the server did not open " + socketPath() + " in time");
                }
                sleep(50);
            }
        }
    }

    /** Starts a client named {@code identity} with its cache under the cluster directory. */
    public Process startClient(String identity, List<String> extraArgs) {
        return startClient(identity, dir.resolve("nodes").resolve(identity), dir.resolve(identity + ".log"), extraArgs);
    }

    /** Starts a client with its own cache path (another installation) and log file. */
    public Process startClient(String identity, Path cachePath, Path log, List<String> extraArgs) {
        return startClient(identity, cachePath, log, jobPort, transferPort, extraArgs);
    }

    /** Starts a client that reaches the job and transfer ports at other ports (a test's proxies in between). */
    public Process startClient(String identity, Path cachePath, Path log, int viaJobPort, int viaTransferPort,
                               List<String> extraArgs) {
        List<String> args = new ArrayList<>(List.of("client", "--server-address", "127.0.0.1",
                "--job-port", Integer.toString(viaJobPort), "--transfer-port", Integer.toString(viaTransferPort),
                "--identity", identity, "--cache-path", cachePath.toString(),
                "--heartbeat-interval", Double.toString(heartbeatSeconds)));
        args.addAll(extraArgs);
        if (sharedKey != null && !extraArgs.contains("--shared-key") && !extraArgs.contains("--server-key")
                && !extraArgs.contains("--encryption")) {
            args.addAll(List.of("--shared-key", sharedKey));
        }
        Process process = launch(args, log);
        clients.merge(identity, process, (first, second) -> first.isAlive() ? first : second);
        return process;
    }

    /** The cluster's shared key (made for it unless the server arguments set their own), or null. */
    public String sharedKey() {
        return sharedKey;
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /** Waits until these nodes are listed alive. */
    public List<NodeView> awaitNodes(List<String> identities, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            List<NodeView> nodes = nodes();
            long alive = nodes.stream().filter(n -> n.state().equals("alive") && identities.contains(n.identity()))
                    .count();
            if (alive == identities.size()) {
                return nodes;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("nodes not alive in time: wanted " + identities + ", have " + nodes);
            }
            sleep(50);
        }
    }

    public List<NodeView> nodes() {
        try (ApiClient api = ApiClient.connect(socketPath())) {
            return api.call(new ApiRequest.ListNodes(), ApiReply.Nodes.class).nodes();
        }
    }

    public Process server() {
        return server;
    }

    public Process client(String identity) {
        return clients.get(identity);
    }

    /** SIGKILL to the server, as a crash. */
    public void killServer() throws InterruptedException {
        server.destroyForcibly();
        server.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGKILL to a client, as a crash. */
    public void killClient(String identity) throws InterruptedException {
        Process process = clients.get(identity);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private Process launch(List<String> args, Path log) {
        List<String> command = new ArrayList<>();
        if (launcher != null) {
            command.addAll(launcher);
        } else {
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.addAll(JVM_FLAGS);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add("io.director.cli.Main");
        }
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // The children are configured by their arguments alone, whatever this shell exports.
        builder.environment().keySet().removeIf(k -> k.startsWith("DIRECTOR_"));
        try {
            Files.createDirectories(dir);
            Process process = builder.start();
            launched.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + args.get(0), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** SIGTERM to every process, SIGKILL to any still running 10 s later. */
    @Override
    public void close() {
        List<Process> all = new ArrayList<>(launched);
        all.forEach(Process::destroy);
        for (Process process : all) {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
