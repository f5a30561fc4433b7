package io.director.cli.command;

import io.director.dsl.DirectorVersion;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.concurrent.Callable;

/** {@code director version}. */
final class VersionCommand implements Callable<Integer>, DirectorSubcommand {

    private final CommandSpec spec = Options.command(this, "version", "Print the version.");

    private final OptionSpec json = Options.flag("--json", "Print {\"version\": …, \"protocol\": …}.")
            .fallbackValue("true").build();

    VersionCommand(DirectorCommand root) {
        spec.addOption(json);
    }

    @Override
    public CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() {
        if (Options.on(json)) {
            spec.commandLine().getOut().println("{\"version\":\"" + DirectorVersion.version() + "\",\"protocol\":"
                    + DirectorVersion.PROTOCOL + "}");
        } else {
            spec.commandLine().getOut().println(new DirectorCommand.Version().getVersion()[0]);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
