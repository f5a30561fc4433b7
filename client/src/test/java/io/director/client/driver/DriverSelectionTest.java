package io.director.client.driver;

import io.director.client.cache.NodeCache;
import io.director.client.driver.jail.JailDrivers;
import io.director.client.driver.vm.VmDrivers;
import io.director.client.exec.ProcessRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which drivers a FreeBSD host gets (os.name faked only around the selection; appjail and vm-bhyve
 * are not on this host's PATH).
 */
class DriverSelectionTest {

    @TempDir
    Path dir;
    private final String os = System.getProperty("os.name");

    @AfterEach
    void restore() {
        System.setProperty("os.name", os);
    }

    @Test
    void freeBsdGetsJailAndSaysVmBhyveIsMissing() throws Exception {
        // the node cache (SQLite) loads its native library by os.name: open it under the real name first
        try (NodeCache cache = NodeCache.open(dir.resolve("cache")); ProcessRunner processes = new ProcessRunner()) {
            System.setProperty("os.name", "FreeBSD");
            assertEquals(CommandRunner.onPath("appjail") ? "appjail" : "freebsd-jail",
                    JailDrivers.forThisHost(dir, cache, processes).name());
            var vms = VmDrivers.forThisHost(dir, cache, processes);
            if (!CommandRunner.onPath("vm")) {
                assertEquals("none", vms.name());
                var e = assertThrows(Exception.class, () -> vms.list());
                assertTrue(e.getMessage().contains("vm-bhyve"), e.getMessage());
            }
        }
    }

    @Test
    void onPathFindsAProgramOfThePath() {
        assertTrue(CommandRunner.onPath("sh"));
        assertEquals(false, CommandRunner.onPath("no-such-program-director"));
    }
}
