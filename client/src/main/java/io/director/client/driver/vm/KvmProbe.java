package io.director.client.driver.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Decides whether KVM works here by running a tiny guest under it: a 64 KiB firmware that goes
 * from real mode through protected mode into 64-bit long mode with paging, then writes to QEMU's
 * {@code isa-debug-exit} port (QEMU exits with status 3). {@code /dev/kvm} existing is not
 * enough: on some hosts (nested virtualization) a KVM guest hangs once it leaves real mode, so
 * only a guest that finishes within the timeout counts. The firmware's source is
 * {@code kvm-probe.S} next to this class.
 */
public final class KvmProbe {

    private static final Logger LOG = Logger.getLogger(KvmProbe.class.getName());

    /** Assembled {@code kvm-probe.S}: placed at the start of the firmware (mapped at 0xF0000). */
    private static final byte[] PROBE_CODE = HexFormat.of().parseHex(
            "fa2e660f0116a8000f20c06683c8010f22c066ea1a000f00080066b810008ed88ec08ed0bf0010000031c0b9000c0000f3abc7050010000003200000c7050020000003300000c7050030000083000000b8001000000f22d80f20e083c8200f22e0b9800000c00f320d000100000f300f20c00d000000800f22c0ea81000f001800b001e6f4f4ebfd0000000000000000ffff0000009acf00ffff00000092cf00ffff0000009aaf001f0088000f00");
    /** {@code ljmp $0xF000,$0x0000}, at the reset vector (firmware offset 0xFFF0). */
    private static final byte[] RESET_JUMP = {(byte) 0xEA, 0, 0, 0, (byte) 0xF0};
    private static final int FIRMWARE_SIZE = 64 * 1024;
    /** QEMU's exit status when the guest writes 1 to the debug-exit port: (1 << 1) | 1. */
    private static final int PROBE_PASSED = 3;

    /** The outcome: the accelerator to use and why. */
    public record Result(String accel, String reason) {
    }

    private final String qemu;
    private final Path devKvm;
    private final long timeoutMillis;

    public KvmProbe(String qemu, Path devKvm, long timeoutMillis) {
        this.qemu = qemu;
        this.devKvm = devKvm;
        this.timeoutMillis = timeoutMillis;
    }

    /** {@code kvm} when the probe guest finishes under KVM in time, else {@code tcg}; never throws. */
    public Result probe() throws InterruptedException {
        if (!Files.isReadable(devKvm) || !Files.isWritable(devKvm)) {
            return new Result("tcg", devKvm + " is missing or not usable");
        }
        String outcome = runGuest("kvm");
        Result result = outcome == null ? new Result("kvm", "a probe guest ran under KVM")
                : new Result("tcg", "KVM does not work here: " + outcome);
        LOG.info(() -> "accelerator for VMs: " + result.accel() + " (" + result.reason() + ")");
        return result;
    }

    /** Runs the probe guest; null when it finished as expected, else what went wrong. */
    String runGuest(String accel) throws InterruptedException {
        Path firmware = null;
        try {
            firmware = Files.createTempFile("director-kvm-probe", ".rom");
            Files.write(firmware, firmware());
            Process process = new ProcessBuilder(List.of(qemu, "-accel", accel, "-nodefaults", "-display", "none",
                    "-bios", firmware.toString(), "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return "the probe guest did not finish within " + timeoutMillis + " ms";
            }
            int exit = process.exitValue();
            return exit == PROBE_PASSED ? null : "the probe guest ended with status " + exit;
        } catch (IOException e) {
            return "cannot run " + qemu + ": " + e.getMessage();
        } finally {
            if (firmware != null) {
                try {
                    Files.deleteIfExists(firmware);
                } catch (IOException ignored) {
                    // a temporary file left behind
                }
            }
        }
    }

    static byte[] firmware() {
        byte[] image = new byte[FIRMWARE_SIZE];
        Arrays.fill(image, (byte) 0xFF);
        System.arraycopy(PROBE_CODE, 0, image, 0, PROBE_CODE.length);
        System.arraycopy(RESET_JUMP, 0, image, 0xFFF0, RESET_JUMP.length);
        return image;
    }
}
