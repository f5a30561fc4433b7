package io.director.dsl.wire;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CurveKeysTest {

    @TempDir
    Path dir;

    @Test
    void aKeyDerivedFromASharedKeyIsStableAndDependsOnTheKey() {
        CurveKeys first = CurveKeys.derivedFrom("cluster-secret");
        assertEquals(first, CurveKeys.derivedFrom("cluster-secret"));
        assertNotEquals(first.publicKey(), CurveKeys.derivedFrom("cluster-secret2").publicKey());
        assertNotEquals(first.publicKey(), first.secretKey());
    }

    @Test
    void fingerprintsAreHexSha256AndTheSecretIsNeverPrinted() {
        CurveKeys keys = CurveKeys.generate();
        assertTrue(keys.fingerprint().matches("[0-9a-f]{64}"));
        assertEquals(keys.fingerprint().substring(0, 16), CurveKeys.shortFingerprint(keys.publicKey()));
        assertFalse(keys.toString().contains(keys.secretKey()));
    }

    @Test
    void recognisesZ85Keys() {
        assertTrue(CurveKeys.isKey(CurveKeys.generate().publicKey()));
        assertFalse(CurveKeys.isKey("/etc/director/server.pub"));
        assertFalse(CurveKeys.isKey("short"));
        assertThrows(IllegalArgumentException.class, () -> new CurveKeys("nope", "nope"));
    }

    @Test
    void aSecretFileIsMadeOnceWithMode0600AndReadBack() throws Exception {
        Path file = dir.resolve("state").resolve("client.key");
        CurveKeys made = KeyFiles.loadOrCreate(file);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        assertEquals(made, KeyFiles.loadOrCreate(file));
        assertEquals(made.publicKey(), KeyFiles.readPublic(file));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no scratch files left behind");
        }
    }

    @Test
    void aPublicFileHoldsOnlyThePublicKey() throws Exception {
        CurveKeys keys = CurveKeys.generate();
        Path file = dir.resolve("server.pub");
        KeyFiles.writePublic(file, keys.publicKey());
        assertEquals(keys.publicKey(), KeyFiles.readPublic(file));
        assertFalse(Files.readString(file).contains(keys.secretKey()));
        KeyFiles.KeyFileException notSecret = assertThrows(KeyFiles.KeyFileException.class,
                () -> KeyFiles.readSecret(file));
        assertTrue(notSecret.getMessage().startsWith(file.toString()), notSecret.getMessage());
    }

    @Test
    void aSecretFileReadableByOthersIsRefused() throws Exception {
        Path file = dir.resolve("client.key");
        KeyFiles.loadOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        KeyFiles.KeyFileException e = assertThrows(KeyFiles.KeyFileException.class, () -> KeyFiles.loadOrCreate(file));
        assertTrue(e.getMessage().contains("0600"), e.getMessage());
    }

    @Test
    void aMissingOrGarbageFileIsAClearError() throws Exception {
        assertTrue(assertThrows(KeyFiles.KeyFileException.class, () -> KeyFiles.readPublic(dir.resolve("none")))
                .getMessage().contains("no such key file"));
        Path garbage = dir.resolve("garbage");
        Files.writeString(garbage, "this is not a key\n");
        assertTrue(assertThrows(KeyFiles.KeyFileException.class, () -> KeyFiles.readPublic(garbage))
                .getMessage().startsWith(garbage + ": "));
    }
}
