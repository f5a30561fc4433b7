package io.director.cli.command;

import io.director.dsl.DirectorVersion;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The root {@code director} command: holds the options every sub-command shares, and adds the
 * sub-commands itself so that a command line can be built with only the one it runs. Every
 * command's model is built in code (see {@link Options}).
 */
public final class DirectorCommand implements Runnable {

    public static final String DEFAULT_SOCKET = "/run/director/director.sock";

    /** A sub-command's name, and how to make it under a root command. */
    record Subcommand(String name, Function<DirectorCommand, DirectorSubcommand> make) {
    }

    /** Every sub-command, in the order {@code director --help} lists them ({@code help} comes last). */
    static final List<Subcommand> SUBCOMMANDS = List.of(
            new Subcommand("server", ServerCommand::new),
            new Subcommand("client", ClientCommand::new),
            new Subcommand("exec", ExecCommand::new),
            new Subcommand("orchestrate", OrchestrateCommand::new),
            new Subcommand("manage", ManageCommand::new),
            new Subcommand("destroy", DestroyCommand::new),
            new Subcommand("keys", KeysCommand::new),
            new Subcommand("quickstart", QuickstartCommand::new),
            new Subcommand("service-files", ServiceFilesCommand::new),
            new Subcommand("version", VersionCommand::new));

    /** Root options that take a value, so the word after them is not the sub-command. */
    private static final Set<String> ROOT_OPTIONS_WITH_VALUE = Set.of("--socket-path", "--config-file");

    final CommandSpec spec = Options.command(this, "director",
            "Run work on fleets of machines: a server, node clients, and this CLI.").versionProvider(new Version());

    private final OptionSpec socketPath = Options.value("--socket-path", Path.class, "PATH",
                    "The server's UNIX socket (default: ${DEFAULT-VALUE}).")
            .scopeType(ScopeType.INHERIT).defaultValue(DEFAULT_SOCKET).build();

    private final OptionSpec configFile = Options.value("--config-file", String.class, "PATH",
                    "YAML map of option names to values (default: /etc/director/config.yaml if present).")
            .scopeType(ScopeType.INHERIT).build();

    private final OptionSpec debug = Options.flag("--debug", "Verbose logs on stderr.")
            .fallbackValue("true").scopeType(ScopeType.INHERIT).build();

    DirectorCommand() {
        spec.addOption(socketPath);
        spec.addOption(configFile);
        spec.addOption(debug);
    }

    /** The whole command line (every sub-command) with the given writers; tests use it with the real parser. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return build(SUBCOMMANDS, true, out, err);
    }

    /**
     * Builds the command line these arguments need: only the sub-command they name when they
     * name one, else the whole tree (for {@code --help}, {@code help}, and the suggestions of an
     * unknown word): a short command does not make the models of the nine it does not run.
     */
    public static CommandLine commandLineFor(String[] args, PrintWriter out, PrintWriter err) {
        String word = subcommandWord(args);
        if (word != null) {
            for (Subcommand subcommand : SUBCOMMANDS) {
                if (subcommand.name().equals(word)) {
                    return build(List.of(subcommand), false, out, err);
                }
            }
        }
        return commandLine(out, err);
    }

    /** The first word that is not a root option or an option's value, or null. */
    public static String subcommandWord(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (ROOT_OPTIONS_WITH_VALUE.contains(arg)) {
                i++;
            } else if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return null;
    }

    /**
     * Types no option has, whose converters picocli would otherwise register through reflection
     * at every start (picocli's own switch): looking up their methods loads about 100 classes of
     * java.time and java.sql into every command and daemon (docs/performance.md, Footprint). A
     * test checks that no option takes one of them.
     */
    static final String UNUSED_CONVERTERS = "java\\.time\\..*|java\\.sql\\..*";

    private static CommandLine build(List<Subcommand> subcommands, boolean withHelp, PrintWriter out, PrintWriter err) {
        if (System.getProperty("picocli.converters.excludes") == null) {
            System.setProperty("picocli.converters.excludes", UNUSED_CONVERTERS);
        }
        // picocli looks for Groovy's closure class when it first makes an object (its own switch
        // turns that off): a class that is not there is searched for in the jar, whose directory
        // of 9,000 entries is then read (docs/performance.md).
        if (System.getProperty("picocli.disable.closures") == null) {
            System.setProperty("picocli.disable.closures", "true");
        }
        DirectorCommand root = new DirectorCommand();
        CommandLine commandLine = new CommandLine(root.spec);
        for (Subcommand subcommand : subcommands) {
            commandLine.addSubcommand(subcommand.name(), subcommand.make().apply(root).spec());
        }
        if (withHelp) {
            commandLine.addSubcommand(CommandLine.HelpCommand.class);
        }
        shareVersion(commandLine, commandLine.getCommandSpec().versionProvider());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine exec = commandLine.getSubcommands().get("exec");
        if (exec != null) {
            // A job's argument string usually starts with its own options ('--skip-cache echo hi'):
            // exec passes what it does not know itself to the job parser, which names any bad option.
            exec.setUnmatchedOptionsArePositionalParams(true);
        }
        return commandLine;
    }

    /** Every sub-command's {@code -V} prints the version too (without a provider of its own it printed nothing). */
    private static void shareVersion(CommandLine commandLine, CommandLine.IVersionProvider version) {
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            if (sub.getCommandSpec().versionProvider() == null) {
                sub.getCommandSpec().versionProvider(version);
            }
            shareVersion(sub, version);
        }
    }

    public Path socketPath() {
        return socketPath.getValue();
    }

    /** The config file named on the command line, or null. */
    public String configFile() {
        return configFile.getValue();
    }

    public boolean debug() {
        return Options.on(debug);
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
