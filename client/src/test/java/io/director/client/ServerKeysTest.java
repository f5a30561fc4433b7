package io.director.client;

import io.director.client.link.LinkSecurity;
import io.director.dsl.wire.CurveKeys;
import io.director.dsl.wire.KeyFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerKeysTest {

    @TempDir
    Path dir;

    private ClientConfig config(String serverKey, String sharedKey) {
        return new ClientConfig("127.0.0.1", 1, 2, "n1", dir.resolve("cache"), Map.of(), sharedKey, 1, serverKey, true);
    }

    @Test
    void aKeyFileWhosePathLooksLikeAKeyIsReadAsAFile() throws Exception {
        // 40 characters of the Z85 alphabet that are also an existing file's path.
        Path base = Files.createTempDirectory(Path.of("/tmp"), "k");
        try {
            int pad = 40 - base.toString().length() - "/".length() - "/server.pub".length();
            assertTrue(pad > 0, "temporary directory name too long for this test: " + base);
            Path file = base.resolve("x".repeat(pad)).resolve("server.pub");
            assertEquals(40, file.toString().length());
            assertTrue(CurveKeys.isKey(file.toString()), "the path is Z85-shaped, which is the point");
            String serverKey = CurveKeys.generate().publicKey();
            KeyFiles.writePublic(file, serverKey);

            LinkSecurity security = ServerKeys.resolve(config(file.toString(), null));

            assertEquals(serverKey, security.serverKey());
            assertEquals("in " + file, security.source());
        } finally {
            try (var paths = Files.walk(base)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void theKeyComesFromTheSharedKeyAndIsPinnedAfterAWelcome() {
        ClientConfig config = config(null, "cluster-key");
        LinkSecurity security = ServerKeys.resolve(config);
        assertEquals(CurveKeys.derivedFrom("cluster-key").publicKey(), security.serverKey());

        ServerKeys.pin(config, security);
        ServerKeys.ServerKeyException changed = assertThrows(ServerKeys.ServerKeyException.class,
                () -> ServerKeys.resolve(config(null, "another-key")));
        assertTrue(changed.getMessage().contains("is not the one this node pinned"), changed.getMessage());
        assertEquals(security.serverKey(), ServerKeys.resolve(config(null, null)).serverKey(), "the pin suffices");
    }

    @Test
    void noKeyAtAllIsAClearRefusal() {
        ServerKeys.ServerKeyException none = assertThrows(ServerKeys.ServerKeyException.class,
                () -> ServerKeys.resolve(config(null, null)));
        assertTrue(none.getMessage().startsWith("no server key: give --server-key"), none.getMessage());
    }
}
