package io.director.cli.command;

import io.director.cli.CliException;
import io.director.cli.CliRun;
import io.director.cli.ConfigDefaults;
import io.director.cli.ExitCodes;
import io.director.cli.cluster.LocalCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Options come from the command line, then DIRECTOR_* variables, then the config file, then defaults. */
class ConfigPrecedenceTest {

    @TempDir
    Path dir;

    private static <T> T parse(Map<String, String> environment, String... args) {
        CommandLine commandLine = DirectorCommand.commandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        commandLine.setDefaultValueProvider(ConfigDefaults.load(args, environment,
                ConfigDefaults.optionNames(commandLine)));
        CommandLine.ParseResult result = commandLine.parseArgs(args);
        return result.subcommand().commandSpec().commandLine().getCommand();
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
        ServerCommand server = parse(Map.of("DIRECTOR_JOB_PORT", "7002", "DIRECTOR_DATASTORE", "sqlite:/from/env.db"),
                "server", "--config-file", config.toString(), "--job-port", "7003");
        assertEquals(7003, server.cluster.jobPort, "command line wins");
        assertEquals("sqlite:/from/env.db", server.datastore, "environment beats the file");
        assertEquals(1.0, server.cluster.heartbeatInterval, "the file beats the default");
        assertEquals("127.0.0.2", server.bindAddress);
        assertTrue(server.root.debug(), "debug: true from the seed's config works");
        assertEquals(5556, server.cluster.transferPort, "the default when nothing says otherwise");
    }

    @Test
    void configFileNamedByEnvironmentAndInheritedOptionsAfterTheSubcommand() throws Exception {
        Path config = dir.resolve("client.yaml");
        Files.writeString(config, "identity: from-file\nlabels: {role: db, zone: b}\n");
        ClientCommand client = parse(Map.of("DIRECTOR_CONFIG_FILE", config.toString()),
                "client", "--socket-path", "/tmp/x.sock");
        assertEquals("from-file", client.identity);
        assertEquals(Map.of("role", "db", "zone", "b"), client.labels);
        assertEquals(Path.of("/tmp/x.sock"), client.root.socketPath(), "shared options may follow the sub-command");

        ClientCommand before = parse(Map.of(), "--socket-path", "/tmp/y.sock", "client");
        assertEquals(Path.of("/tmp/y.sock"), before.root.socketPath(), "or come before it");
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
