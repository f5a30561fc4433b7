package io.director.dsl.wire;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * How file chunks are protected on the transfer port of an encrypted cluster. The transfer port
 * does not run CurveZMQ: its cipher (XSalsa20-Poly1305 in Java) made an encrypted transfer a
 * quarter as fast as a plaintext one, on the server and the nodes (docs/performance.md,
 * Transfer). Instead, each job's dispatch, which travels over the CurveZMQ job port, carries a
 * random key for that node and job (the job's {@code transfer_key}); the node signs each chunk
 * request with it (HMAC-SHA256), and the server seals each chunk with it (AES-256-GCM or
 * ChaCha20-Poly1305, a random nonce per chunk, the chunk's header as associated data), so
 * only that node can read the bytes and nobody can change them or their header unnoticed.
 * Requests and headers name a file by a {@linkplain #handle keyed hash} of its path, never the path.
 * <p>
 * Two subkeys are derived from the job's key (HKDF-Expand, RFC 5869, with the random key as the
 * pseudorandom key), one to sign requests, one to seal chunks. The ciphers are the JDK's.
 * AES-256-GCM comes from the system's NSS library through the JDK's PKCS#11 provider when it
 * can be loaded (Debian's and Red Hat's Java depend on it): that runs at gigabytes a second also
 * in a JVM with the quick compiler only, as nodes run, where the JDK's own AES-GCM manages
 * about 14 MB/s. A node without it asks for ChaCha20-Poly1305, the JDK's own, which is faster
 * than that there.
 */
public final class ChunkCipher {

    /** AES with a 256-bit key in Galois/Counter Mode, 128-bit tag. */
    public static final String AES_256_GCM = "AES-256-GCM";
    /** RFC 8439's ChaCha20 and Poly1305, 128-bit tag. */
    public static final String CHACHA20_POLY1305 = "ChaCha20-Poly1305";
    /** Every cipher a node may ask for, the preferred first. */
    public static final List<String> CIPHERS = List.of(AES_256_GCM, CHACHA20_POLY1305);
    public static final int KEY_BYTES = 32;
    public static final int NONCE_BYTES = 12;
    /** What sealing adds to a chunk's bytes. */
    public static final int TAG_BYTES = 16;

    private static final Logger LOG = Logger.getLogger(ChunkCipher.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final byte[] SIGNING = "director transfer 1: requests".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEALING = "director transfer 1: chunks".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FILE = "director file 1".getBytes(StandardCharsets.US_ASCII);
    /** The request fields a signature covers, after this prefix, each length-prefixed. */
    private static final byte[] REQUEST = "director chunk_request 1".getBytes(StandardCharsets.US_ASCII);

    private final String cipher;
    private final SecretKeySpec signingKey;
    private final SecretKeySpec sealingKey;

    private ChunkCipher(String cipher, SecretKeySpec signingKey, SecretKeySpec sealingKey) {
        this.cipher = cipher;
        this.signingKey = signingKey;
        this.sealingKey = sealingKey;
    }

    /**
     * The cipher for a job's transfer key.
     *
     * @param cipher one of {@link #CIPHERS}
     * @param key    the job's {@code transfer_key} as it travels (see {@link #newKey()})
     * @throws IllegalArgumentException naming what is wrong with either
     */
    public static ChunkCipher of(String cipher, String key) {
        requireKnown(cipher);
        byte[] bytes;
        try {
            bytes = DECODER.decode(Objects.requireNonNull(key, "key"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a transfer key is " + KEY_BYTES + " bytes in URL-safe base64");
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalArgumentException("a transfer key is " + KEY_BYTES + " bytes in URL-safe base64");
        }
        return new ChunkCipher(cipher, new SecretKeySpec(expand(bytes, SIGNING), "HmacSHA256"),
                new SecretKeySpec(expand(bytes, SEALING), algorithm(cipher)));
    }

    /**
     * The same key with another of {@link #CIPHERS}, without deriving the subkeys again (the
     * server keeps one per grant and seals every chunk of it this way; a provider may also keep
     * what it made of the key, e.g. NSS its key object).
     */
    public ChunkCipher as(String other) {
        if (cipher.equals(other)) {
            return this;
        }
        requireKnown(other);
        return new ChunkCipher(other, signingKey, new SecretKeySpec(sealingKey.getEncoded(), algorithm(other)));
    }

    private static void requireKnown(String cipher) {
        if (!CIPHERS.contains(cipher)) {
            throw new IllegalArgumentException("unknown cipher '" + cipher + "' (known: " + String.join(", ", CIPHERS)
                    + ")");
        }
    }

    private static String algorithm(String cipher) {
        return AES_256_GCM.equals(cipher) ? "AES" : "ChaCha20";
    }

    /** A new random transfer key, in URL-safe base64 without padding (43 characters). */
    public static String newKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return ENCODER.encodeToString(key);
    }

    /** A new random nonce for one chunk, as the header carries it. */
    public static String newNonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return ENCODER.encodeToString(nonce);
    }

    /** The cipher a node asks for: AES-256-GCM where the JDK can run it natively, else ChaCha20-Poly1305. */
    public static String preferred() {
        return Native.PROVIDER.isPresent() ? AES_256_GCM : CHACHA20_POLY1305;
    }

    /** Which implementation seals and opens with {@code cipher} in this JVM, for logs. */
    public static String implementation(String cipher) {
        return AES_256_GCM.equals(cipher) && Native.PROVIDER.isPresent()
                ? Native.PROVIDER.get().getName() : "the JDK's own";
    }

    public String cipher() {
        return cipher;
    }

    /**
     * What a request and a chunk call a file of the job instead of its path, so the path never
     * crosses the wire: {@code ~} and 22 characters (128 bits) of HMAC-SHA256, keyed with the
     * signing key, over {@code director file 1} and the path. The server computes it for each
     * file it grants.
     */
    public String handle(String source) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(signingKey);
            mac.update(FILE);
            byte[] digest = mac.doFinal(source.getBytes(StandardCharsets.UTF_8));
            return "~" + ENCODER.encodeToString(java.util.Arrays.copyOf(digest, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot name a file: " + e.getMessage(), e);
        }
    }

    /** The signature of a request (its {@code mac}): HMAC-SHA256 over every field but the signature. */
    public String sign(Message.ChunkRequest request) {
        return ENCODER.encodeToString(mac(request));
    }

    /** Whether {@code request} carries the signature of this key; compared in constant time. */
    public boolean verify(Message.ChunkRequest request) {
        if (request.mac() == null) {
            return false;
        }
        byte[] given;
        try {
            given = DECODER.decode(request.mac());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(mac(request), given);
    }

    /**
     * Seals a chunk's bytes: those {@code plaintext} has remaining (read; a direct buffer is read
     * in place by a native provider).
     *
     * @param nonce  the header's {@code nonce}, new for each chunk ({@link #newNonce()})
     * @param header the chunk's header exactly as sent: authenticated with the bytes
     * @return the bytes encrypted, followed by the {@link #TAG_BYTES}-byte tag
     */
    public byte[] seal(String nonce, byte[] header, ByteBuffer plaintext) {
        try {
            Cipher c = init(Cipher.ENCRYPT_MODE, nonce);
            c.updateAAD(header);
            byte[] sealed = new byte[plaintext.remaining() + TAG_BYTES];
            int written = c.doFinal(plaintext, ByteBuffer.wrap(sealed));
            return written == sealed.length ? sealed : java.util.Arrays.copyOf(sealed, written);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a chunk with " + cipher + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a sealed chunk into {@code plaintext} (from its position; it needs room for the
     * sealed bytes, tag included, as some providers write through it).
     *
     * @throws GeneralSecurityException when the bytes or the header are not what the server sealed
     *                                  with this key, or the nonce is not one
     */
    public void open(String nonce, byte[] header, ByteBuffer sealed, ByteBuffer plaintext)
            throws GeneralSecurityException {
        Cipher c = init(Cipher.DECRYPT_MODE, nonce);
        c.updateAAD(header);
        c.doFinal(sealed, plaintext);
    }

    private Cipher init(int mode, String nonce) throws GeneralSecurityException {
        byte[] iv;
        try {
            // A header without one (from a peer that is not the server, or broken) is refused like a wrong one.
            iv = nonce == null ? new byte[0] : DECODER.decode(nonce);
        } catch (IllegalArgumentException e) {
            iv = new byte[0];
        }
        if (iv.length != NONCE_BYTES) {
            throw new AEADBadTagException("the nonce is not " + NONCE_BYTES + " bytes in URL-safe base64");
        }
        Cipher c;
        if (AES_256_GCM.equals(cipher)) {
            c = Native.PROVIDER.isPresent() ? Cipher.getInstance("AES/GCM/NoPadding", Native.PROVIDER.get())
                    : Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, sealingKey, new GCMParameterSpec(TAG_BYTES * 8, iv));
        } else {
            c = Cipher.getInstance("ChaCha20-Poly1305");
            c.init(mode, sealingKey, new IvParameterSpec(iv));
        }
        return c;
    }

    private byte[] mac(Message.ChunkRequest request) {
        ByteArrayOutputStream fields = new ByteArrayOutputStream(128 + request.source().length());
        try (DataOutputStream out = new DataOutputStream(fields)) {
            out.write(REQUEST);
            for (String field : new String[] {request.node(), request.jobId(), request.source(), request.cipher()}) {
                if (field == null) {
                    out.writeInt(-1);
                } else {
                    byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(bytes.length);
                    out.write(bytes);
                }
            }
            out.writeLong(request.offset());
            out.writeInt(request.length());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a stream in memory
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(signingKey);
            return mac.doFinal(fields.toByteArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a chunk request: " + e.getMessage(), e);
        }
    }

    /** HKDF-Expand (RFC 5869) of one block: the random key is already a uniform pseudorandom key. */
    private static byte[] expand(byte[] key, byte[] info) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(info);
            mac.update((byte) 1);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this Java: " + e.getMessage(), e);
        }
    }

    /**
     * The JDK's PKCS#11 provider over NSS, when this system has NSS and it can run AES-256-GCM;
     * loaded once, at the first use (about 40 ms), never on a node that transfers nothing.
     * {@code -Ddirector.transfer.native=false} leaves it out (tests of the other path).
     */
    private static final class Native {
        static final Optional<Provider> PROVIDER = load();

        private static Optional<Provider> load() {
            if ("false".equals(System.getProperty("director.transfer.native"))) {
                return Optional.empty();
            }
            try {
                Provider pkcs11 = java.security.Security.getProvider("SunPKCS11");
                if (pkcs11 == null) {
                    return Optional.empty();
                }
                Provider nss = pkcs11.configure("--name=Director-NSS\nnssDbMode=noDb\nattributes=compatibility\n");
                // Proves it works, and that it opens what it sealed.
                byte[] key = new byte[KEY_BYTES];
                byte[] iv = new byte[NONCE_BYTES];
                RANDOM.nextBytes(key);
                RANDOM.nextBytes(iv);
                SecretKeySpec spec = new SecretKeySpec(key, "AES");
                Cipher seal = Cipher.getInstance("AES/GCM/NoPadding", nss);
                seal.init(Cipher.ENCRYPT_MODE, spec, new GCMParameterSpec(TAG_BYTES * 8, iv));
                byte[] sealed = seal.doFinal(SEALING);
                Cipher open = Cipher.getInstance("AES/GCM/NoPadding");
                open.init(Cipher.DECRYPT_MODE, spec, new GCMParameterSpec(TAG_BYTES * 8, iv));
                if (!MessageDigest.isEqual(open.doFinal(sealed), SEALING)) {
                    return Optional.empty();
                }
                return Optional.of(nss);
            } catch (GeneralSecurityException | RuntimeException | LinkageError e) {
                LOG.fine(() -> "no native AES-GCM (NSS through PKCS#11): " + e);
                return Optional.empty();
            }
        }
    }
}
