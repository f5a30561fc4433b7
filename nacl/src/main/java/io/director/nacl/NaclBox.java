package io.director.nacl;

import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.util.Arrays;
import org.bouncycastle.util.Pack;

import java.security.SecureRandom;

/**
 * NaCl's {@code crypto_box} (Curve25519, XSalsa20, Poly1305) and {@code crypto_secretbox}, with
 * NaCl's calling convention: a message starts with {@link #ZERO_BYTES} zero bytes, a box with
 * {@link #BOX_ZERO_BYTES}, and every function returns 0 on success and -1 on failure. Every
 * primitive is Bouncy Castle's; this class only composes them as NaCl does (the HSalsa20 key
 * derivation, the one-time Poly1305 key taken from the first 32 bytes of the stream).
 */
public final class NaclBox {

    public static final int PUBLIC_KEY_BYTES = 32;
    public static final int SECRET_KEY_BYTES = 32;
    public static final int BEFORENM_BYTES = 32;
    public static final int NONCE_BYTES = 24;
    public static final int ZERO_BYTES = 32;
    public static final int BOX_ZERO_BYTES = 16;

    private static final int TAG_BYTES = 16;
    /** "expand 32-byte k", Salsa20's constant words. */
    private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    private static final byte[] HSALSA_ZERO_NONCE = new byte[16];
    private static final SecureRandom RANDOM = new SecureRandom();

    private NaclBox() {
    }

    /** A fresh key pair; the secret key is clamped as X25519 uses it. */
    public static int keyPair(byte[] publicKey, byte[] secretKey) {
        X25519.generatePrivateKey(RANDOM, secretKey);
        X25519.generatePublicKey(secretKey, 0, publicKey, 0);
        return 0;
    }

    public static int publicKey(byte[] publicKey, byte[] secretKey) {
        X25519.scalarMultBase(secretKey, 0, publicKey, 0);
        return 0;
    }

    /**
     * The key {@code crypto_box} derives from one side's secret and the other's public key.
     * Unlike NaCl, a public key of small order (an all-zero shared secret) fails, as libsodium's
     * does, so that a peer cannot force a known key.
     */
    public static int beforeNm(byte[] key, byte[] publicKey, byte[] secretKey) {
        byte[] shared = new byte[32];
        try {
            if (!X25519.calculateAgreement(secretKey, 0, publicKey, 0, shared, 0)) {
                return -1;
            }
            hsalsa20(key, HSALSA_ZERO_NONCE, shared);
            return 0;
        } finally {
            Arrays.fill(shared, (byte) 0);
        }
    }

    public static int box(byte[] box, byte[] message, long length, byte[] nonce, byte[] publicKey,
                          byte[] secretKey) {
        byte[] key = new byte[BEFORENM_BYTES];
        try {
            return beforeNm(key, publicKey, secretKey) == 0 ? secretBox(box, message, length, nonce, key) : -1;
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    public static int boxOpen(byte[] message, byte[] box, long length, byte[] nonce, byte[] publicKey,
                              byte[] secretKey) {
        byte[] key = new byte[BEFORENM_BYTES];
        try {
            return beforeNm(key, publicKey, secretKey) == 0 ? secretBoxOpen(message, box, length, nonce, key) : -1;
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Encrypts {@code message[32..length)} into {@code box[32..length)}, its tag into {@code box[16..32)}. */
    public static int secretBox(byte[] box, byte[] message, long length, byte[] nonce, byte[] key) {
        if (length < ZERO_BYTES || length > message.length || length > box.length) {
            return -1;
        }
        int n = (int) length;
        stream(key, nonce).processBytes(message, 0, n, box, 0);
        // NaCl authenticates with the stream's first 32 bytes, which the zero prefix left in box.
        byte[] tag = poly1305(box, 0, box, ZERO_BYTES, n - ZERO_BYTES);
        System.arraycopy(tag, 0, box, BOX_ZERO_BYTES, TAG_BYTES);
        Arrays.fill(box, 0, BOX_ZERO_BYTES, (byte) 0);
        return 0;
    }

    /** Checks the tag of {@code box} and only then decrypts it; -1 (and nothing written) when it is wrong. */
    public static int secretBoxOpen(byte[] message, byte[] box, long length, byte[] nonce, byte[] key) {
        if (length < ZERO_BYTES || length > box.length || length > message.length) {
            return -1;
        }
        int n = (int) length;
        XSalsa20Engine stream = stream(key, nonce);
        byte[] oneTimeKey = new byte[32];
        stream.processBytes(new byte[32], 0, 32, oneTimeKey, 0);
        byte[] tag = poly1305(oneTimeKey, 0, box, ZERO_BYTES, n - ZERO_BYTES);
        Arrays.fill(oneTimeKey, (byte) 0);
        if (!Arrays.constantTimeAreEqual(TAG_BYTES, tag, 0, box, BOX_ZERO_BYTES)) {
            return -1;
        }
        stream.processBytes(box, ZERO_BYTES, n - ZERO_BYTES, message, ZERO_BYTES);
        Arrays.fill(message, 0, ZERO_BYTES, (byte) 0);
        return 0;
    }

    private static XSalsa20Engine stream(byte[] key, byte[] nonce) {
        XSalsa20Engine engine = new XSalsa20Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(key, 0, 32), nonce, 0, NONCE_BYTES));
        return engine;
    }

    private static byte[] poly1305(byte[] key, int keyOffset, byte[] data, int offset, int length) {
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(key, keyOffset, 32));
        mac.update(data, offset, length);
        byte[] tag = new byte[TAG_BYTES];
        mac.doFinal(tag, 0);
        return tag;
    }

    /**
     * HSalsa20: the Salsa20 core without its final addition, words 0, 5, 10, 15, 6, 7, 8, 9.
     * Bouncy Castle's core adds the input back, so it is subtracted here (as its XSalsa20 does).
     */
    static void hsalsa20(byte[] out, byte[] nonce16, byte[] key) {
        int[] input = new int[16];
        input[0] = SIGMA[0];
        Pack.littleEndianToInt(key, 0, input, 1, 4);
        input[5] = SIGMA[1];
        Pack.littleEndianToInt(nonce16, 0, input, 6, 4);
        input[10] = SIGMA[2];
        Pack.littleEndianToInt(key, 16, input, 11, 4);
        input[15] = SIGMA[3];
        int[] x = new int[16];
        Salsa20Engine.salsaCore(20, input, x);
        int[] words = {0, 5, 10, 15, 6, 7, 8, 9};
        for (int i = 0; i < words.length; i++) {
            Pack.intToLittleEndian(x[words[i]] - input[words[i]], out, i * 4);
        }
        Arrays.fill(input, 0);
        Arrays.fill(x, 0);
    }
}
