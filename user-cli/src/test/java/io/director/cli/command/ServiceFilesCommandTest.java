package io.director.cli.command;

import io.director.cli.CliRun;
import io.director.cli.ExitCodes;
import io.director.cli.service.Installation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code director service-files}: what it writes, where, with which paths; the units checked by
 * {@code systemd-analyze verify}, the rc.d scripts by {@code sh -n} and against rc.subr's contract.
 */
class ServiceFilesCommandTest {

    @TempDir
    Path dir;

    private Path config;
    private Path home;

    @BeforeEach
    void config() throws IOException {
        config = dir.resolve("etc").resolve("config.yaml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
                socket-path: %s
                datastore: sqlite:%s
                socket_group: operators
                heartbeat_interval: 1
                """.formatted(dir.resolve("run/director.sock"), dir.resolve("state/server.db")));
        home = Installation.home().orElseThrow();
    }

    private CliRun.Result serviceFiles(String... args) {
        List<String> all = new ArrayList<>(List.of("service-files"));
        all.addAll(List.of(args));
        all.addAll(List.of("--output", dir.resolve("out").toString(), "--config-file", config.toString()));
        return CliRun.run(Map.of(), all.toArray(String[]::new));
    }

    @Test
    void writesEachDefinitionWithThisInstallationsPathsAndHowToEnableIt() throws Exception {
        CliRun.Result server = serviceFiles("systemd", "server");
        assertEquals(0, server.exitCode(), server.toString());
        Path unit = dir.resolve("out/director-server.service");
        String text = Files.readString(unit);
        assertTrue(text.contains("\nExecStart=" + home.resolve("bin/director") + " server --config-file " + config
                + "\n"), text);
        assertTrue(text.contains("\nGroup=operators\n") && text.contains("\nUser=director\n"), text);
        assertTrue(text.contains("\nReadWritePaths=" + dir.resolve("state") + " " + dir.resolve("run") + "\n"), text);
        assertFalse(text.matches("(?s).*@[A-Z_]+@.*"), "every token is filled in:\n" + text);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(unit)));
        assertTrue(server.out().startsWith("wrote " + unit + "\n"), server.out());
        assertTrue(server.out().contains("to enable and start it: systemctl enable --now " + unit), server.out());

        CliRun.Result client = serviceFiles("rcd", "client");
        assertEquals(0, client.exitCode(), client.toString());
        Path script = dir.resolve("out/director_client");
        assertTrue(Files.readString(script).contains(": ${director_client_launcher:=\"" + home.resolve("bin/director")
                + "\"}"), Files.readString(script));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(script)));
        assertTrue(client.out().contains("to enable and start it: install -m 0555 " + script
                + " /usr/local/etc/rc.d/director_client && sysrc director_client_enable=YES"
                + " && service director_client start"), client.out());

        CliRun.Result json = serviceFiles("systemd", "client", "--json");
        assertEquals(0, json.exitCode(), json.toString());
        assertEquals(dir.resolve("out/director-client.service").toString(), json.json().path("file").asText());
        assertTrue(json.json().path("config_file_exists").asBoolean());
        assertEquals("systemctl enable --now " + dir.resolve("out/director-client.service"),
                json.json().path("enable").asText());
    }

    @Test
    void refusesToOverwriteWithoutForce() throws Exception {
        assertEquals(0, serviceFiles("systemd", "client").exitCode());
        Path unit = dir.resolve("out/director-client.service");
        Files.writeString(unit, "# edited by hand\n");

        CliRun.Result again = serviceFiles("systemd", "client");
        assertEquals(ExitCodes.FAILED, again.exitCode(), again.toString());
        assertEquals("director service-files: " + unit + " exists; pass --force to overwrite it\n", again.err());
        assertEquals("# edited by hand\n", Files.readString(unit), "left as it was");

        CliRun.Result forced = serviceFiles("systemd", "client", "--force");
        assertEquals(0, forced.exitCode(), forced.toString());
        assertTrue(Files.readString(unit).contains("KillMode=process"));
        try (var files = Files.list(unit.getParent())) {
            assertEquals(List.of(unit), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void badKindModeOrPathIsOneLineAndExit2() {
        CliRun.Result kind = serviceFiles("upstart", "server");
        assertEquals(ExitCodes.INVALID_INPUT, kind.exitCode());
        assertEquals("director service-files: unknown kind 'upstart': use systemd or rcd\n", kind.err());

        CliRun.Result mode = serviceFiles("rcd", "agent", "--json");
        assertEquals(ExitCodes.INVALID_INPUT, mode.exitCode());
        assertEquals("unknown mode 'agent': use server or client", mode.json().path("error").asText());

        CliRun.Result spaced = serviceFiles("systemd", "server", "--datastore", "sqlite:/var/lib/my director/s.db");
        assertEquals(ExitCodes.INVALID_INPUT, spaced.exitCode());
        assertTrue(spaced.err().startsWith("director service-files: the state directory '/var/lib/my director'"
                + " cannot be written into a service definition"), spaced.err());
        CliRun.Result system = serviceFiles("rcd", "server", "--datastore", "sqlite:/var/lib/server.db");
        assertEquals(ExitCodes.INVALID_INPUT, system.exitCode());
        assertEquals("director service-files: the state directory '/var/lib' is a system directory, which the service"
                + " would take over: give the datastore a directory of its own (like sqlite:/var/lib/director/server.db)\n",
                system.err());
        assertFalse(Files.exists(dir.resolve("out/director-server.service")), "nothing written");
        assertFalse(Files.exists(dir.resolve("out/director_server")), "nothing written");
    }

    @Test
    void systemdUnitsPassSystemdAnalyzeVerify() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux"), "systemd is Linux's");
        for (String mode : List.of("server", "client")) {
            assertEquals(0, serviceFiles("systemd", mode).exitCode());
            Path unit = dir.resolve("out/director-" + mode + ".service");
            Run verify = verify(unit);
            assertEquals(0, verify.exitCode(), verify.output());
            assertEquals("", verify.output(), "no warning about " + unit.getFileName());
        }
        // The check can fail: a misspelt setting in a copy of the server's unit is reported.
        Path broken = dir.resolve("broken/director-server.service");
        Files.createDirectories(broken.getParent());
        Files.writeString(broken, Files.readString(dir.resolve("out/director-server.service"))
                .replace("KillMode", "KilMode").replace("LimitNOFILE=", "LimitNOFLIE="));
        Run verify = verify(broken);
        assertTrue(verify.output().contains("LimitNOFLIE"), verify.output());
    }

    private static Run verify(Path unit) throws Exception {
        String tool = onPath("systemd-analyze");
        assertNotEquals(null, tool, "systemd-analyze is not installed (Debian: apt-get install systemd; .ci/run does)");
        // --man=no: man pages named in Documentation= are not looked up (none are, but hosts differ).
        return run(List.of(tool, "verify", "--man=no", unit.toString()), Map.of());
    }

    @Test
    void rcdScriptsPassShAndKeepTheRcSubrContract() throws Exception {
        for (String mode : List.of("server", "client")) {
            assertEquals(0, serviceFiles("rcd", mode).exitCode());
            String name = "director_" + mode;
            Path script = dir.resolve("out").resolve(name);
            Run syntax = run(List.of("sh", "-n", script.toString()), Map.of());
            assertEquals(0, syntax.exitCode(), syntax.output());

            List<String> lines = Files.readAllLines(script);
            assertEquals("#!/bin/sh", lines.get(0));
            assertTrue(lines.contains("# PROVIDE: " + name), "PROVIDE names the script");
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("# REQUIRE:") && l.contains("NETWORKING")));
            assertTrue(lines.contains("# KEYWORD: shutdown"), "stopped at shutdown");
            int subr = lines.indexOf(". /etc/rc.subr");
            int load = lines.indexOf("load_rc_config $name");
            int firstDefault = indexOfFirst(lines, ": ${");
            assertTrue(subr > 0 && subr < lines.indexOf("name=\"" + name + "\"") && subr < load, "rc.subr first");
            assertTrue(lines.contains("rcvar=\"" + name + "_enable\""));
            assertTrue(load < firstDefault, "rc.conf is read before the defaults fill what it left unset");
            assertTrue(lines.contains(": ${" + name + "_enable:=\"NO\"}"), "off unless enabled");
            assertTrue(lines.contains(": ${" + name + "_flags:=\"\"}"));
            assertEquals("run_rc_command \"$1\"", lines.get(lines.size() - 1), "run_rc_command comes last");
            for (String line : lines) {
                if (line.startsWith(": ${")) {
                    String variable = line.substring(4, line.indexOf(':', 4));
                    assertTrue(lines.stream().anyMatch(l -> l.startsWith("# " + variable + " (")),
                            variable + " is documented in the header");
                }
            }
        }
    }

    /** Just enough of FreeBSD's rc.subr to see what a script hands it; the script's own code runs as is. */
    private static final String FAKE_RC_SUBR = """
            load_rc_config() {
                [ "$1" = "$name" ] || { echo "load_rc_config '$1', not \\$name '$name'" >&2; exit 90; }
                [ -z "$FAKE_RC_CONF" ] || . "$FAKE_RC_CONF"
                loaded=yes
            }
            checkyesno() {
                eval _value=\\$$1
                case $_value in [Yy][Ee][Ss]|[Tt][Rr][Uu][Ee]|[Oo][Nn]|1) return 0 ;; *) return 1 ;; esac
            }
            install() { echo "install $*"; }
            run_rc_command() {
                [ "$loaded" = yes ] || { echo "run_rc_command before load_rc_config" >&2; exit 91; }
                eval echo "enable=\\$$rcvar"
                echo "pidfile=$pidfile"
                echo "required_files=$required_files"
                case "$1" in
                start)
                    checkyesno "$rcvar" || { echo "not enabled"; return 0; }
                    eval rc_flags=\\$${name}_flags
                    [ -z "$start_precmd" ] || eval "$start_precmd" || return 1
                    echo "run:" $command $rc_flags $command_args
                    ;;
                esac
            }
            """;

    @Test
    void rcdScriptsStartDaemonWithThePidfileLauncherAndFlagsLast() throws Exception {
        Path subr = dir.resolve("rc.subr");
        Files.writeString(subr, FAKE_RC_SUBR);
        String launcher = home.resolve("bin/director").toString();

        assertEquals(0, serviceFiles("rcd", "server").exitCode());
        Path server = withSubr(dir.resolve("out/director_server"), subr);
        Path rcConf = dir.resolve("rc.conf");
        Files.writeString(rcConf, """
                director_server_enable="YES"
                director_server_flags="--debug --job-port 6000"
                """);
        Run start = run(List.of("sh", server.toString(), "start"), Map.of("FAKE_RC_CONF", rcConf.toString()));
        assertEquals(0, start.exitCode(), start.output());
        assertTrue(start.output().contains("required_files=" + config + "\n"), start.output());
        assertTrue(start.output().contains("install -d -o director -g operators -m 0700 " + dir.resolve("state")
                + "\n"), start.output());
        assertTrue(start.output().contains("install -d -o director -g operators -m 0750 " + dir.resolve("run")
                + "\n"), start.output());
        assertEquals(List.of("/usr/sbin/daemon", "-f", "-r", "-R", "5", "-S", "-T", "director_server",
                "-P", "/var/run/director_server.pid", "-u", "director", launcher, "server", "--config-file",
                config.toString(), "--socket-group", "operators", "--debug", "--job-port", "6000"),
                runLine(start.output()), "daemon(8)'s options, then the server's; the flags last");

        Run disabled = run(List.of("sh", server.toString(), "start"), Map.of());
        assertTrue(disabled.output().contains("enable=NO\n") && disabled.output().contains("not enabled"),
                disabled.output());

        assertEquals(0, serviceFiles("rcd", "client").exitCode());
        Path client = withSubr(dir.resolve("out/director_client"), subr);
        Files.writeString(rcConf, """
                director_client_enable="YES"
                director_client_flags="--labels role=db"
                director_client_config="/usr/local/etc/director/config.yaml"
                """);
        Run clientStart = run(List.of("sh", client.toString(), "start"), Map.of("FAKE_RC_CONF", rcConf.toString()));
        assertEquals(List.of("/usr/sbin/daemon", "-f", "-r", "-R", "5", "-S", "-T", "director_client",
                "-P", "/var/run/director_client.pid", launcher, "client", "--config-file",
                "/usr/local/etc/director/config.yaml", "--labels", "role=db"), runLine(clientStart.output()),
                "as root (no -u); rc.conf's config file wins over the generated default");
        assertTrue(clientStart.output().contains("required_files=/usr/local/etc/director/config.yaml\n"),
                clientStart.output());
    }

    private static Path withSubr(Path script, Path subr) throws IOException {
        String text = Files.readString(script);
        assertEquals(1, text.split("\n\\. /etc/rc\\.subr\n", -1).length - 1, "sources /etc/rc.subr once");
        Path copy = script.resolveSibling(script.getFileName() + ".test");
        Files.writeString(copy, text.replace("\n. /etc/rc.subr\n", "\n. " + subr + "\n"));
        return copy;
    }

    private static List<String> runLine(String output) {
        return output.lines().filter(l -> l.startsWith("run: ")).findFirst()
                .map(l -> Arrays.asList(l.substring(5).trim().split("\\s+")))
                .orElseThrow(() -> new AssertionError("nothing started:\n" + output));
    }

    private static int indexOfFirst(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private record Run(int exitCode, String output) {
    }

    private static Run run(List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "finished: " + command);
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static String onPath(String program) {
        for (String entry : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
