package io.director.client.driver.vm;

import io.director.client.driver.SupervisedWorkload;

import java.time.Duration;
import java.util.List;

/**
 * Runs virtual machines on this node through one hypervisor. Each call is one lifecycle verb and
 * is idempotent by state: asking for what already is returns {@link VmOutcome#unchanged()}.
 *
 * <p>Threads: called on job-runner threads, possibly two queues at once; implementations
 * serialize calls for one VM and let calls for different VMs proceed. Calls block: {@code create}
 * while the disk is made, {@code start} until the hypervisor has daemonized, {@code stop} up to
 * its grace plus a few seconds. VMs are separate processes that outlive the client daemon; a new
 * driver instance finds them again from its recorded state, and {@link #recover} boots the
 * {@code --autostart} ones that are off.
 */
public interface VmDriver {

    /** The driver's name as reported in the node's facts, e.g. {@code qemu}. */
    String name();

    /** Makes the VM's disk and records its spec; an existing VM with another spec is an error naming the difference. */
    VmOutcome create(String name, VmSpec spec) throws VmException, InterruptedException;

    /** Boots the VM; returns once its hypervisor runs. */
    VmOutcome start(String name) throws VmException, InterruptedException;

    /**
     * Powers the VM off: an ACPI power-off, then forced off after {@code grace}; with
     * {@code force}, forced off at once.
     */
    VmOutcome stop(String name, Duration grace, boolean force) throws VmException, InterruptedException;

    /** Removes the VM's disk and state; a running VM is refused unless {@code force}, which stops it first. */
    VmOutcome destroy(String name, boolean force) throws VmException, InterruptedException;

    VmStatus status(String name) throws VmException;

    /** Every VM on this node, by name. */
    List<VmStatus> list() throws VmException;

    /** The last {@code lines} lines of the VM's serial console log (empty before its first boot). */
    String console(String name, int lines) throws VmException;

    /**
     * Called once when the client daemon starts, before any job: VMs still running are adopted as
     * they are, and those created with {@code --autostart} that are not running are booted. A VM
     * that cannot be booted is logged, not thrown, so the others and the daemon still start.
     */
    default void recover() {
    }

    /**
     * The VMs created with {@code --restart on-failure|always} that were started and not stopped
     * through {@link #stop}, and whether their hypervisor is gone; called by the supervisor about
     * once a second.
     */
    default List<SupervisedWorkload> supervised() throws VmException {
        return List.of();
    }

    /**
     * Boots the VM again if it is still meant to run and its hypervisor is gone (so a stop that
     * came in meanwhile wins), and counts the restart. Returns whether it was booted.
     */
    default boolean restartGone(String name) throws VmException, InterruptedException {
        return false;
    }
}
