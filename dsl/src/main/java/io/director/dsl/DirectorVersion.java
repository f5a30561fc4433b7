package io.director.dsl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The product version (from the build) and the wire protocol version. */
public final class DirectorVersion {

    /** Bumped when a message changes incompatibly; peers with another value are refused. */
    public static final int PROTOCOL = 4;

    private static final String VERSION = load();

    private DirectorVersion() {
    }

    /** The product version, e.g. {@code 0.1.0}. */
    public static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = DirectorVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
