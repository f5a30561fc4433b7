package io.director.cli.command;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** How {@code exec} and {@code orchestrate} wait for their jobs. */
public final class WaitOptions {

    private final OptionSpec wait = Options.flag("--wait",
            "Wait until every target has finished; one status line per node.").names("--wait", "--poll")
            .fallbackValue("true").build();

    private final OptionSpec stream = Options.flag("--stream",
            "As --wait, and print each node's stdout and stderr as it arrives.").fallbackValue("true").build();

    private final OptionSpec check = Options.flag("--check", "With --wait: list the failed nodes at the end.")
            .fallbackValue("true").build();

    private final OptionSpec waitTimeout = Options.value("--wait-timeout", Double.class, "S",
            "With --wait: give up after S seconds (exit 4).").build();

    /** Makes the options and adds them to a command. */
    static WaitOptions addTo(CommandSpec spec) {
        WaitOptions options = new WaitOptions();
        spec.addOption(options.wait);
        spec.addOption(options.stream);
        spec.addOption(options.check);
        spec.addOption(options.waitTimeout);
        return options;
    }

    public boolean waits() {
        return Options.on(wait) || stream() || check();
    }

    boolean stream() {
        return Options.on(stream);
    }

    boolean check() {
        return Options.on(check);
    }

    /** Seconds, or null to wait as long as it takes. */
    Double waitTimeout() {
        return waitTimeout.getValue();
    }
}
