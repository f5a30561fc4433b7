package io.director.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.director.cli.command.DirectorCommand;
import io.director.dsl.wire.NodeReport;
import io.director.dsl.wire.WireCodec;
import io.director.server.api.ApiFraming;
import io.director.server.api.ApiReply;
import io.director.server.api.ApiRequest;
import io.director.server.node.NodeKeys;
import io.director.server.node.NodeView;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run whose loaded classes bin/director lists ({@code -XX:DumpLoadedClassList}) and dumps
 * into the static class-data sharing archive of user commands ({@code -Xshare:dump}): it loads
 * the classes a CLI command needs — every sub-command's model and help, the typical command
 * lines up to their connection, the JSON readers and writers of every API request and reply —
 * so later commands map them already parsed and verified instead of reading them from the jar.
 * The commands talk to a stand-in on a socket of its own, which answers the listings with a
 * sample node and a sample key and anything else with an error: so printing a table (its
 * formatting and string concatenations, each linked at its first use) is in the archive too,
 * which took about 20 ms off a command listing one node (docs/performance.md). It writes nothing
 * outside a temporary directory.
 */
public final class CdsTraining {

    /** Typical command lines: each runs to the end against the stand-in server. */
    private static final List<List<String>> COMMANDS = List.of(
            List.of("manage", "--list-nodes"),
            List.of("manage", "--list-nodes", "--json"),
            List.of("manage", "--list-jobs"),
            List.of("manage", "--job-info", "0123456789abcdef"),
            List.of("manage", "--list-workloads"),
            List.of("exec", "--verb", "RUN", "--wait", "echo hello"),
            List.of("exec", "--verb", "ECHO", "--json", "hello"),
            List.of("keys", "list"),
            List.of("destroy", "project"),
            List.of("version"));

    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path empty = Files.createTempDirectory("director-cds");
        Path socket = empty.resolve("training.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread standIn = new Thread(() -> answer(server), "training-server");
            standIn.setDaemon(true);
            standIn.start();
            train(socket.toString());
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(empty);
        }
    }

    /** Answers each request on each connection until the socket closes. */
    private static void answer(ServerSocketChannel server) {
        ObjectMapper json = WireCodec.mapper();
        long now = System.currentTimeMillis();
        NodeReport report = new NodeReport(2, 8L << 30, 5L << 30, 40L << 30, 0.25, NodeReport.Limits.NONE,
                List.of(new NodeReport.Workload(NodeReport.Workload.JAIL, "web-1", "running", "shop", 256L << 20, 1, 0)));
        NodeView node = new NodeView("node-1", "alive", 21.5, "0.0.0", "0123456789abcdef", Map.of("role", "web"),
                now - 8_500, now - 3_600_000, Map.of("jail_driver", "linux-namespaces", "vm_driver", "qemu"), report);
        NodeKeys.KeyView key = new NodeKeys.KeyView("node-1", "accepted", "key", "0123456789abcdef", "0123456789abcdef",
                "127.0.0.1", now - 3_600_000, now - 8_500);
        while (server.isOpen()) {
            try (SocketChannel connection = server.accept()) {
                byte[] frame;
                while ((frame = ApiFraming.read(connection, 1 << 20)) != null) {
                    ApiRequest request = json.readValue(frame, ApiRequest.class);
                    Object reply = request instanceof ApiRequest.ListNodes ? new ApiReply.Nodes(List.of(node))
                            : request instanceof ApiRequest.ListKeys ? new ApiReply.Keys(true, "key", "0123456789abcdef", List.of(key))
                            : new ApiReply.Failure("not answered while training", ApiReply.Failure.NOT_FOUND);
                    ApiFraming.write(connection, json.writeValueAsBytes(reply));
                }
            } catch (IOException | RuntimeException e) {
                // the socket closed, or a request this stand-in does not read: the next connection
            }
        }
    }

    private static void train(String socket) throws InterruptedException {
        // What Main.main does first for a command that talks to the server.
        Main.prepareServerCommand().join();
        PrintWriter sink = new PrintWriter(new OutputStreamWriter(OutputStream.nullOutputStream(), StandardCharsets.UTF_8));
        CommandLine whole = DirectorCommand.commandLine(sink, sink);
        for (CommandLine sub : whole.getSubcommands().values()) {
            sub.getUsageMessage();
        }
        for (List<String> command : COMMANDS) {
            List<String> line = new ArrayList<>(command);
            line.add("--socket-path");
            line.add(socket);
            Main.run(line.toArray(String[]::new), Map.of(), sink, new PrintWriter(Writer.nullWriter()));
        }
        ObjectMapper json = WireCodec.mapper();
        json.writerFor(ApiRequest.class);
        json.readerFor(ApiRequest.class);
        for (Class<?> type : ApiReply.class.getDeclaredClasses()) {
            if (type.isRecord()) {
                json.readerFor(type);
                json.writerFor(type);
                try {
                    json.treeToValue(json.readTree("{}"), type);
                } catch (IOException | RuntimeException e) {
                    // only the classes count
                }
            }
        }
    }
}
