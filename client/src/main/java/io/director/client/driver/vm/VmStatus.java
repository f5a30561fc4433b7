package io.director.client.driver.vm;

/**
 * A VM as {@code VM status} reports it (snake_case JSON).
 *
 * @param pid        the hypervisor process while running, else null
 * @param guest      what the hypervisor says of the guest while running ({@code running},
 *                   {@code paused}, …), or null when it does not answer or the VM is off
 * @param accel      the accelerator of the last boot ({@code kvm} or {@code tcg}), null before one
 * @param consoleLog the file the serial console is written to
 * @param restarts   how often supervision booted it again
 */
public record VmStatus(String name, VmState state, Long pid, VmSpec spec, String consoleLog, String accel,
                       String guest, long restarts) {

    /** A VM that supervision never restarted. */
    public VmStatus(String name, VmState state, Long pid, VmSpec spec, String consoleLog, String accel, String guest) {
        this(name, state, pid, spec, consoleLog, accel, guest, 0);
    }
}
