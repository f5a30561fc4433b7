package io.director.client.driver.vm;

import io.director.client.cache.NodeCache;
import io.director.client.driver.CommandRunner;
import io.director.client.exec.ProcessRunner;

import java.nio.file.Path;
import java.util.Locale;

/** Picks the VM driver for the operating system the client runs on. */
public final class VmDrivers {

    private VmDrivers() {
    }

    /**
     * QEMU on Linux (state under {@code CACHE_PATH/vms}); bhyve through vm-bhyve on FreeBSD when
     * {@code vm} is on the PATH; elsewhere a driver that refuses every call, naming the reason.
     */
    public static VmDriver forThisHost(Path cachePath, NodeCache cache, ProcessRunner processes) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("linux")) {
            return new QemuVmDriver(cachePath.resolve("vms"), cache, processes, QemuVmDriver.QEMU, QemuVmDriver.QEMU_IMG);
        }
        if (os.startsWith("freebsd")) {
            if (CommandRunner.onPath("vm")) {
                return new BhyveVmDriver(cache, CommandRunner.over(processes));
            }
            return new UnavailableVmDriver("VMs on FreeBSD need vm-bhyve: pkg install vm-bhyve, then vm init");
        }
        return new UnavailableVmDriver("no VM driver for " + System.getProperty("os.name") + " yet");
    }
}
