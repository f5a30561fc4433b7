package com.neilalexander.jnacl.crypto;

import io.director.nacl.NaclBox;

/** jnacl 1.0.0's {@code crypto_secretbox} entry points, as JeroMQ's CURVE calls them; see {@link NaclBox}. */
@SuppressWarnings({"checkstyle:TypeName", "unused"})
public final class xsalsa20poly1305 {

    private xsalsa20poly1305() {
    }

    public static int crypto_secretbox(byte[] c, byte[] m, long mlen, byte[] n, byte[] k) {
        return NaclBox.secretBox(c, m, mlen, n, k);
    }

    public static int crypto_secretbox_open(byte[] m, byte[] c, long clen, byte[] n, byte[] k) {
        return NaclBox.secretBoxOpen(m, c, clen, n, k);
    }
}
