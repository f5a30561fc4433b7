package io.director.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.director.cli.command.DirectorCommand;
import io.director.cli.command.JsonAware;
import io.director.dsl.wire.WireCodec;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;

/** Entry point of the executable jar and of {@code bin/director}. */
public final class Main {

    /** Sub-commands that talk to the server over its socket. */
    private static final Set<String> SERVER_COMMANDS = Set.of("manage", "exec", "orchestrate", "keys", "destroy");

    private Main() {
    }

    public static void main(String[] args) {
        // Must precede the first logger: see DirectorLogManager.
        System.setProperty("java.util.logging.manager", DirectorLogManager.class.getName());
        // A command that talks to the server has its JSON mapper, socket classes and logging made
        // ready on a second thread while this one parses the command line (docs/performance.md).
        String word = DirectorCommand.subcommandWord(args);
        boolean prepared = word != null && SERVER_COMMANDS.contains(word);
        if (prepared) {
            prepareServerCommand();
        }
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(args, System.getenv(), out, err, !prepared));
    }

    /**
     * Starts the second thread of a command that talks to the server, and returns it (the
     * class-data training run does the same, so its classes are the same).
     */
    static Thread prepareServerCommand() {
        return ApiPreparation.startInBackground(new WarningLogs());
    }

    /** Sets up user commands' logging; a class, not a lambda: see ParameterExceptionHandler. */
    private static final class WarningLogs implements Runnable {
        @Override
        public void run() {
            LogSetup.configure(Level.WARNING);
        }
    }

    /** Runs the command line and returns its exit code; tests call this with their own writers. */
    public static int run(String[] args, Map<String, String> environment, PrintWriter out, PrintWriter err) {
        return run(args, environment, out, err, true);
    }

    private static int run(String[] args, Map<String, String> environment, PrintWriter out, PrintWriter err,
                           boolean configureLogging) {
        if (configureLogging) {
            LogSetup.configure(Level.WARNING);
        }
        String mode = environment.get("DIRECTOR_MODE");
        if (args.length == 0 && ("server".equals(mode) || "client".equals(mode))) {
            args = new String[] {mode};
        }
        CommandLine commandLine = DirectorCommand.commandLineFor(args, out, err);
        ConfigDefaults defaults;
        try {
            defaults = ConfigDefaults.load(args, environment, ConfigDefaults.optionNames(commandLine),
                    () -> ConfigDefaults.optionNames(DirectorCommand.commandLine(out, err)));
        } catch (CliException e) {
            err.println("director: " + e.getMessage());
            err.flush();
            return e.exitCode();
        }
        commandLine.setDefaultValueProvider(defaults);
        commandLine.setParameterExceptionHandler(
                new ParameterExceptionHandler(commandLine.getParameterExceptionHandler(), defaults, args, err));
        commandLine.setExecutionExceptionHandler(new ExecutionExceptionHandler());
        return commandLine.execute(args);
    }

    /*
     * The handlers are named classes, not lambdas: the class-data archive is dumped from a list
     * that names each lambda, and resolving one that implements a picocli interface links that
     * interface at dump time, which the JDK 17 dump refuses for classes compiled for Java 5
     * (picocli's): the interface is then left out of the archive, and loading it at every start
     * opens the jar and reads its whole directory (docs/performance.md). A test checks that the
     * dump leaves out none of picocli's classes.
     */

    /** A bad value from the environment or the config file names where it came from; the usage text would not help. */
    private static final class ParameterExceptionHandler implements CommandLine.IParameterExceptionHandler {
        private final CommandLine.IParameterExceptionHandler usage;
        private final ConfigDefaults defaults;
        private final String[] given;
        private final PrintWriter err;

        ParameterExceptionHandler(CommandLine.IParameterExceptionHandler usage, ConfigDefaults defaults, String[] given,
                                  PrintWriter err) {
            this.usage = usage;
            this.defaults = defaults;
            this.given = given;
            this.err = err;
        }

        @Override
        public int handleParseException(CommandLine.ParameterException e, String[] rest) throws Exception {
            String origin = e.getArgSpec() instanceof CommandLine.Model.OptionSpec option
                    && !onCommandLine(option, given) ? defaults.origin(option) : null;
            if (origin == null) {
                return usage.handleParseException(e, rest);
            }
            err.println("director: " + e.getMessage() + " (from " + origin + ")");
            err.flush();
            return ExitCodes.INVALID_INPUT;
        }
    }

    /** A command's failure: one line on stderr (and a JSON error with --json), and its exit code. */
    private static final class ExecutionExceptionHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
            int code = e instanceof CliException ce ? ce.exitCode() : ExitCodes.FAILED;
            String message = e instanceof CliException ? e.getMessage()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            if (cmd.getCommand() instanceof JsonAware aware && aware.json()) {
                try {
                    cmd.getOut().println(WireCodec.mapper().writeValueAsString(Map.of("error", message)));
                } catch (JsonProcessingException jsonFailure) {
                    cmd.getOut().println("{\"error\":\"unprintable error\"}");
                }
                cmd.getOut().flush();
            }
            cmd.getErr().println("director " + cmd.getCommandName() + ": " + message);
            cmd.getErr().flush();
            return code;
        }
    }

    private static boolean onCommandLine(CommandLine.Model.OptionSpec option, String[] args) {
        for (String arg : args) {
            for (String name : option.names()) {
                if (arg.equals(name) || arg.startsWith(name + "=")) {
                    return true;
                }
            }
        }
        return false;
    }
}
