package io.director.client.driver.jail;

import io.director.client.driver.CommandRunner;
import io.director.client.exec.ProcessRunner;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * What the FreeBSD jail drivers share: running their commands with one error rule, and looking
 * up a jail's record. Called under the driver's lock, on the thread that called the driver.
 */
final class JailCommands {

    private static final int OUTPUT_CAP = 256 * 1024;

    private final CommandRunner runner;
    private final JailRecords records;

    JailCommands(CommandRunner runner, JailRecords records) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.records = Objects.requireNonNull(records, "records");
    }

    /** The jail's record, or an error naming it. */
    JailRecords.Jail require(String name) throws JailException {
        JailRecords.Jail jail = records.find(name);
        if (jail == null) {
            throw new JailException("no jail '" + name + "' on this node: create it first");
        }
        return jail;
    }

    /** Runs a command that must succeed; the error says what could not be done, and why. */
    void run(List<String> command, String what, long timeoutSeconds) throws JailException {
        ProcessRunner.Outcome outcome = call(command, timeoutSeconds);
        if (outcome.exitCode() != 0 || outcome.timedOut()) {
            String why = outcome.timedOut() ? "no answer within " + timeoutSeconds + " s" : outcome.stderr().strip();
            throw new JailException("cannot " + what + ": " + why);
        }
    }

    /** Runs a command and gives its outcome, whatever its exit code. */
    ProcessRunner.Outcome call(List<String> command, long timeoutSeconds) throws JailException {
        try {
            return runner.run(command, timeoutSeconds, OUTPUT_CAP);
        } catch (IOException e) {
            throw new JailException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JailException("interrupted while running " + command.get(0), e);
        }
    }
}
