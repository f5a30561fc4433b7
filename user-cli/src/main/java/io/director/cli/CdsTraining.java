package io.director.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.director.cli.command.DirectorCommand;
import io.director.dsl.wire.WireCodec;
import io.director.server.api.ApiReply;
import io.director.server.api.ApiRequest;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
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
 * It talks to no server and writes nothing itself.
 */
public final class CdsTraining {

    /** Typical command lines; each stops at the unreachable socket, after parsing and validating. */
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

    public static void main(String[] args) throws IOException {
        Path empty = Files.createTempDirectory("director-cds");
        try {
            train(empty);
        } finally {
            Files.deleteIfExists(empty);
        }
    }

    private static void train(Path empty) {
        PrintWriter sink = new PrintWriter(Writer.nullWriter());
        CommandLine whole = DirectorCommand.commandLine(sink, sink);
        for (CommandLine sub : whole.getSubcommands().values()) {
            sub.getUsageMessage();
        }
        String socket = empty.resolve("no-server.sock").toString();
        for (List<String> command : COMMANDS) {
            List<String> line = new ArrayList<>(command);
            line.add("--socket-path");
            line.add(socket);
            Main.run(line.toArray(String[]::new), Map.of(), sink, new PrintWriter(new StringWriter()));
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
