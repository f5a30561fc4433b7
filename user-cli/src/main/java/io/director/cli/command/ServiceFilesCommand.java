package io.director.cli.command;

import io.director.cli.CliException;
import io.director.cli.ConfigDefaults;
import io.director.cli.ExitCodes;
import io.director.cli.service.Installation;
import io.director.cli.service.ServiceFiles.Kind;
import io.director.cli.service.ServiceFiles.Mode;
import io.director.cli.service.ServiceFiles;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code director service-files systemd|rcd server|client}: writes a systemd unit or an rc.d
 * script with the paths of this installation: its launcher, the config file, and the server's
 * state and socket directories and group as the config file sets them.
 */
final class ServiceFilesCommand implements Callable<Integer>, JsonAware, DirectorSubcommand {

    private final CommandSpec spec = Options.command(this, "service-files",
            "Write a systemd unit or FreeBSD rc.d script for the server or the client, with this "
                    + "installation's paths, and print how to enable it.");

    private final DirectorCommand root;

    private final JsonOption json = JsonOption.addTo(spec);

    private final PositionalParamSpec kind = Options.parameter("0", "KIND", "systemd or rcd (FreeBSD).").build();

    private final PositionalParamSpec mode = Options.parameter("1", "MODE", "server or client.").build();

    private final OptionSpec output = Options.value("--output", Path.class, "DIR",
            "Directory to write to (default: /etc/systemd/system, or /usr/local/etc/rc.d for rcd).").build();

    private final OptionSpec force = Options.flag("--force", "Overwrite an existing file.").fallbackValue("true").build();

    private final OptionSpec home = Options.value("--install-dir", Path.class, "DIR",
            "The installation to start (the directory holding bin/director; default: this one).").build();

    private final OptionSpec user = Options.value("--user", String.class, "NAME",
            "Server: the user it runs as (default: ${DEFAULT-VALUE}); the client runs as root.")
            .defaultValue("director").build();

    // The next two are the server's own options: the config file's values reach both commands.
    private final OptionSpec socketGroup = Options.value("--socket-group", String.class, "NAME",
            "Server: its group, which may use the CLI socket (default: the config file's, else "
                    + "${DEFAULT-VALUE}).").defaultValue("director").build();

    private final OptionSpec datastore = Options.value("--datastore", String.class, "URL",
            "Server: its datastore, whose directory the service makes and may write "
                    + "(default: the config file's, else ${DEFAULT-VALUE}).")
            .defaultValue("sqlite:/var/lib/director/server.db").build();

    ServiceFilesCommand(DirectorCommand root) {
        this.root = root;
        spec.addPositional(kind);
        spec.addPositional(mode);
        spec.addOption(output);
        spec.addOption(force);
        spec.addOption(home);
        spec.addOption(user);
        spec.addOption(socketGroup);
        spec.addOption(datastore);
    }

    @Override
    public CommandSpec spec() {
        return spec;
    }

    @Override
    public boolean json() {
        return json.enabled();
    }

    @Override
    public Integer call() throws IOException {
        String kind = this.kind.getValue();
        String mode = this.mode.getValue();
        Path output = this.output.getValue();
        Path home = this.home.getValue();
        String user = this.user.getValue();
        String socketGroup = this.socketGroup.getValue();
        String datastore = this.datastore.getValue();
        Kind kindValue = parse(Kind.class, kind, "kind");
        Mode modeValue = parse(Mode.class, mode, "mode");
        Path installation = home != null ? home.toAbsolutePath().normalize() : Installation.home().orElseThrow(() ->
                new CliException(ExitCodes.INVALID_INPUT, "cannot find bin/director above the running jar: name the "
                        + "installation with --install-dir DIR"));
        Path launcher = installation.resolve("bin").resolve("director");
        if (!Files.isExecutable(launcher)) {
            throw new CliException(ExitCodes.INVALID_INPUT, launcher + " is not an executable launcher");
        }
        Path configFile = Path.of(root.configFile() != null ? root.configFile() : ConfigDefaults.DEFAULT_CONFIG_FILE)
                .toAbsolutePath().normalize();
        if (!datastore.startsWith("sqlite:")) {
            throw new CliException(ExitCodes.INVALID_INPUT, "unsupported datastore '" + datastore
                    + "': use sqlite:/path/to/server.db");
        }
        Path stateDir = Path.of(datastore.substring("sqlite:".length())).toAbsolutePath().normalize().getParent();
        Path socketDir = root.socketPath().toAbsolutePath().normalize().getParent();
        String text;
        try {
            text = ServiceFiles.render(kindValue, modeValue, new ServiceFiles.Settings(installation, configFile, user,
                    socketGroup, stateDir, socketDir));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.INVALID_INPUT, e.getMessage());
        }

        Path dir = output != null ? output.toAbsolutePath().normalize() : ServiceFiles.defaultDirectory(kindValue);
        Path file = dir.resolve(ServiceFiles.fileName(kindValue, modeValue));
        write(file, text, ServiceFiles.executable(kindValue));
        String enable = ServiceFiles.enableCommand(kindValue, modeValue, file);

        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("file", file.toString());
            document.put("kind", kindValue.name());
            document.put("mode", modeValue.name());
            document.put("launcher", launcher.toString());
            document.put("config_file", configFile.toString());
            document.put("config_file_exists", Files.exists(configFile));
            document.put("enable", enable);
            out.println(JsonOption.json(document));
        } else {
            out.println("wrote " + file);
            if (modeValue == Mode.server) {
                out.println("the server runs as user '" + user + "', group '" + socketGroup
                        + "' (members may use the CLI socket); create them first if needed (docs/operations.md)");
            }
            if (!Files.exists(configFile)) {
                out.println("note: " + configFile + " does not exist yet; the service needs it (start from "
                        + installation.resolve("config.example.yaml") + ")");
            }
            out.println("to enable and start it: " + enable);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String what) {
        return Arrays.stream(type.getEnumConstants()).filter(c -> c.name().equals(value)).findFirst()
                .orElseThrow(() -> new CliException(ExitCodes.INVALID_INPUT, "unknown " + what + " '" + value
                        + "': use " + String.join(" or ", Arrays.stream(type.getEnumConstants()).map(Enum::name)
                        .toList())));
    }

    /** Written in full under a temporary name, then moved into place: an init system never reads half a file. */
    private void write(Path file, String text, boolean executable) throws IOException {
        if (Files.exists(file) && !Options.on(force)) {
            throw new CliException(ExitCodes.FAILED, file + " exists; pass --force to overwrite it");
        }
        Files.createDirectories(file.getParent());
        Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, text);
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(executable ? "rwxr-xr-x"
                    : "rw-r--r--"));
            if (Options.on(force)) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.move(temporary, file);
            }
        } catch (FileAlreadyExistsException e) {
            throw new CliException(ExitCodes.FAILED, file + " exists; pass --force to overwrite it");
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
