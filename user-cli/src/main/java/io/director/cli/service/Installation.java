package io.director.cli.service;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;

/**
 * Where this copy of Director is installed: the directory holding {@code bin/director}, found
 * from the location of the running code. In an unpacked distribution the jar is
 * {@code HOME/lib/director.jar}; in a source checkout it is {@code HOME/user-cli/target/director.jar}
 * (or, under tests, the classes directory next to it).
 */
public final class Installation {

    /** How far up from the jar or classes directory {@code bin/director} may be. */
    private static final int MAX_LEVELS = 4;

    private Installation() {
    }

    /** The installation directory of the running code, if a {@code bin/director} is found above it. */
    public static Optional<Path> home() {
        CodeSource source = Installation.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return Optional.empty();
        }
        try {
            return homeAbove(asWritten(Path.of(source.getLocation().toURI())));
        } catch (URISyntaxException | IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The class path entry naming {@code location} as it was written. The JVM resolves links in
     * the code source, and an installation reached through a linked directory (/opt/director) must
     * keep that name, so service files survive an upgrade that moves the link.
     */
    private static Path asWritten(Path location) throws IOException {
        Path real = location.toRealPath();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.exists(Path.of(entry)) && Path.of(entry).toRealPath().equals(real)) {
                return Path.of(entry);
            }
        }
        return location;
    }

    /** The nearest directory above {@code start} (or {@code start} itself) holding an executable bin/director. */
    static Optional<Path> homeAbove(Path start) {
        Path dir = start.toAbsolutePath().normalize();
        for (int level = 0; dir != null && level <= MAX_LEVELS; level++, dir = dir.getParent()) {
            Path launcher = dir.resolve("bin").resolve("director");
            if (Files.isRegularFile(launcher) && Files.isExecutable(launcher)) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }
}
