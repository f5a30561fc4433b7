package com.neilalexander.jnacl.crypto;

import io.director.nacl.NaclBox;

/**
 * The entry points of jnacl 1.0.0 that JeroMQ's CURVE mechanism calls, under the same name and
 * signatures, answered by {@link NaclBox} (Bouncy Castle). jnacl itself is excluded from the
 * build: its Curve25519 took milliseconds per call, several calls per handshake.
 */
@SuppressWarnings({"checkstyle:TypeName", "unused"})
public final class curve25519xsalsa20poly1305 {

    public static final int crypto_secretbox_PUBLICKEYBYTES = NaclBox.PUBLIC_KEY_BYTES;
    public static final int crypto_secretbox_SECRETKEYBYTES = NaclBox.SECRET_KEY_BYTES;
    public static final int crypto_secretbox_BEFORENMBYTES = NaclBox.BEFORENM_BYTES;
    public static final int crypto_secretbox_NONCEBYTES = NaclBox.NONCE_BYTES;
    public static final int crypto_secretbox_ZEROBYTES = NaclBox.ZERO_BYTES;
    public static final int crypto_secretbox_BOXZEROBYTES = NaclBox.BOX_ZERO_BYTES;

    private curve25519xsalsa20poly1305() {
    }

    public static int crypto_box_getpublickey(byte[] pk, byte[] sk) {
        return NaclBox.publicKey(pk, sk);
    }

    public static int crypto_box_keypair(byte[] pk, byte[] sk) {
        return NaclBox.keyPair(pk, sk);
    }

    public static int crypto_box_beforenm(byte[] k, byte[] pk, byte[] sk) {
        return NaclBox.beforeNm(k, pk, sk);
    }

    public static int crypto_box_afternm(byte[] c, byte[] m, long mlen, byte[] n, byte[] k) {
        return NaclBox.secretBox(c, m, mlen, n, k);
    }

    public static int crypto_box_afternm(byte[] c, byte[] m, byte[] n, byte[] k) {
        return NaclBox.secretBox(c, m, m.length, n, k);
    }

    public static int crypto_box_open_afternm(byte[] m, byte[] c, long clen, byte[] n, byte[] k) {
        return NaclBox.secretBoxOpen(m, c, clen, n, k);
    }

    public static int crypto_box_open_afternm(byte[] m, byte[] c, byte[] n, byte[] k) {
        return NaclBox.secretBoxOpen(m, c, c.length, n, k);
    }

    public static int crypto_box(byte[] c, byte[] m, long mlen, byte[] n, byte[] pk, byte[] sk) {
        return NaclBox.box(c, m, mlen, n, pk, sk);
    }

    public static int crypto_box(byte[] c, byte[] m, byte[] n, byte[] pk, byte[] sk) {
        return NaclBox.box(c, m, m.length, n, pk, sk);
    }

    public static int crypto_box_open(byte[] m, byte[] c, long clen, byte[] n, byte[] pk, byte[] sk) {
        return NaclBox.boxOpen(m, c, clen, n, pk, sk);
    }

    public static int crypto_box_open(byte[] m, byte[] c, byte[] n, byte[] pk, byte[] sk) {
        return NaclBox.boxOpen(m, c, c.length, n, pk, sk);
    }
}
