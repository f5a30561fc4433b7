package io.director.client.driver.vm;

import io.director.client.cache.NodeCache;
import io.director.client.exec.ProcessRunner;

import java.nio.file.Path;
import java.util.Locale;

/** Picks the VM driver for the operating system the client runs on. */
public final class VmDrivers {

    private VmDrivers() {
    }

    /**
     * QEMU on Linux (state under {@code CACHE_PATH/vms}); elsewhere a driver that refuses every
     * call, naming the operating system (bhyve through vm-bhyve is the FreeBSD driver to come).
     */
    public static VmDriver forThisHost(Path cachePath, NodeCache cache, ProcessRunner processes) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("linux")) {
            return new QemuVmDriver(cachePath.resolve("vms"), cache, processes, QemuVmDriver.QEMU, QemuVmDriver.QEMU_IMG);
        }
        return new UnavailableVmDriver("no VM driver for " + System.getProperty("os.name")
                + " yet (FreeBSD: bhyve is planned)");
    }
}
