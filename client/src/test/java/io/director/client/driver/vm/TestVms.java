package io.director.client.driver.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** What the VM tests boot: the test kernel (installed by .ci/run) and an initramfs made here from busybox-static. */
public final class TestVms {

    /** The line the test guest's /init prints once the kernel has booted it. */
    public static final String MARKER = "DIRECTOR-TEST-VM-BOOTED";

    private TestVms() {
    }

    /**
     * The test kernel: {@code $DIRECTOR_TEST_KERNEL_DIR/vmlinuz}, by default
     * {@code ${XDG_CACHE_HOME:-~/.cache}/director/test-kernel/vmlinuz}, where .ci/run puts it.
     * Missing, the test fails saying how to get it.
     */
    public static Path kernel() {
        String dir = System.getenv("DIRECTOR_TEST_KERNEL_DIR");
        if (dir == null || dir.isEmpty()) {
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path cache = xdg == null || xdg.isEmpty() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(xdg);
            dir = cache.resolve("director").resolve("test-kernel").toString();
        }
        Path kernel = Path.of(dir, "vmlinuz");
        if (!Files.isRegularFile(kernel)) {
            fail("no test kernel at " + kernel + ": run .ci/run once (it installs QEMU and downloads it), or: "
                    + "apt-get download linux-image-<version>-cloud-amd64 && dpkg-deb --fsys-tarfile *.deb | tar -x "
                    + "./boot && cp boot/vmlinuz-* " + kernel);
        }
        return kernel;
    }

    /** A gzipped initramfs whose /init mounts /proc, prints {@link #MARKER}, then waits. */
    public static Path initramfs(Path work) throws IOException, InterruptedException {
        Path root = Files.createDirectories(work.resolve("initramfs"));
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path busybox = Path.of("/bin/busybox");
        assertTrue(Files.isExecutable(busybox), "busybox-static is needed at /bin/busybox: apt-get install busybox-static");
        Files.copy(busybox, bin.resolve("busybox"));
        Path init = root.resolve("init");
        Files.writeString(init, """
                #!/bin/busybox sh
                /bin/busybox mkdir -p /proc
                /bin/busybox mount -t proc proc /proc
                echo %s
                while true; do /bin/busybox sleep 3600; done
                """.formatted(MARKER));
        Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path image = work.resolve("initramfs.gz");
        run(List.of("/bin/sh", "-c", "cd '" + root + "' && find . | cpio -o -H newc 2>/dev/null | gzip > '" + image + "'"));
        return image;
    }

    /**
     * Waits until {@code consoleLog} holds {@link #MARKER} (QEMU truncates the log at each boot,
     * so the marker is the current boot's); fails with the log after {@code deadlineMillis}.
     */
    public static void awaitMarker(Path consoleLog, long deadlineMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + deadlineMillis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (Files.exists(consoleLog) && Files.readString(consoleLog, StandardCharsets.ISO_8859_1).contains(MARKER)) {
                return;
            }
            Thread.sleep(100);
        }
        fail("the guest did not print " + MARKER + " within " + deadlineMillis + " ms; console: "
                + (Files.exists(consoleLog) ? Files.readString(consoleLog, StandardCharsets.ISO_8859_1) : "(no log)"));
    }

    public static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " did not finish");
        assertEquals(0, process.exitValue(), command + ": " + output);
    }
}
