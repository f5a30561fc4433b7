package io.director.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.dsl.wire.WireCodec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the real {@code director} command line in this JVM with captured stdout and stderr.
 * It talks to real servers over their real UNIX sockets.
 */
public final class CliRun {

    /** What one invocation produced. */
    public record Result(int exitCode, String out, String err) {
        public JsonNode json() {
            try {
                return WireCodec.mapper().readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("stdout is not one JSON document: " + out + "\nstderr: " + err, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private CliRun() {
    }

    public static Result run(String... args) {
        return run(Map.of(), args);
    }

    public static Result run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, environment, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /** A user command against the server behind {@code socket}. */
    public static Result against(Path socket, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--socket-path");
        all.add(socket.toString());
        return run(all.toArray(String[]::new));
    }
}
