package io.director.client.driver.jail;

import io.director.client.driver.SupervisedWorkload;
import io.director.client.exec.ProcessRunner;

import java.time.Duration;
import java.util.List;

/**
 * Makes and controls jails on this node, one implementation per host system ({@link JailDrivers}
 * picks it). The verbs follow the jail's life: create, start, exec, stop, destroy, plus status
 * and list. Every action is idempotent by state: asking for what already is returns
 * {@code false} ("unchanged") instead of failing.
 *
 * <p>Called on a job runner thread (the main queue's or an async queue's), so two queues may
 * call the same driver at once: implementations serialise actions on one jail. {@link #exec}
 * blocks until the command ends or its timeout passes; {@link #stop} and {@link #destroy} block
 * for at most the grace period plus a few seconds; the others return within seconds. Jails
 * outlive the client daemon; {@link #recover} re-adopts them when it starts again.
 *
 * <p>A driver that lacks an action keeps its default, which fails with a clear message.
 */
public interface JailDriver {

    /** The driver's name, reported to the server as the node fact {@code jail_driver}. */
    String name();

    /**
     * Makes the jail (its root filesystem and its recorded spec). Returns false when a jail of
     * that name exists with the same spec; fails when it exists with a different one, naming the
     * difference.
     */
    default boolean create(String name, JailSpec spec) throws JailException {
        throw unsupported("create");
    }

    /**
     * Starts the jail's init: the command if given, else a process that keeps the jail alive.
     * Returns false when it is already running.
     */
    default boolean start(String name, List<String> command) throws JailException {
        throw unsupported("start");
    }

    /** Runs a command inside the running jail; its exit code and capped output are the result. */
    default ProcessRunner.Outcome exec(String name, List<String> command, long timeoutSeconds, int outputCap)
            throws JailException, InterruptedException {
        throw unsupported("exec");
    }

    /**
     * Asks everything in the jail to end (SIGTERM), kills what is left after the grace period, and
     * returns when nothing of it runs. Returns false when it was not running.
     */
    default boolean stop(String name, Duration grace) throws JailException, InterruptedException {
        throw unsupported("stop");
    }

    /**
     * Removes the jail and the root filesystem it made (never a {@code --mount}ed source, nor a
     * {@code --root} directory it was given). A running jail is stopped first with {@code force},
     * else it is an error. Returns false when there was no such jail.
     */
    default boolean destroy(String name, boolean force, Duration grace) throws JailException, InterruptedException {
        throw unsupported("destroy");
    }

    /** The jail's state as it is now (a recorded pid that has died reads as stopped). */
    default JailStatus status(String name) throws JailException {
        throw unsupported("status");
    }

    /** Every jail of this node, by name. */
    default List<JailStatus> list() throws JailException {
        throw unsupported("list");
    }

    /**
     * Called once when the client starts: re-adopts jails that kept running and starts those
     * created with {@code --autostart} that are not.
     */
    default void recover() {
    }

    /**
     * The jails created with {@code --restart on-failure|always} whose recorded state is running,
     * and whether their init is gone; called by the supervisor about once a second.
     */
    default List<SupervisedWorkload> supervised() throws JailException {
        return List.of();
    }

    /**
     * Starts the jail again, as it was last started, if it is still recorded as running and its
     * init is gone (so a stop that came in meanwhile wins), and counts the restart. Returns
     * whether it was started.
     */
    default boolean restartGone(String name) throws JailException, InterruptedException {
        return false;
    }

    private JailException unsupported(String action) {
        return new JailException("jail " + action + " is not supported by the " + name() + " driver on "
                + System.getProperty("os.name"));
    }
}
