package io.director.dsl.wire;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A CurveZMQ key pair as Z85 text (40 characters each), the form JeroMQ and the zcert key files
 * use. Keys are made by JeroMQ, derived by Bouncy Castle (HKDF-SHA256, then X25519), and never
 * printed: {@link #toString()} hides the secret.
 */
public record CurveKeys(String publicKey, String secretKey) {

    private static final Pattern Z85_KEY = Pattern.compile("[0-9a-zA-Z.\\-:+=^!/*?&<>()\\[\\]{}@%$#]{40}");
    private static final byte[] SERVER_KEY_INFO = "director server curve key v1".getBytes(StandardCharsets.UTF_8);

    public CurveKeys {
        requireKey(publicKey, "public key");
        requireKey(secretKey, "secret key");
    }

    /** A fresh random key pair. */
    public static CurveKeys generate() {
        ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
        return new CurveKeys(pair.publicKey, pair.secretKey);
    }

    /**
     * The server's key pair derived from the cluster's shared key, so that a client that knows
     * the shared key knows the server's public key without being told: anyone with the shared
     * key can compute it (and so could pose as the server), which docs/security.md states.
     */
    public static CurveKeys derivedFrom(String sharedKey) {
        Objects.requireNonNull(sharedKey, "sharedKey");
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(sharedKey.getBytes(StandardCharsets.UTF_8), null, SERVER_KEY_INFO));
        byte[] secret = new byte[X25519PrivateKeyParameters.KEY_SIZE];
        hkdf.generateBytes(secret, 0, secret.length);
        byte[] publicKey = new X25519PrivateKeyParameters(secret, 0).generatePublicKey().getEncoded();
        return new CurveKeys(ZMQ.Curve.z85Encode(publicKey), ZMQ.Curve.z85Encode(secret));
    }

    /** The raw 32 bytes of the public key. */
    public byte[] publicKeyBytes() {
        return ZMQ.Curve.z85Decode(publicKey);
    }

    /** The raw 32 bytes of the secret key. */
    public byte[] secretKeyBytes() {
        return ZMQ.Curve.z85Decode(secretKey);
    }

    public String fingerprint() {
        return fingerprint(publicKey);
    }

    /** Whether the text is a Z85 CurveZMQ key (40 characters of the Z85 alphabet). */
    public static boolean isKey(String text) {
        return text != null && Z85_KEY.matcher(text).matches();
    }

    /**
     * What operators compare and type: the hex SHA-256 of the raw public key, which, unlike Z85,
     * has no character a shell would interpret.
     */
    public static String fingerprint(String publicKeyZ85) {
        requireKey(publicKeyZ85, "public key");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(ZMQ.Curve.z85Decode(publicKeyZ85));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The first 16 hex digits of a fingerprint, as tables show it. */
    public static String shortFingerprint(String publicKeyZ85) {
        return fingerprint(publicKeyZ85).substring(0, 16);
    }

    private static void requireKey(String key, String what) {
        if (!isKey(key)) {
            throw new IllegalArgumentException("not a CurveZMQ " + what + " (40 Z85 characters expected)");
        }
    }

    @Override
    public String toString() {
        return "CurveKeys[public=" + publicKey + ", secret=(hidden)]";
    }
}
