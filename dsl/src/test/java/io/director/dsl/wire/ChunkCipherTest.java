package io.director.dsl.wire;

import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.Test;

import javax.crypto.AEADBadTagException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkCipherTest {

    static final List<String> CIPHERS = ChunkCipher.CIPHERS;

    private static final Message.ChunkRequest REQUEST =
            new Message.ChunkRequest("web-1", "job-1", "/srv/app.conf", 262144, 1000);

    @ParameterizedTest
    @FieldSource("CIPHERS")
    void opensWhatItSealedWithTheSameHeader(String cipher) throws Exception {
        ChunkCipher key = ChunkCipher.of(cipher, ChunkCipher.newKey());
        byte[] bytes = random(100_000);
        String nonce = ChunkCipher.newNonce();
        byte[] header = header(nonce);

        byte[] sealed = key.seal(nonce, header, ByteBuffer.wrap(bytes));

        assertEquals(bytes.length + ChunkCipher.TAG_BYTES, sealed.length);
        assertFalse(Arrays.equals(bytes, Arrays.copyOf(sealed, bytes.length)), "the bytes are encrypted");
        assertArrayEquals(bytes, open(key, nonce, header, sealed));
        // Direct buffers, as the node receives chunks.
        ByteBuffer in = ByteBuffer.allocateDirect(sealed.length).put(sealed).flip();
        ByteBuffer out = ByteBuffer.allocateDirect(sealed.length);
        key.open(nonce, header, in, out);
        out.flip();
        byte[] opened = new byte[out.remaining()];
        out.get(opened);
        assertArrayEquals(bytes, opened);
    }

    @ParameterizedTest
    @FieldSource("CIPHERS")
    void refusesChangedBytesAChangedHeaderAnotherNonceOrAnotherKey(String cipher) {
        String encoded = ChunkCipher.newKey();
        ChunkCipher key = ChunkCipher.of(cipher, encoded);
        byte[] bytes = random(5000);
        String nonce = ChunkCipher.newNonce();
        byte[] header = header(nonce);
        byte[] sealed = key.seal(nonce, header, ByteBuffer.wrap(bytes));

        byte[] flipped = sealed.clone();
        flipped[1234] ^= 1;
        assertThrows(AEADBadTagException.class, () -> open(key, nonce, header, flipped));
        byte[] otherHeader = header.clone();
        otherHeader[10] ^= 1;
        assertThrows(AEADBadTagException.class, () -> open(key, nonce, otherHeader, sealed));
        assertThrows(AEADBadTagException.class, () -> open(key, ChunkCipher.newNonce(), header, sealed));
        assertThrows(AEADBadTagException.class, () -> open(ChunkCipher.of(cipher, ChunkCipher.newKey()), nonce,
                header, sealed));
        assertThrows(AEADBadTagException.class, () -> open(key, "not-a-nonce", header, sealed));
        assertThrows(AEADBadTagException.class, () -> open(key, null, header, sealed));
        byte[] truncated = Arrays.copyOf(sealed, sealed.length - 1);
        assertThrows(AEADBadTagException.class, () -> open(key, nonce, header, truncated));
        // the right ones still open
        assertTrue(Arrays.equals(bytes, assertDoesNotThrow(() -> open(ChunkCipher.of(cipher, encoded), nonce, header,
                sealed))));
    }

    @Test
    void aFileIsNamedByAHandleOfItsPathThatOnlyTheKeyGives() {
        String key = ChunkCipher.newKey();
        String handle = ChunkCipher.of(ChunkCipher.AES_256_GCM, key).handle("/srv/secrets/db.password");

        assertEquals(handle, ChunkCipher.of(ChunkCipher.CHACHA20_POLY1305, key).handle("/srv/secrets/db.password"));
        assertTrue(handle.matches("~[A-Za-z0-9_-]{22}"), handle);
        assertNotEquals(handle, ChunkCipher.of(ChunkCipher.AES_256_GCM, key).handle("/srv/secrets/db.passwore"));
        assertNotEquals(handle, ChunkCipher.of(ChunkCipher.AES_256_GCM, ChunkCipher.newKey())
                .handle("/srv/secrets/db.password"));
    }

    @ParameterizedTest
    @FieldSource("CIPHERS")
    void theSameKeyAsAnotherCipherIsThatCipherWithThatKey(String cipher) throws Exception {
        String encoded = ChunkCipher.newKey();
        byte[] bytes = random(3000);
        String nonce = ChunkCipher.newNonce();
        byte[] header = header(nonce);
        for (String from : CIPHERS) {
            ChunkCipher as = ChunkCipher.of(from, encoded).as(cipher);
            assertEquals(cipher, as.cipher());
            byte[] sealed = as.seal(nonce, header, ByteBuffer.wrap(bytes));
            assertArrayEquals(bytes, open(ChunkCipher.of(cipher, encoded), nonce, header, sealed));
            assertTrue(ChunkCipher.of(cipher, encoded).verify(REQUEST.signed(as)), "the same signing key");
        }
        assertEquals("unknown cipher 'RC4' (known: AES-256-GCM, ChaCha20-Poly1305)", assertThrows(
                IllegalArgumentException.class, () -> ChunkCipher.of(cipher, encoded).as("RC4")).getMessage());
    }

    @Test
    void aNewNonceAndANewKeyEachTime() {
        assertNotEquals(ChunkCipher.newNonce(), ChunkCipher.newNonce());
        assertNotEquals(ChunkCipher.newKey(), ChunkCipher.newKey());
        assertEquals(43, ChunkCipher.newKey().length());
    }

    @Test
    void aSignatureCoversEveryFieldOfTheRequest() {
        ChunkCipher key = ChunkCipher.of(ChunkCipher.AES_256_GCM, ChunkCipher.newKey());
        Message.ChunkRequest signed = REQUEST.signed(key);

        assertEquals(ChunkCipher.AES_256_GCM, signed.cipher());
        assertTrue(key.verify(signed));
        String cipher = signed.cipher();
        String mac = signed.mac();
        List<Message.ChunkRequest> changed = List.of(
                new Message.ChunkRequest("web-2", "job-1", "/srv/app.conf", 262144, 1000, cipher, mac),
                new Message.ChunkRequest("web-1", "job-2", "/srv/app.conf", 262144, 1000, cipher, mac),
                new Message.ChunkRequest("web-1", "job-1", "/srv/app.con", 262144, 1000, cipher, mac),
                new Message.ChunkRequest("web-1", "job-1", "/srv/app.conf", 0, 1000, cipher, mac),
                new Message.ChunkRequest("web-1", "job-1", "/srv/app.conf", 262144, 999, cipher, mac),
                new Message.ChunkRequest("web-1", "job-1", "/srv/app.conf", 262144, 1000,
                        ChunkCipher.CHACHA20_POLY1305, mac),
                new Message.ChunkRequest("web-1", "job-1", "/srv/app.conf", 262144, 1000, cipher, null),
                new Message.ChunkRequest("web-1", "job-1", "/srv/app.conf", 262144, 1000, cipher, "%%%"),
                // fields moved between neighbours: the lengths keep them apart
                new Message.ChunkRequest("web-1j", "ob-1", "/srv/app.conf", 262144, 1000, signed.cipher(),
                        signed.mac()));
        for (Message.ChunkRequest request : changed) {
            assertFalse(key.verify(request), "accepted " + request);
        }
        assertFalse(ChunkCipher.of(ChunkCipher.AES_256_GCM, ChunkCipher.newKey()).verify(signed), "another key");
    }

    @Test
    void anUnknownCipherOrABadKeyIsRefusedNamingWhat() {
        IllegalArgumentException cipher = assertThrows(IllegalArgumentException.class,
                () -> ChunkCipher.of("DES", ChunkCipher.newKey()));
        assertEquals("unknown cipher 'DES' (known: AES-256-GCM, ChaCha20-Poly1305)", cipher.getMessage());
        for (String bad : new String[] {"short", "!!!!", ChunkCipher.newKey() + "AAAA"}) {
            IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                    () -> ChunkCipher.of(ChunkCipher.AES_256_GCM, bad));
            assertEquals("a transfer key is 32 bytes in URL-safe base64", key.getMessage());
        }
    }

    @Test
    void theKeyTravelsWithTheJobButIsNeverPrinted() throws Exception {
        JobDefinition definition = new JobDefinition("ADD", Map.of(), "/srv/app.conf /etc/app.conf");
        String key = ChunkCipher.newKey();
        Job job = new Job("job-1", "job-1", null, definition, Fingerprint.of(definition), Job.MAIN_QUEUE,
                List.of(new TransferFile("/srv/app.conf", 10, "ab".repeat(32), 0644))).withTransferKey(key);

        Job back = ((Message.Dispatch) WireCodec.decode(WireCodec.encode(new Message.Dispatch(job)))).job();

        assertEquals(key, back.transferKey());
        assertEquals(job, back);
        assertFalse(job.toString().contains(key), job.toString());
        String submitted = new String(WireCodec.encode(new Message.Dispatch(job.withTransferKey(null))),
                StandardCharsets.UTF_8);
        assertFalse(submitted.contains("transfer_key"), submitted);
    }

    @Test
    void aPlaintextRequestAndChunkCarryNoCipherFields() throws Exception {
        String request = new String(WireCodec.encode(REQUEST), StandardCharsets.UTF_8);
        String chunk = new String(WireCodec.encode(new Message.Chunk("job-1", "/srv/a", 0, 5, 7, null)),
                StandardCharsets.UTF_8);
        for (String field : new String[] {"cipher", "mac", "nonce"}) {
            assertFalse(request.contains(field) || chunk.contains(field), request + " " + chunk);
        }
        Message.ChunkRequest signed = REQUEST.signed(ChunkCipher.of(ChunkCipher.CHACHA20_POLY1305,
                ChunkCipher.newKey()));
        assertEquals(signed, WireCodec.decode(WireCodec.encode(signed)));
    }

    private static byte[] open(ChunkCipher key, String nonce, byte[] header, byte[] sealed)
            throws GeneralSecurityException {
        ByteBuffer out = ByteBuffer.allocate(sealed.length);
        key.open(nonce, header, ByteBuffer.wrap(sealed), out);
        return Arrays.copyOf(out.array(), out.position());
    }

    private static <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> supplier) {
        return org.junit.jupiter.api.Assertions.assertDoesNotThrow(supplier);
    }

    private static byte[] header(String nonce) {
        return WireCodec.encode(new Message.Chunk("job-1", "/srv/app.conf", 0, 5000, 12345, null, nonce));
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
