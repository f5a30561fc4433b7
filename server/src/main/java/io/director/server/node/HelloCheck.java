package io.director.server.node;

import io.director.dsl.DirectorVersion;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.HelloProof;
import io.director.dsl.wire.Message;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides whether a hello may enrol: protocol version, a well-formed identity, and — when the
 * cluster has a shared key — proof that the node knows it: HMAC-SHA256 over the hello's
 * identity, machine id, a fresh nonce and the node's CurveZMQ public key, so the key itself never
 * crosses the wire and a proof is worth nothing to a connection holding another key.
 */
public final class HelloCheck {

    private static final Pattern IDENTITY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final String sharedKey;

    public HelloCheck(String sharedKey) {
        this.sharedKey = sharedKey == null || sharedKey.isEmpty() ? null : sharedKey;
    }

    /** Whether the cluster has a shared key (a hello that passed {@link #refusal} then proved it). */
    public boolean hasSharedKey() {
        return sharedKey != null;
    }

    /**
     * The reason to refuse this hello for good, or empty to go on.
     *
     * @param clientKey the connection's authenticated CurveZMQ public key, or null without encryption
     */
    public Optional<String> refusal(Message.Hello hello, String clientKey) {
        if (hello.protocol() != DirectorVersion.PROTOCOL) {
            return Optional.of("protocol " + hello.protocol() + " is not supported; this server speaks protocol "
                    + DirectorVersion.PROTOCOL + " (version " + DirectorVersion.version() + ")");
        }
        String identity = hello.identity();
        if (identity == null || identity.length() > Limits.MAX_IDENTITY_LENGTH || !IDENTITY.matcher(identity).matches()) {
            return Optional.of("invalid identity '" + identity + "': use letters, digits, '.', '_' and '-', at most "
                    + Limits.MAX_IDENTITY_LENGTH + " characters");
        }
        if (hello.machineId() == null || hello.machineId().isBlank() || hello.machineId().length() > 128) {
            return Optional.of("hello from '" + identity + "' has no valid machine id");
        }
        if (sharedKey != null) {
            if (!HelloProof.verify(sharedKey, identity, hello.machineId(), hello.nonce(), clientKey,
                    hello.keyProof())) {
                return Optional.of("shared key mismatch: node '" + identity
                        + "' did not prove the cluster's shared key (check --shared-key on both sides)");
            }
        }
        return Optional.empty();
    }
}
