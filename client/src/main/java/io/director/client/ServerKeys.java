package io.director.client;

import io.director.client.link.LinkSecurity;
import io.director.dsl.wire.CurveKeys;
import io.director.dsl.wire.KeyFiles;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's side of CurveZMQ: its own key pair (made on first start in the cache path, 0600)
 * and the server's public key, which it learns from {@code --server-key} (the key, or a file
 * holding it), or derives from the shared key, and pins in the cache path after the first
 * welcome. A later start that is told another server key refuses to run rather than talk to a
 * server it cannot tell from an impostor.
 */
public final class ServerKeys {

    /** The node's secret key file and the pinned server key, in the cache path. */
    public static final String CLIENT_KEY_FILE = "client.key";
    public static final String PINNED_SERVER_KEY_FILE = "server.pub";

    private ServerKeys() {
    }

    /** How the server's key was given, for messages. */
    private record Asked(String key, String source) {
    }

    /** Why a node will not talk to a server: told one key, pinned another, or told none. */
    public static final class ServerKeyException extends RuntimeException {
        public ServerKeyException(String message) {
            super(message);
        }
    }

    /** The node's security for this configuration: its key pair and the server key it trusts. */
    public static LinkSecurity resolve(ClientConfig config) {
        if (!config.encrypted()) {
            return LinkSecurity.plaintext();
        }
        CurveKeys keys = KeyFiles.loadOrCreate(config.cachePath().resolve(CLIENT_KEY_FILE));
        Asked asked = asked(config);
        Path pinFile = config.cachePath().resolve(PINNED_SERVER_KEY_FILE);
        String pinned = Files.exists(pinFile) ? KeyFiles.readPublic(pinFile) : null;
        if (asked != null && pinned != null && !asked.key().equals(pinned)) {
            throw new ServerKeyException("the server key " + asked.source() + " (fingerprint "
                    + CurveKeys.shortFingerprint(asked.key()) + ") is not the one this node pinned (fingerprint "
                    + CurveKeys.shortFingerprint(pinned) + ", in " + pinFile + "); if the server was given a new key "
                    + "on purpose, delete that file");
        }
        if (asked == null && pinned == null) {
            throw new ServerKeyException("no server key: give --server-key with the server's public key (or its "
                    + "server.pub file; 'director keys list' on the server prints it), or --shared-key");
        }
        return asked != null ? LinkSecurity.curve(keys, asked.key(), asked.source())
                : LinkSecurity.curve(keys, pinned, "pinned in " + pinFile);
    }

    /** After the first welcome: the server proved it holds the key, so this node pins it. */
    public static void pin(ClientConfig config, LinkSecurity security) {
        Path pinFile = config.cachePath().resolve(PINNED_SERVER_KEY_FILE);
        if (security.encrypted() && !Files.exists(pinFile)) {
            KeyFiles.writePublic(pinFile, security.serverKey());
        }
    }

    private static Asked asked(ClientConfig config) {
        String given = config.serverKey();
        if (given != null && !given.isBlank()) {
            String value = given.trim();
            // A path can be 40 characters of the Z85 alphabet too: an existing file wins.
            if (!Files.isRegularFile(Path.of(value)) && CurveKeys.isKey(value)) {
                return new Asked(value, "given by --server-key");
            }
            return new Asked(KeyFiles.readPublic(Path.of(value)), "in " + value);
        }
        if (config.sharedKey() != null && !config.sharedKey().isEmpty()) {
            return new Asked(CurveKeys.derivedFrom(config.sharedKey()).publicKey(), "derived from --shared-key");
        }
        return null;
    }
}
