package io.director.dsl.wire;

import org.zeromq.ZCert;
import org.zeromq.ZConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * CurveZMQ key files in the zcert format of ZeroMQ's own tools (JeroMQ's {@link ZCert}): a
 * secret file holds both keys and is only ever readable by its owner (mode 0600, written in a
 * private directory and moved into place, so it is never readable by others, not even briefly);
 * a public file holds the public key alone and may be copied to nodes.
 */
public final class KeyFiles {

    private KeyFiles() {
    }

    /** The key pair in this secret file; made (and written 0600) when the file does not exist. */
    public static CurveKeys loadOrCreate(Path secretFile) {
        if (Files.exists(secretFile)) {
            return readSecret(secretFile);
        }
        CurveKeys keys = CurveKeys.generate();
        writeSecret(secretFile, keys);
        return keys;
    }

    /** The key pair in a secret file; a clear error when it is unreadable, malformed or not private. */
    public static CurveKeys readSecret(Path secretFile) {
        ZConfig config = load(secretFile);
        String publicKey = config.getValue("curve/public-key");
        String secretKey = config.getValue("curve/secret-key");
        if (!CurveKeys.isKey(publicKey) || !CurveKeys.isKey(secretKey)) {
            throw new KeyFileException(secretFile + ": not a CurveZMQ secret key file (curve/public-key and "
                    + "curve/secret-key expected)");
        }
        try {
            if (!Files.getPosixFilePermissions(secretFile).equals(PosixFilePermissions.fromString("rw-------"))) {
                throw new KeyFileException(secretFile + ": secret key file must have mode 0600 (chmod 600 it, or "
                        + "delete it to make a new key)");
            }
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to check.
        } catch (IOException e) {
            throw new KeyFileException(secretFile + ": " + e.getMessage());
        }
        return new CurveKeys(publicKey, secretKey);
    }

    /** The public key in a zcert file (public or secret). */
    public static String readPublic(Path file) {
        String publicKey = load(file).getValue("curve/public-key");
        if (!CurveKeys.isKey(publicKey)) {
            throw new KeyFileException(file + ": no CurveZMQ public key (curve/public-key) in it");
        }
        return publicKey;
    }

    /** Writes the pair as a 0600 secret file, atomically. */
    public static void writeSecret(Path secretFile, CurveKeys keys) {
        write(secretFile, "rw-------", path -> new ZCert(keys.publicKey(), keys.secretKey()).saveSecret(path));
    }

    /** Writes a public key file (mode 0644), atomically. */
    public static void writePublic(Path publicFile, String publicKey) {
        write(publicFile, "rw-r--r--", path -> new ZCert(publicKey).savePublic(path));
    }

    private interface Saver {
        void save(String path) throws IOException;
    }

    private static void write(Path target, String mode, Saver saver) {
        Path dir = target.toAbsolutePath().getParent();
        Path scratch = null;
        try {
            Files.createDirectories(dir);
            // A private directory: the key is unreadable by others from its first byte.
            scratch = Files.createTempDirectory(dir, ".keys-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path staged = scratch.resolve(target.getFileName());
            saver.save(staged.toString());
            Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString(mode));
            try {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (FileSystemException e) {
            throw new KeyFileException("cannot write " + target + ": " + e.getReason());
        } catch (IOException e) {
            throw new KeyFileException("cannot write " + target + ": " + e.getMessage());
        } finally {
            if (scratch != null) {
                deleteQuietly(scratch);
            }
        }
    }

    private static ZConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new KeyFileException(file + ": no such key file");
        }
        try {
            return ZConfig.load(file.toString());
        } catch (IOException | RuntimeException e) {
            throw new KeyFileException(file + ": cannot read the key file: " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A leftover empty scratch directory is harmless.
        }
    }

    /** A key file that cannot be read, written or trusted; the message names the file. */
    public static final class KeyFileException extends RuntimeException {
        public KeyFileException(String message) {
            super(message);
        }
    }
}
