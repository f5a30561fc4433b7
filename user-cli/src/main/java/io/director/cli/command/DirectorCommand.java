package io.director.cli.command;

import io.director.dsl.DirectorVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;

/** The root {@code director} command: lists every sub-command and holds the options they share. */
@Command(name = "director",
        mixinStandardHelpOptions = true,
        versionProvider = DirectorCommand.Version.class,
        description = "Run work on fleets of machines: a server, node clients, and this CLI.",
        subcommands = {
                ServerCommand.class,
                ClientCommand.class,
                ExecCommand.class,
                OrchestrateCommand.class,
                ManageCommand.class,
                DestroyCommand.class,
                KeysCommand.class,
                QuickstartCommand.class,
                ServiceFilesCommand.class,
                VersionCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class DirectorCommand implements Runnable {

    public static final String DEFAULT_SOCKET = "/run/director/director.sock";

    @Spec
    CommandSpec spec;

    @Option(names = "--socket-path", scope = ScopeType.INHERIT, paramLabel = "PATH",
            defaultValue = DEFAULT_SOCKET, description = "The server's UNIX socket (default: ${DEFAULT-VALUE}).")
    Path socketPath;

    @Option(names = "--config-file", scope = ScopeType.INHERIT, paramLabel = "PATH",
            description = "YAML map of option names to values (default: /etc/director/config.yaml if present).")
    String configFile;

    @Option(names = "--debug", fallbackValue = "true", scope = ScopeType.INHERIT,

            description = "Verbose logs on stderr.")
    boolean debug;

    /** Builds the command line with the given writers; tests use this with the real parser. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new DirectorCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        // A job's argument string usually starts with its own options ('--skip-cache echo hi'):
        // exec passes what it does not know itself to the job parser, which names any bad option.
        commandLine.getSubcommands().get("exec").setUnmatchedOptionsArePositionalParams(true);
        return commandLine;
    }

    public Path socketPath() {
        return socketPath;
    }

    public boolean debug() {
        return debug;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a sub-command (or set DIRECTOR_MODE=server|client)");
    }

    /** {@code director --version}. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"director " + DirectorVersion.version() + " (protocol " + DirectorVersion.PROTOCOL + ")"};
        }
    }
}
