package io.director.cli.command;

import io.director.cli.CliException;
import io.director.cli.CliRun;
import io.director.cli.ConfigDefaults;
import io.director.cli.ExitCodes;
import io.director.cli.cluster.LocalCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Options come from the command line, then DIRECTOR_* variables, then the config file, then defaults. */
class ConfigPrecedenceTest {

    @TempDir
    Path dir;

    /** The model of the sub-command these arguments run, after parsing them. */
    private static CommandSpec parse(Map<String, String> environment, String... args) {
        CommandLine commandLine = DirectorCommand.commandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        commandLine.setDefaultValueProvider(ConfigDefaults.load(args, environment,
                ConfigDefaults.optionNames(commandLine)));
        CommandLine.ParseResult result = commandLine.parseArgs(args);
        return result.subcommand().commandSpec();
    }

    /** The value an option ended with: from the command line, the environment, the file, or its default. */
    private static <T> T value(CommandSpec command, String option) {
        return command.findOption(option).getValue();
    }

    /** --debug, as the root command holds it. */
    private static boolean debug(CommandSpec command) {
        return value(command.parent(), "--debug");
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsDefaults() throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, """
                job-port: 7001
                heartbeat_interval: 1
                debug: true
                datastore: sqlite:/from/file.db
                bind-address: 127.0.0.2
                """);
        CommandSpec server = parse(Map.of("DIRECTOR_JOB_PORT", "7002", "DIRECTOR_DATASTORE", "sqlite:/from/env.db"),
                "server", "--config-file", config.toString(), "--job-port", "7003");
        assertEquals((Integer) 7003, value(server, "--job-port"), "command line wins");
        assertEquals("sqlite:/from/env.db", value(server, "--datastore"), "environment beats the file");
        assertEquals(1.0, value(server, "--heartbeat-interval"), "the file beats the default");
        assertEquals("127.0.0.2", value(server, "--bind-address"));
        assertTrue(debug(server), "debug: true from the seed's config works");
        assertEquals((Integer) 5556, value(server, "--transfer-port"), "the default when nothing says otherwise");
    }

    /** The options of {@code director MODE} that the environment and the config file may set. */
    private static List<CommandLine.Model.OptionSpec> configurableOptions(String mode) {
        CommandLine commandLine = DirectorCommand.commandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        return commandLine.getSubcommands().get(mode).getCommandSpec().options().stream()
                .filter(o -> !o.usageHelp() && !o.versionHelp() && !o.longestName().equals("--config-file"))
                .toList();
    }

    /**
     * Three values for an option, for the file, the environment and the command line: each differs
     * from the one before it, and the file's from the default, so the layer that won is visible.
     */
    private static List<String> samples(CommandLine.Model.OptionSpec option) {
        Class<?> type = option.type();
        if (type == int.class) {
            return List.of("7001", "7002", "7003");
        }
        if (type == double.class) {
            return List.of("1.5", "2.5", "3.5");
        }
        if (type == boolean.class) {
            return List.of("true", "false", "true");
        }
        if (type.isEnum()) {
            List<String> constants = Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList();
            String other = constants.stream().filter(c -> !c.equals(option.defaultValue())).findFirst().orElseThrow();
            String back = constants.stream().filter(c -> !c.equals(other)).findFirst().orElseThrow();
            return List.of(other, back, other);
        }
        if (type == Map.class) {
            return List.of("layer=file", "layer=env", "layer=cli");
        }
        if (type == Path.class) {
            return List.of("/from/file", "/from/env", "/from/cli");
        }
        if (type == String.class) {
            return List.of("from-file", "from-env", "from-cli");
        }
        throw new AssertionError("no sample values for " + option.longestName() + " of type " + type
                + ": teach this test the type");
    }

    private static String parsed(CommandLine.Model.OptionSpec option, String sample) {
        return option.type() == Map.class ? "{" + sample + "}" : sample;
    }

    private static String valueOf(String mode, CommandLine.Model.OptionSpec option, Map<String, String> environment,
                                  String... args) {
        CommandLine commandLine = DirectorCommand.commandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        commandLine.setDefaultValueProvider(ConfigDefaults.load(args, environment,
                ConfigDefaults.optionNames(commandLine)));
        CommandLine.ParseResult result = commandLine.parseArgs(args);
        assertEquals(mode, result.subcommand().commandSpec().name());
        Object value = result.subcommand().commandSpec().findOption(option.longestName()).getValue();
        return String.valueOf(value);
    }

    @ParameterizedTest(name = "director {0}")
    @ValueSource(strings = {"server", "client"})
    void everyServerAndClientOptionComesFromEachLayerInTheSpecsOrder(String mode) throws Exception {
        List<CommandLine.Model.OptionSpec> options = configurableOptions(mode);
        assertTrue(options.size() >= 10, "options of " + mode + ": " + options.size());
        for (CommandLine.Model.OptionSpec option : options) {
            String name = option.longestName().substring(2);
            String what = "director " + mode + " --" + name;
            List<String> values = samples(option);
            String variable = "DIRECTOR_" + name.replace('-', '_').toUpperCase(java.util.Locale.ROOT);
            Path dashed = dir.resolve(mode + "-" + name + "-dashed.yaml");
            Files.writeString(dashed, name + ": " + values.get(0) + "\n");
            Path snake = dir.resolve(mode + "-" + name + "-snake.yaml");
            Files.writeString(snake, name.replace('-', '_') + ": " + values.get(0) + "\n");
            Path empty = dir.resolve("empty.yaml");
            Files.writeString(empty, "# nothing set\n");
            String[] onCommandLine = option.type() == boolean.class ? new String[] {"--" + name}
                    : new String[] {"--" + name, values.get(2)};
            Map<String, String> environment = Map.of(variable, values.get(1));

            assertEquals(parsed(option, values.get(0)), valueOf(mode, option, Map.of(), mode, "--config-file",
                    dashed.toString()), what + ": from the file, key '" + name + "'");
            assertEquals(parsed(option, values.get(0)), valueOf(mode, option, Map.of(), mode, "--config-file",
                    snake.toString()), what + ": from the file, key '" + name.replace('-', '_') + "'");
            assertEquals(parsed(option, values.get(1)), valueOf(mode, option, environment, mode, "--config-file",
                    empty.toString()), what + ": from " + variable);
            assertEquals(parsed(option, values.get(2)), valueOf(mode, option, Map.of(), concat(new String[] {mode,
                    "--config-file", empty.toString()}, onCommandLine)), what + ": from the command line");

            assertEquals(parsed(option, values.get(1)), valueOf(mode, option, environment, mode, "--config-file",
                    snake.toString()), what + ": the environment beats the file");
            assertEquals(parsed(option, values.get(2)), valueOf(mode, option, environment, concat(new String[] {mode,
                    "--config-file", snake.toString()}, onCommandLine)), what + ": the command line beats both");
            assertEquals(parsed(option, values.get(2)), valueOf(mode, option, Map.of(), concat(new String[] {mode,
                    "--config-file", dashed.toString()}, onCommandLine)), what + ": the command line beats the file");
            assertNotEquals(parsed(option, values.get(0)), valueOf(mode, option, Map.of(), mode, "--config-file",
                    empty.toString()), what + ": the default when nothing sets it");
        }
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    @Test
    void fileValuesKeepTheirTextAndBooleansTakeYamlAndShellWords() throws Exception {
        Path config = dir.resolve("text.yaml");
        Files.writeString(config, """
                identity: 007
                shared_key: 0x1F
                heartbeat-interval: 2
                debug: yes
                socket-group: ~
                """);
        CommandSpec client = parse(Map.of(), "client", "--config-file", config.toString());
        assertEquals("007", value(client, "--identity"), "a number-like identity stays as written");
        assertEquals("0x1F", value(client, "--shared-key"), "a hex-like key is not turned into 31");
        assertEquals(2.0, value(client, "--heartbeat-interval"));
        assertTrue(debug(client), "debug: yes (YAML 1.1, as older configs write it)");

        CommandSpec server = parse(Map.of("DIRECTOR_DEBUG", "0"), "server", "--config-file", config.toString());
        assertEquals((String) null, value(server, "--socket-group"), "a null value leaves the default");
        assertTrue(!debug(server), "DIRECTOR_DEBUG=0 beats debug: yes");

        CommandSpec unset = parse(Map.of("DIRECTOR_SHARED_KEY", ""), "server", "--config-file", config.toString());
        assertEquals("0x1F", value(unset, "--shared-key"), "an empty variable counts as unset");
    }

    @Test
    void everyFlagGivenOnTheCommandLineIsOnEvenWhenTheFileAlreadyTurnedItOn() {
        CommandLine commandLine = DirectorCommand.commandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        List<String> flags = new ArrayList<>();
        List<CommandLine> pending = new ArrayList<>(List.of(commandLine));
        while (!pending.isEmpty()) {
            CommandLine current = pending.remove(0);
            pending.addAll(current.getSubcommands().values());
            for (CommandLine.Model.OptionSpec option : current.getCommandSpec().options()) {
                if (ConfigDefaults.configurable(option) && option.type() == boolean.class) {
                    flags.add(current.getCommandName() + " " + option.longestName());
                    assertEquals("true", option.fallbackValue(), current.getCommandName() + " " + option.longestName()
                            + " needs fallbackValue = \"true\" (see ConfigDefaults.configurable)");
                }
            }
        }
        assertTrue(flags.contains("server --debug") && flags.contains("exec --wait"), flags.toString());
    }

    @Test
    void theExampleConfigShowsEveryServerAndClientOptionAndEachLineWorksUncommented() throws Exception {
        Path example = Path.of("..", "service-files", "config.example.yaml");
        String shipped = Files.readString(example);
        CommandSpec asShipped = parse(Map.of(), "server", "--config-file", example.toString());
        assertEquals((Integer) 5555, value(asShipped, "--job-port"), "everything commented out: the defaults");

        Path uncommented = dir.resolve("uncommented.yaml");
        Files.writeString(uncommented, shipped.replaceAll("(?m)^# ([a-z][a-z_-]*:)", "$1")
                .replaceAll("(?m)^#(   [a-z]+:)", "$1"));
        for (String mode : List.of("server", "client")) {
            for (CommandLine.Model.OptionSpec option : configurableOptions(mode)) {
                String key = option.longestName().substring(2);
                assertTrue(Files.readString(uncommented).matches("(?s)(.*\n)?" + key + ":.*"),
                        "config.example.yaml shows '" + key + "' of director " + mode);
            }
        }
        CommandSpec server = parse(Map.of(), "server", "--config-file", uncommented.toString());
        assertEquals("*", value(server, "--bind-address"));
        assertEquals("sqlite:/var/lib/director/server.db", value(server, "--datastore"));
        assertEquals((Integer) 1048576, value(server, "--output-cap"));
        CommandSpec client = parse(Map.of(), "client", "--config-file", uncommented.toString());
        assertEquals(Map.of("role", "web", "zone", "a"), value(client, "--labels"));
        assertEquals("change-me", value(client, "--shared-key"));
        assertEquals(10.0, value(client, "--heartbeat-interval"));
        assertEquals(Path.of("/var/cache/director"), value(client, "--cache-path"));
    }

    @Test
    void commandLineConfigFileBeatsTheOneNamedByTheEnvironment() throws Exception {
        Path fromEnvironment = dir.resolve("env.yaml");
        Files.writeString(fromEnvironment, "job-port: 7101\n");
        Path fromCommandLine = dir.resolve("cli.yaml");
        Files.writeString(fromCommandLine, "job-port: 7102\n");
        CommandSpec server = parse(Map.of("DIRECTOR_CONFIG_FILE", fromEnvironment.toString()),
                "server", "--config-file", fromCommandLine.toString());
        assertEquals((Integer) 7102, value(server, "--job-port"));
    }

    @Test
    void bothSpellingsOfOneOptionInOneFileAreAnError() throws Exception {
        Path config = dir.resolve("twice.yaml");
        Files.writeString(config, "job-port: 1\njob_port: 2\n");
        CliException error = assertThrows(CliException.class,
                () -> parse(Map.of(), "server", "--config-file", config.toString()));
        assertEquals(ExitCodes.INVALID_INPUT, error.exitCode());
        assertEquals("config file " + config + ":2: 'job_port' sets the same option as 'job-port' on line 1",
                error.getMessage());
    }

    @Test
    void aBadValueFromTheFileOrTheEnvironmentIsOneLineNamingWhereItCameFrom() throws Exception {
        Path config = dir.resolve("bad-value.yaml");
        Files.writeString(config, "heartbeat_interval: 1\njob_port: lots\n");
        CliRun.Result fromFile = CliRun.run("server", "--config-file", config.toString());
        assertEquals(ExitCodes.INVALID_INPUT, fromFile.exitCode(), fromFile.toString());
        assertEquals(1, fromFile.err().strip().lines().count(), fromFile.err());
        assertEquals("director: Invalid value for option '--job-port': 'lots' is not an int (from config file " + config
                + ":2, key 'job_port')", fromFile.err().strip());

        Path fine = dir.resolve("fine.yaml");
        Files.writeString(fine, "heartbeat_interval: 1\n");
        CliRun.Result fromEnvironment = CliRun.run(Map.of("DIRECTOR_ENCRYPTION", "rot13"), "client",
                "--config-file", fine.toString());
        assertEquals(ExitCodes.INVALID_INPUT, fromEnvironment.exitCode(), fromEnvironment.toString());
        assertEquals(1, fromEnvironment.err().strip().lines().count(), fromEnvironment.err());
        assertTrue(fromEnvironment.err().contains("'rot13'")
                && fromEnvironment.err().contains("(from environment variable DIRECTOR_ENCRYPTION)"),
                fromEnvironment.err());
    }

    @Test
    void helpAndVersionCannotBeTurnedOnFromOutside() throws Exception {
        Path config = dir.resolve("help.yaml");
        Files.writeString(config, "help: true\n");
        CliException error = assertThrows(CliException.class,
                () -> parse(Map.of(), "server", "--config-file", config.toString()));
        assertTrue(error.getMessage().contains("unknown key 'help'"), error.getMessage());
        CommandSpec server = parse(Map.of("DIRECTOR_VERSION", "0.1.0", "DIRECTOR_HELP", "true"), "server");
        assertEquals((Integer) 5555, value(server, "--job-port"),
                "a DIRECTOR_VERSION in the environment is no --version");
    }

    @Test
    void configFileNamedByEnvironmentAndInheritedOptionsAfterTheSubcommand() throws Exception {
        Path config = dir.resolve("client.yaml");
        Files.writeString(config, "identity: from-file\nlabels: {role: db, zone: b}\n");
        CommandSpec client = parse(Map.of("DIRECTOR_CONFIG_FILE", config.toString()),
                "client", "--socket-path", "/tmp/x.sock");
        assertEquals("from-file", value(client, "--identity"));
        assertEquals(Map.of("role", "db", "zone", "b"), value(client, "--labels"));
        assertEquals(Path.of("/tmp/x.sock"), value(client.parent(), "--socket-path"),
                "shared options may follow the sub-command");

        CommandSpec before = parse(Map.of(), "--socket-path", "/tmp/y.sock", "client");
        assertEquals(Path.of("/tmp/y.sock"), value(before.parent(), "--socket-path"), "or come before it");
    }

    @Test
    void unknownConfigKeyIsAnErrorNamingIt() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "job-port: 1\nfrobnicate: yes\n");
        CliException error = assertThrows(CliException.class,
                () -> parse(Map.of(), "server", "--config-file", config.toString()));
        assertEquals(ExitCodes.INVALID_INPUT, error.exitCode());
        assertTrue(error.getMessage().contains("unknown key 'frobnicate'"), error.getMessage());

        CliRun.Result viaMain = CliRun.run("server", "--config-file", config.toString());
        assertEquals(ExitCodes.INVALID_INPUT, viaMain.exitCode());
        assertTrue(viaMain.err().contains("unknown key 'frobnicate'"), viaMain.err());
    }

    @Test
    void unknownOptionAndMissingSubcommandAreUsageErrors() {
        assertEquals(ExitCodes.INVALID_INPUT, CliRun.run("manage", "--list-nodes", "--bogus").exitCode());
        assertEquals(ExitCodes.INVALID_INPUT, CliRun.run().exitCode());
        assertEquals(ExitCodes.INVALID_INPUT, CliRun.run(Map.of("DIRECTOR_MODE", "bogus")).exitCode());
        assertEquals(ExitCodes.INVALID_INPUT, CliRun.run("manage").exitCode(), "exactly one action");
        assertEquals(ExitCodes.INVALID_INPUT, CliRun.run("manage", "--list-nodes", "--list-jobs").exitCode());
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("server", "client", "exec", "manage", "quickstart", "version")) {
            CliRun.Result help = CliRun.run(command, "--help");
            assertEquals(0, help.exitCode(), command);
            assertTrue(help.out().contains("Usage: director " + command), help.out());
        }
        CliRun.Result version = CliRun.run("--version");
        assertTrue(version.out().startsWith("director "), version.out());
        for (String[] command : List.of(new String[] {"manage", "-V"}, new String[] {"keys", "list", "--version"})) {
            CliRun.Result sub = CliRun.run(command);
            assertEquals(0, sub.exitCode(), String.join(" ", command));
            assertEquals(version.out(), sub.out(), String.join(" ", command));
        }
    }

    @Test
    void directorModeRunsTheServerFromTheEnvironmentAloneAndSigtermStopsItQuickly() throws Exception {
        Path socket = dir.resolve("env.sock");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.director.cli.Main"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("env-server.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("DIRECTOR_MODE", "server");
        env.put("DIRECTOR_SOCKET_PATH", socket.toString());
        env.put("DIRECTOR_DATASTORE", "sqlite:" + dir.resolve("env.db"));
        env.put("DIRECTOR_BIND_ADDRESS", "127.0.0.1");
        env.put("DIRECTOR_JOB_PORT", "0");
        env.put("DIRECTOR_TRANSFER_PORT", "0");
        Process server = builder.start();
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            CliRun.Result nodes;
            do {
                assertTrue(server.isAlive(), () -> "server exited: " + read(dir.resolve("env-server.log")));
                assertTrue(System.currentTimeMillis() < deadline, "server did not start");
                Thread.sleep(50);
                nodes = CliRun.against(socket, "manage", "--list-nodes", "--json");
            } while (nodes.exitCode() != 0);
            assertEquals(0, nodes.json().path("nodes").size());
            assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(socket)), "the CLI socket is 0660");

            long stop = System.currentTimeMillis();
            server.destroy();
            assertTrue(server.waitFor(5, TimeUnit.SECONDS), "stopped within 5 s of SIGTERM");
            assertTrue(System.currentTimeMillis() - stop < 5000);
            assertTrue(read(dir.resolve("env-server.log")).contains("director server stopped"));
        } finally {
            server.destroyForcibly();
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }

    @Test
    void localClusterIsUsableFromTests() {
        // Guards the harness the end-to-end tests rely on: ports are distinct and free.
        LocalCluster cluster = new LocalCluster(dir, 1, List.of());
        assertTrue(cluster.jobPort() > 0);
        assertEquals(dir.resolve("director.sock"), cluster.socketPath());
    }
}
