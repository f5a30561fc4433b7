package io.director.client.driver.jail;

import io.director.client.cache.NodeCache;
import io.director.client.driver.CommandRunner;
import io.director.client.exec.ProcessRunner;

import java.nio.file.Path;
import java.util.Locale;

/** Picks the jail driver for the system the client runs on; one line per system. */
public final class JailDrivers {

    private JailDrivers() {
    }

    /**
     * The driver for this host: Linux namespaces on Linux; on FreeBSD AppJail when {@code appjail}
     * is on the PATH, else {@code jail(8)}; elsewhere a driver that refuses every action.
     */
    public static JailDriver forThisHost(Path cachePath, NodeCache cache, ProcessRunner processes) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            return new LinuxJailDriver(cachePath, new JailRecords(cache), processes);
        }
        if (os.startsWith("freebsd")) {
            CommandRunner runner = CommandRunner.over(processes);
            return CommandRunner.onPath("appjail")
                    ? new AppJailDriver(cachePath, new JailRecords(cache), runner)
                    : new FreeBsdJailDriver(cachePath, new JailRecords(cache), runner);
        }
        return () -> "none";
    }
}
