package io.director.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.director.cli.ApiClient;
import io.director.dsl.wire.WireCodec;
import io.director.server.api.ApiReply;
import io.director.server.api.ApiRequest;
import io.director.server.node.NodeKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

/**
 * {@code director keys}: enrolment of nodes by their CurveZMQ keys, like {@code salt-key}. A new
 * node's key is pending until accepted here (or accepted at once when the node proves the
 * cluster's shared key).
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "List node keys and accept, reject or delete them (enrolment).",
        subcommands = {KeysCommand.ListKeys.class, KeysCommand.Accept.class, KeysCommand.Reject.class,
                KeysCommand.Delete.class})
final class KeysCommand implements Runnable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @ParentCommand
    DirectorCommand root;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name an action: list, accept, reject or delete");
    }

    private static void print(PrintWriter out, boolean json, Object document, Runnable text)
            throws JsonProcessingException {
        if (json) {
            out.println(WireCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(document));
        } else {
            text.run();
        }
        out.flush();
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "The server's public key, then every node key: identity, state, fingerprint, last seen.")
    static final class ListKeys implements Callable<Integer>, JsonAware {

        @Spec
        CommandSpec spec;

        @ParentCommand
        KeysCommand keys;

        @Mixin
        JsonOption json;

        @Override
        public boolean json() {
            return json.enabled();
        }

        @Override
        public Integer call() throws JsonProcessingException {
            PrintWriter out = spec.commandLine().getOut();
            try (ApiClient api = ApiClient.connect(keys.root.socketPath())) {
                ApiReply.Keys reply = api.call(new ApiRequest.ListKeys(), ApiReply.Keys.class);
                print(out, json.enabled(), reply, () -> text(out, reply));
            }
            return 0;
        }

        private static void text(PrintWriter out, ApiReply.Keys reply) {
            if (!reply.encrypted()) {
                out.println("encryption is off on this server (--encryption none): nodes have no keys");
                return;
            }
            out.println("server key: " + reply.serverKey() + "  (fingerprint " + reply.serverFingerprint() + ")");
            String format = "%-24s %-9s %-17s %-16s %s%n";
            out.printf(format, "IDENTITY", "STATE", "FINGERPRINT", "ADDRESS", "LAST SEEN (UTC)");
            for (NodeKeys.KeyView key : reply.keys()) {
                out.printf(format, key.identity(), key.state(), key.fingerprint().substring(0, 16),
                        key.address() == null ? "-" : key.address(), TIME.format(Instant.ofEpochMilli(key.lastSeen())));
            }
            if (reply.keys().isEmpty()) {
                out.println("(no node keys yet)");
            }
        }
    }

    /** What accept, reject and delete share: the node, an optional fingerprint, --json. */
    abstract static class Change implements Callable<Integer>, JsonAware {

        @Spec
        CommandSpec spec;

        @ParentCommand
        KeysCommand keys;

        @Mixin
        JsonOption json;

        @Parameters(index = "0", paramLabel = "IDENTITY", description = "The node.")
        String identity;

        @Option(names = "--key", paramLabel = "FINGERPRINT",
                description = "The key's fingerprint (or its first hex digits), when the node has several.")
        String fingerprint;

        abstract String action();

        @Override
        public boolean json() {
            return json.enabled();
        }

        @Override
        public Integer call() throws JsonProcessingException {
            PrintWriter out = spec.commandLine().getOut();
            try (ApiClient api = ApiClient.connect(keys.root.socketPath())) {
                ApiReply.KeysChanged reply = api.call(new ApiRequest.ChangeKey(action(), identity, fingerprint),
                        ApiReply.KeysChanged.class);
                print(out, json.enabled(), reply, () -> {
                    for (NodeKeys.KeyView key : reply.keys()) {
                        out.println(key.state().equals(NodeKeys.PENDING) || action().equals("delete")
                                ? "deleted the key of '" + key.identity() + "' (fingerprint "
                                        + key.fingerprint().substring(0, 16) + ", was " + key.state() + ")"
                                : key.state() + " the key of '" + key.identity() + "' (fingerprint "
                                        + key.fingerprint().substring(0, 16) + ")");
                    }
                });
            }
            return 0;
        }
    }

    @Command(name = "accept", mixinStandardHelpOptions = true,
            description = "Accept a node's pending (or rejected) key: the node is enrolled at its next hello.")
    static final class Accept extends Change {
        @Override
        String action() {
            return "accept";
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = "Reject a node's keys: it is removed, its open jobs fail, and it is refused from now on.")
    static final class Reject extends Change {
        @Override
        String action() {
            return "reject";
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Forget a node's keys: it is removed; when it says hello again its key is pending anew.")
    static final class Delete extends Change {
        @Override
        String action() {
            return "delete";
        }
    }
}
