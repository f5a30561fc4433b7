package io.director.cli.command;

import io.director.dsl.DirectorVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code director version}. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version.")
final class VersionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", fallbackValue = "true", description = "Print {\"version\": …, \"protocol\": …}.")
    boolean json;

    @Override
    public Integer call() {
        if (json) {
            spec.commandLine().getOut().println("{\"version\":\"" + DirectorVersion.version() + "\",\"protocol\":"
                    + DirectorVersion.PROTOCOL + "}");
        } else {
            spec.commandLine().getOut().println(new DirectorCommand.Version().getVersion()[0]);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
