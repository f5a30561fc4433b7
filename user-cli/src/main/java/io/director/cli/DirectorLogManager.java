package io.director.cli;

import java.util.logging.LogManager;

/**
 * The JDK's LogManager resets its handlers in a shutdown hook of its own, which races with
 * ours: the daemons' "stopped" lines after SIGTERM were lost. This one keeps its handlers until
 * the JVM is gone; {@link LogSetup} resets it explicitly when configuring.
 */
public final class DirectorLogManager extends LogManager {

    @Override
    public void reset() {
        // Called by the JVM's shutdown cleaner: keep logging through our own shutdown hooks.
    }

    void resetNow() {
        super.reset();
    }
}
