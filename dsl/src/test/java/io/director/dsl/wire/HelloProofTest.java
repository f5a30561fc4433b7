package io.director.dsl.wire;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelloProofTest {

    private static final String KEY = "cluster-secret";
    private static final String NONCE = "00112233445566778899aabbccddeeff";
    private static final String CLIENT_KEY = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";

    @Test
    void verifyAcceptsWhatComputeProduces() {
        String proof = HelloProof.compute(KEY, "web-1", "m-1", NONCE, CLIENT_KEY);
        assertTrue(HelloProof.verify(KEY, "web-1", "m-1", NONCE, CLIENT_KEY, proof));
    }

    @Test
    void aProofIsBoundToTheClientKey() {
        String proof = HelloProof.compute(KEY, "web-1", "m-1", NONCE, CLIENT_KEY);
        assertFalse(HelloProof.verify(KEY, "web-1", "m-1", NONCE, CurveKeys.generate().publicKey(), proof));
        assertFalse(HelloProof.verify(KEY, "web-1", "m-1", NONCE, null, proof));
    }

    @Test
    void isTheHmacSha256OfIdentityMachineAndNonce() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(
                mac.doFinal(("director-hello\0web-1\0m-1\0" + NONCE + "\0" + CLIENT_KEY).getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, HelloProof.compute(KEY, "web-1", "m-1", NONCE, CLIENT_KEY));
    }

    @Test
    void rejectsAProofMadeWithAnotherKey() {
        String proof = HelloProof.compute("other-key", "web-1", "m-1", NONCE, CLIENT_KEY);
        assertFalse(HelloProof.verify(KEY, "web-1", "m-1", NONCE, CLIENT_KEY, proof));
    }

    @Test
    void rejectsAProofForAnotherIdentityMachineOrNonce() {
        String proof = HelloProof.compute(KEY, "web-1", "m-1", NONCE, CLIENT_KEY);
        assertFalse(HelloProof.verify(KEY, "web-2", "m-1", NONCE, CLIENT_KEY, proof));
        assertFalse(HelloProof.verify(KEY, "web-1", "m-2", NONCE, CLIENT_KEY, proof));
        assertFalse(HelloProof.verify(KEY, "web-1", "m-1", HelloProof.newNonce(), CLIENT_KEY, proof));
    }

    @Test
    void rejectsAMissingProofOrNonce() {
        assertFalse(HelloProof.verify(KEY, "web-1", "m-1", NONCE, CLIENT_KEY, null));
        String proof = HelloProof.compute(KEY, "web-1", "m-1", NONCE, CLIENT_KEY);
        assertFalse(HelloProof.verify(KEY, "web-1", "m-1", null, CLIENT_KEY, proof));
        assertFalse(HelloProof.verify(KEY, "web-1", "m-1", NONCE, CLIENT_KEY, ""));
    }

    @Test
    void makesFreshHexNonces() {
        String first = HelloProof.newNonce();
        assertTrue(first.matches("[0-9a-f]{32}"), first);
        assertNotEquals(first, HelloProof.newNonce());
    }
}
