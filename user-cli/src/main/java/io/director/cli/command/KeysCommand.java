package io.director.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.director.cli.ApiClient;
import io.director.dsl.wire.WireCodec;
import io.director.server.api.ApiReply;
import io.director.server.api.ApiRequest;
import io.director.server.node.NodeKeys;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine;

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
final class KeysCommand implements Runnable, DirectorSubcommand {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private final CommandSpec spec = Options.command(this, "keys",
            "List node keys and accept, reject or delete them (enrolment).");

    private final DirectorCommand root;

    KeysCommand(DirectorCommand root) {
        this.root = root;
        spec.addSubcommand("list", new ListKeys(this).spec);
        spec.addSubcommand("accept", new Change(this, "accept",
                "Accept a node's pending (or rejected) key: the node is enrolled at its next hello.").spec);
        spec.addSubcommand("reject", new Change(this, "reject",
                "Reject a node's keys: it is removed, its open jobs fail, and it is refused from now on.").spec);
        spec.addSubcommand("delete", new Change(this, "delete",
                "Forget a node's keys: it is removed; when it says hello again its key is pending anew.").spec);
    }

    @Override
    public CommandSpec spec() {
        return spec;
    }

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

    /** {@code keys list}. */
    static final class ListKeys implements Callable<Integer>, JsonAware {

        private final CommandSpec spec = Options.command(this, "list",
                "The server's public key, then every node key: identity, state, fingerprint, last seen.");

        private final KeysCommand keys;

        private final JsonOption json = JsonOption.addTo(spec);

        ListKeys(KeysCommand keys) {
            this.keys = keys;
        }

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

    /** accept, reject and delete: the node, an optional fingerprint, --json. */
    static final class Change implements Callable<Integer>, JsonAware {

        private final CommandSpec spec;

        private final KeysCommand keys;

        private final String action;

        private final JsonOption json;

        private final PositionalParamSpec identity = Options.parameter("0", "IDENTITY", "The node.").build();

        private final OptionSpec fingerprint = Options.value("--key", String.class, "FINGERPRINT",
                "The key's fingerprint (or its first hex digits), when the node has several.").build();

        Change(KeysCommand keys, String action, String description) {
            this.keys = keys;
            this.action = action;
            spec = Options.command(this, action, description);
            json = JsonOption.addTo(spec);
            spec.addPositional(identity);
            spec.addOption(fingerprint);
        }

        String action() {
            return action;
        }

        @Override
        public boolean json() {
            return json.enabled();
        }

        @Override
        public Integer call() throws JsonProcessingException {
            PrintWriter out = spec.commandLine().getOut();
            try (ApiClient api = ApiClient.connect(keys.root.socketPath())) {
                ApiReply.KeysChanged reply = api.call(new ApiRequest.ChangeKey(action(), identity.getValue(),
                        fingerprint.getValue()), ApiReply.KeysChanged.class);
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
}
