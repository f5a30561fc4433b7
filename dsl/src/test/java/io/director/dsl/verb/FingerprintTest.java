package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FingerprintTest {

    private static String fingerprint(String arguments) throws DslException {
        return Fingerprint.of(JobParser.standard().parse("RUN", arguments));
    }

    @Test
    void isFiftySixLowerCaseHexCharacters() throws DslException {
        String fingerprint = fingerprint("echo hi");
        assertEquals(56, fingerprint.length());
        assertTrue(fingerprint.matches("[0-9a-f]{56}"), fingerprint);
    }

    @Test
    void isTheSha3224OfTheCanonicalJson() throws Exception {
        byte[] canonical = "{\"options\":{\"retry\":2,\"timeout\":5},\"payload\":\"echo hi\",\"verb\":\"RUN\"}"
                .getBytes(StandardCharsets.UTF_8);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA3-224").digest(canonical));
        assertEquals(expected, fingerprint("--timeout 5 --retry 2 echo hi"));
    }

    @Test
    void isTheSameForTheSameDefinition() throws DslException {
        assertEquals(fingerprint("--timeout 5 echo hi"), fingerprint("--timeout=5 echo hi"));
        JobDefinition definition = JobParser.standard().parse("run", "echo hi");
        assertEquals(Fingerprint.of(definition), Fingerprint.of(definition, new RunVerb()));
    }

    @Test
    void doesNotDependOnTheOrderOptionsWereWritten() throws DslException {
        assertEquals(fingerprint("--timeout 5 --retry 2 echo hi"), fingerprint("--retry 2 --timeout 5 echo hi"));
    }

    @Test
    void isUnchangedBySkipCacheAndName() throws DslException {
        String plain = fingerprint("echo hi");
        assertEquals(plain, fingerprint("--skip-cache echo hi"));
        assertEquals(plain, fingerprint("--name greeting echo hi"));
        assertEquals(plain, fingerprint("--skip-cache --name=greeting echo hi"));
    }

    @Test
    void changesWithThePayload() throws DslException {
        assertNotEquals(fingerprint("echo hi"), fingerprint("echo ho"));
        assertNotEquals(fingerprint("echo hi"), fingerprint("echo 'hi'"));
    }

    @Test
    void changesWithOptionsThatChangeWhatTheJobDoes() throws DslException {
        String plain = fingerprint("echo hi");
        assertNotEquals(plain, fingerprint("--timeout 5 echo hi"));
        assertNotEquals(plain, fingerprint("--run-once echo hi"));
        assertNotEquals(plain, fingerprint("--retry 1 echo hi"));
        assertNotEquals(plain, fingerprint("--stdout-arg out_txt echo hi"));
        assertNotEquals(fingerprint("--timeout 5 echo hi"), fingerprint("--timeout 6 echo hi"));
    }

    @Test
    void defaultTimeoutEqualsNoTimeout() throws DslException {
        assertEquals(fingerprint("echo hi"), fingerprint("--timeout 600 echo hi"));
    }

    @Test
    void treatsIntegerAndLongCountsAlike() throws DslException {
        // a definition read back from JSON holds Integer where the parser made Long
        JobDefinition decoded = new JobDefinition("RUN", Map.of("timeout", 5), "echo hi");
        assertEquals(fingerprint("--timeout 5 echo hi"), Fingerprint.of(decoded));
    }

    @Test
    void refusesADefinitionOfAnUnknownVerb() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fingerprint.of(new JobDefinition("FETCH", Map.of(), "x")));
        assertEquals("unknown verb FETCH", e.getMessage());
    }
}
