package io.director.nacl;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class NaclBoxTest {

    private static final HexFormat HEX = HexFormat.of();

    // NaCl's own test vectors (tests/box.c, box.out, core1.c): RFC 7748's Alice and Bob.
    private static final byte[] ALICE_SK = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static final byte[] ALICE_PK = hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    private static final byte[] BOB_SK = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    private static final byte[] BOB_PK = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    private static final byte[] FIRST_KEY = hex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
    private static final byte[] NONCE = hex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
    private static final byte[] MESSAGE = hex("be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc"
            + "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa134"
            + "8057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937"
            + "763848645e0705");
    private static final byte[] BOX = hex("f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce"
            + "48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d5"
            + "1738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e"
            + "88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5");

    @Test
    void publicKeysAndTheSharedKeyAreNaclsOwn() {
        byte[] pk = new byte[32];
        NaclBox.publicKey(pk, ALICE_SK);
        assertArrayEquals(ALICE_PK, pk);
        NaclBox.publicKey(pk, BOB_SK);
        assertArrayEquals(BOB_PK, pk);
        byte[] k = new byte[32];
        assertEquals(0, NaclBox.beforeNm(k, BOB_PK, ALICE_SK));
        assertArrayEquals(FIRST_KEY, k);
        assertEquals(0, NaclBox.beforeNm(k, ALICE_PK, BOB_SK));
        assertArrayEquals(FIRST_KEY, k);
    }

    @Test
    void boxAndOpenGiveNaclsOwnBytes() {
        byte[] box = new byte[32 + MESSAGE.length];
        assertEquals(0, NaclBox.box(box, padded(MESSAGE, 32), box.length, NONCE, BOB_PK, ALICE_SK));
        assertArrayEquals(new byte[16], Arrays.copyOf(box, 16));
        assertArrayEquals(BOX, Arrays.copyOfRange(box, 16, box.length));

        byte[] opened = new byte[box.length];
        assertEquals(0, NaclBox.boxOpen(opened, padded(BOX, 16), box.length, NONCE, ALICE_PK, BOB_SK));
        assertArrayEquals(padded(MESSAGE, 32), opened);
    }

    /** Keys, nonces and messages of many lengths boxed by jnacl 1.0.0, the library this replaces. */
    @Test
    void answersWhatJnaclAnsweredForEveryLength() throws IOException {
        List<String> lines = vectors();
        assertEquals(14, lines.size());
        for (String line : lines) {
            String[] f = line.split(" ", -1);
            byte[] aliceSk = hex(f[0]), alicePk = hex(f[1]), bobSk = hex(f[2]), bobPk = hex(f[3]);
            byte[] nonce = hex(f[4]), key = hex(f[5]), body = hex(f[6]), expected = hex(f[7]);
            String what = body.length + "-byte message";

            byte[] pk = new byte[32];
            NaclBox.publicKey(pk, aliceSk);
            assertArrayEquals(alicePk, pk, what);
            byte[] k = new byte[32];
            NaclBox.beforeNm(k, bobPk, aliceSk);
            assertArrayEquals(key, k, what);

            byte[] box = new byte[32 + body.length];
            assertEquals(0, NaclBox.secretBox(box, padded(body, 32), box.length, nonce, k), what);
            assertArrayEquals(expected, Arrays.copyOfRange(box, 16, box.length), what);
            byte[] opened = new byte[box.length];
            assertEquals(0, NaclBox.boxOpen(opened, box, box.length, nonce, alicePk, bobSk), what);
            assertArrayEquals(padded(body, 32), opened, what);
        }
    }

    @Test
    void aBoxWithAnyBitChangedDoesNotOpenAndLeavesTheOutputUntouched() {
        byte[] box = padded(BOX, 16);
        for (int i = 16; i < box.length; i++) {
            byte[] tampered = box.clone();
            tampered[i] ^= 1;
            byte[] out = new byte[box.length];
            assertEquals(-1, NaclBox.boxOpen(out, tampered, tampered.length, NONCE, ALICE_PK, BOB_SK), "byte " + i);
            assertArrayEquals(new byte[box.length], out, "byte " + i);
        }
        byte[] otherNonce = NONCE.clone();
        otherNonce[23] ^= 1;
        assertEquals(-1, NaclBox.boxOpen(new byte[box.length], box, box.length, otherNonce, ALICE_PK, BOB_SK));
    }

    @Test
    void lengthsShorterThanTheZeroPrefixOrLongerThanTheArraysFail() {
        byte[] k = FIRST_KEY;
        assertEquals(-1, NaclBox.secretBox(new byte[31], new byte[31], 31, NONCE, k));
        assertEquals(-1, NaclBox.secretBoxOpen(new byte[31], new byte[31], 31, NONCE, k));
        assertEquals(-1, NaclBox.secretBox(new byte[40], new byte[40], 41, NONCE, k));
        assertEquals(0, NaclBox.secretBox(new byte[32], new byte[32], 32, NONCE, k));
    }

    @Test
    void aPublicKeyOfSmallOrderIsRefusedRatherThanYieldingAKnownKey() {
        byte[] k = new byte[32];
        assertEquals(-1, NaclBox.beforeNm(k, new byte[32], ALICE_SK));
        byte[] one = new byte[32];
        one[0] = 1;
        assertEquals(-1, NaclBox.beforeNm(k, one, ALICE_SK));
        assertEquals(-1, NaclBox.box(new byte[48], new byte[48], 48, NONCE, one, ALICE_SK));
    }

    @Test
    void freshKeyPairsAgree() {
        byte[] apk = new byte[32], ask = new byte[32], bpk = new byte[32], bsk = new byte[32];
        NaclBox.keyPair(apk, ask);
        NaclBox.keyPair(bpk, bsk);
        assertFalse(Arrays.equals(ask, bsk));
        byte[] k1 = new byte[32], k2 = new byte[32];
        NaclBox.beforeNm(k1, bpk, ask);
        NaclBox.beforeNm(k2, apk, bsk);
        assertArrayEquals(k1, k2);
        byte[] derived = new byte[32];
        NaclBox.publicKey(derived, ask);
        assertArrayEquals(apk, derived);
    }

    private static byte[] padded(byte[] body, int zeros) {
        byte[] out = new byte[zeros + body.length];
        System.arraycopy(body, 0, out, zeros, body.length);
        return out;
    }

    private static List<String> vectors() throws IOException {
        try (var in = Objects.requireNonNull(NaclBoxTest.class.getResourceAsStream("jnacl-box-vectors.txt"));
             var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private static byte[] hex(String s) {
        return HEX.parseHex(s);
    }
}
