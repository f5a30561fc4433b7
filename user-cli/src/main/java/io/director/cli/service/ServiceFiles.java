package io.director.cli.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The service definitions of {@code service-files/} (systemd units, FreeBSD rc.d scripts),
 * shipped in the jar as templates whose {@code @NAME@} tokens are filled in with the paths of one
 * installation.
 */
public final class ServiceFiles {

    /** The init system a definition is for. */
    public enum Kind { systemd, rcd }

    /** Which daemon it runs. */
    public enum Mode { server, client }

    /** Characters allowed in a path written into a definition: no quoting, no systemd specifier, no shell. */
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._/+-]*");
    /** A user or group name as useradd and pw accept them. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9._-]*");
    private static final Pattern TOKEN = Pattern.compile("@([A-Z_]+)@");
    /**
     * Directories the server's service must never take over: it makes its state and socket
     * directories with its own owner and mode before each start.
     */
    private static final Set<Path> SYSTEM_DIRECTORIES = Stream.of("/", "/bin", "/boot",
            "/dev", "/etc", "/home", "/lib", "/lib64", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin",
            "/srv", "/sys", "/tmp", "/usr", "/usr/local", "/usr/local/etc", "/var", "/var/cache", "/var/db",
            "/var/lib", "/var/log", "/var/run", "/var/tmp").map(Path::of).collect(Collectors.toSet());
    /** Paths under which the server's unit must leave home directories readable, not hidden. */
    private static final List<Path> HOMES = List.of(Path.of("/home"), Path.of("/root"), Path.of("/run/user"));

    /**
     * What a definition is filled in with.
     *
     * @param home       the installation: {@code bin/director} and {@code docs/} are in it
     * @param configFile the config file the daemon is started with
     * @param user       the server's user (the client runs as root)
     * @param group      the server's group, which may use the CLI socket
     * @param stateDir   the server's state directory (the datastore's)
     * @param socketDir  the directory of the server's CLI socket
     */
    public record Settings(Path home, Path configFile, String user, String group, Path stateDir, Path socketDir) {
        public Settings {
            Objects.requireNonNull(home, "home");
            Objects.requireNonNull(configFile, "configFile");
        }

        public Path launcher() {
            return home.resolve("bin").resolve("director");
        }
    }

    private ServiceFiles() {
    }

    /** The file name a definition is installed under. */
    public static String fileName(Kind kind, Mode mode) {
        return kind == Kind.systemd ? "director-" + mode + ".service" : "director_" + mode;
    }

    /** Where the init system looks for definitions written by the administrator. */
    public static Path defaultDirectory(Kind kind) {
        return kind == Kind.systemd ? Path.of("/etc/systemd/system") : Path.of("/usr/local/etc/rc.d");
    }

    /** rc.d scripts are run, units are read. */
    public static boolean executable(Kind kind) {
        return kind == Kind.rcd;
    }

    /** The template as shipped, tokens and all. */
    public static String template(Kind kind, Mode mode) {
        String resource = "/service-files/" + fileName(kind, mode) + ".in";
        try (InputStream in = ServiceFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the template " + resource + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The definition with every token filled in. A value that cannot be written safely (a path
     * with a space, quote, {@code %} or {@code $}; a strange user name) is refused.
     *
     * @throws IllegalArgumentException naming the value and what is wrong with it
     */
    public static String render(Kind kind, Mode mode, Settings settings) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("HOME", path("the installation directory", settings.home()));
        values.put("LAUNCHER", path("the launcher", settings.launcher()));
        values.put("CONFIG_FILE", path("the config file", settings.configFile()));
        if (mode == Mode.server) {
            values.put("USER", name("user", settings.user()));
            values.put("GROUP", name("group", settings.group()));
            values.put("STATE_DIR", ownDirectory("the state directory", settings.stateDir(), "datastore",
                    "sqlite:/var/lib/director/server.db"));
            values.put("SOCKET_DIR", ownDirectory("the socket directory", settings.socketDir(), "socket-path",
                    "/run/director/director.sock"));
            boolean underHome = List.of(settings.home(), settings.configFile(), settings.stateDir(),
                    settings.socketDir()).stream().anyMatch(p -> HOMES.stream().anyMatch(p::startsWith));
            // ProtectHome=yes hides home directories entirely; an installation in one must stay readable.
            values.put("PROTECT_HOME", underHome ? "read-only" : "yes");
        }
        Matcher matcher = TOKEN.matcher(template(kind, mode));
        StringBuilder rendered = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalStateException("template " + fileName(kind, mode) + ".in has an unknown token "
                        + matcher.group());
            }
            matcher.appendReplacement(rendered, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(rendered);
        return rendered.toString();
    }

    /** The commands that enable and start a definition written at {@code file}. */
    public static String enableCommand(Kind kind, Mode mode, Path file) {
        String name = fileName(kind, mode);
        if (kind == Kind.systemd) {
            return file.getParent().equals(defaultDirectory(kind))
                    ? "systemctl daemon-reload && systemctl enable --now " + name
                    : "systemctl enable --now " + file;
        }
        String enable = "sysrc " + name + "_enable=YES && service " + name + " start";
        return file.getParent().equals(defaultDirectory(kind)) ? enable
                : "install -m 0555 " + file + " " + defaultDirectory(kind).resolve(name) + " && " + enable;
    }

    private static String path(String what, Path path) {
        Objects.requireNonNull(path, what);
        String text = path.toString();
        if (!path.isAbsolute() || !SAFE_PATH.matcher(text).matches()) {
            throw new IllegalArgumentException(what + " '" + text + "' cannot be written into a service definition:"
                    + " it must be an absolute path of letters, digits and . _ / + - only");
        }
        return text;
    }

    private static String ownDirectory(String what, Path dir, String option, String example) {
        String text = path(what, dir);
        if (SYSTEM_DIRECTORIES.contains(dir.normalize())) {
            throw new IllegalArgumentException(what + " '" + text + "' is a system directory, which the service would"
                    + " take over: give the " + option + " a directory of its own (like " + example + ")");
        }
        return text;
    }

    private static String name(String what, String name) {
        if (name == null || !SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("the " + what + " '" + name + "' is not a valid " + what + " name");
        }
        return name;
    }
}
