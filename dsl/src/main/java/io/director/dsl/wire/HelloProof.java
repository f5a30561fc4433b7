package io.director.dsl.wire;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Proof that a node knows the cluster's shared key without sending it: the hex HMAC-SHA256,
 * under the key, of the hello's identity, machine id, a fresh random nonce and the node's
 * CurveZMQ public key (empty without encryption), so a proof seen once is worth nothing to a
 * connection holding another key.
 */
public final class HelloProof {

    private static final SecureRandom RANDOM = new SecureRandom();

    private HelloProof() {
    }

    public static String newNonce() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return HexFormat.of().formatHex(nonce);
    }

    public static String compute(String sharedKey, String identity, String machineId, String nonce,
                                 String clientKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(sharedKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String material = "director-hello\0" + identity + "\0" + machineId + "\0" + nonce + "\0"
                    + (clientKey == null ? "" : clientKey);
            return HexFormat.of().formatHex(mac.doFinal(material.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Constant-time check of a proof. */
    public static boolean verify(String sharedKey, String identity, String machineId, String nonce,
                                 String clientKey, String proof) {
        if (proof == null || nonce == null) {
            return false;
        }
        byte[] expected = compute(sharedKey, identity, machineId, nonce, clientKey).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, proof.getBytes(StandardCharsets.UTF_8));
    }
}
