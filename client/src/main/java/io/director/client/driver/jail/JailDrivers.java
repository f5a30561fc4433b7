package io.director.client.driver.jail;

import io.director.client.cache.NodeCache;
import io.director.client.exec.ProcessRunner;

import java.nio.file.Path;
import java.util.Locale;

/** Picks the jail driver for the system the client runs on; one line per system. */
public final class JailDrivers {

    private JailDrivers() {
    }

    /**
     * The driver for this host: Linux namespaces on Linux. FreeBSD ({@code jail(8)}, AppJail) is
     * to be added here; elsewhere a driver that refuses every action.
     */
    public static JailDriver forThisHost(Path cachePath, NodeCache cache, ProcessRunner processes) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            return new LinuxJailDriver(cachePath, new JailRecords(cache), processes);
        }
        return () -> "none";
    }
}
