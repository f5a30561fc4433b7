package io.director.server.transfer;

import io.director.dsl.verb.JobDefinition;
import io.director.dsl.wire.TransferFile;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.PatternSyntaxException;

/**
 * Expands the sources of an ADD or COPY job, on the server host, into the files the job brings
 * to nodes. Called on an API connection thread at submission; it reads and hashes every file
 * (its SHA-256, and in the same read the CRC32C of each chunk, kept in {@link ChunkChecksums}
 * for the transfer endpoint), so it may block for a while and must never run on the server loop.
 * <p>
 * The payload is {@code SRC… DEST}; every word but the last is a source. A source is a path,
 * absolute or relative to the CLI user's working directory. Its file-name part may be a glob in
 * {@link java.nio.file.FileSystem#getPathMatcher java.nio PathMatcher} syntax ({@code *},
 * {@code ?}, {@code [a-z]}, {@code {a,b}}); its directory part may not. A glob does not recurse,
 * matches regular files only (directories among its matches are left out), and its {@code *}
 * also matches names that start with '.', unlike a shell's. A source without glob characters
 * must be a readable regular file. Symbolic links are followed; the path kept is the one
 * matched, made absolute and normalized. A file named by two sources is listed once. Sources
 * cannot be templates: templates are rendered on each node, sources are read here (DEST may be
 * one).
 */
public final class FileManifest {

    /** Most files one job may bring, so its dispatch message stays far below the message cap. */
    public static final int MAX_FILES = 10_000;

    private static final String GLOB_CHARACTERS = "*?[{";

    private FileManifest() {
    }

    /**
     * The files of an ADD/COPY job, sorted by path.
     *
     * @param definition    the parsed ADD or COPY job
     * @param baseDirectory the CLI user's working directory for relative sources, or null when
     *                      the CLI did not send one (then relative sources are refused)
     * @param checksums     where each file's chunk checksums are kept for the transfer endpoint
     * @throws ManifestException naming the first source that matches nothing, is a directory,
     *                           cannot be read, or has a glob in its directory part
     */
    public static List<TransferFile> of(JobDefinition definition, Path baseDirectory, ChunkChecksums checksums)
            throws ManifestException {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(checksums, "checksums");
        String verb = definition.verb();
        List<String> words = definition.payloadWords();
        if (words.size() < 2) {
            throw new ManifestException(verb + ": expected SRC... DEST, got '" + definition.payload() + "'");
        }
        TreeMap<String, TransferFile> files = new TreeMap<>();
        for (String source : words.subList(0, words.size() - 1)) {
            if (source.contains("{{") || source.contains("{%")) {
                throw new ManifestException(verb + ": source '" + source + "' is a template, but sources are read on"
                        + " the server, where templates are not rendered; only DEST may use one");
            }
            for (Path path : expand(verb, source, baseDirectory)) {
                String key = path.toString();
                if (!files.containsKey(key)) {
                    files.put(key, describe(verb, path, checksums));
                }
                if (files.size() > MAX_FILES) {
                    throw new ManifestException(verb + ": more than " + MAX_FILES + " files to transfer (at '"
                            + source + "'); narrow the sources");
                }
            }
        }
        return List.copyOf(files.values());
    }

    private static List<Path> expand(String verb, String source, Path baseDirectory) throws ManifestException {
        Path path;
        try {
            path = Path.of(source);
        } catch (InvalidPathException e) {
            throw new ManifestException(verb + ": '" + source + "' is not a valid path: " + e.getReason());
        }
        if (!path.isAbsolute()) {
            if (baseDirectory == null) {
                throw new ManifestException(verb + ": relative source '" + source
                        + "' needs the CLI's working directory; give an absolute path");
            }
            path = baseDirectory.resolve(path);
        }
        path = path.toAbsolutePath().normalize();
        Path name = path.getFileName();
        Path directory = path.getParent();
        if (name == null || directory == null) {
            throw new ManifestException(verb + ": '" + source + "' is a directory; name the files to transfer");
        }
        if (hasGlob(directory.toString())) {
            throw new ManifestException(verb + ": '" + source
                    + "' has a glob in its directory part; globs are allowed only in the file name");
        }
        if (!hasGlob(name.toString())) {
            if (Files.isDirectory(path)) {
                throw new ManifestException(verb + ": '" + source + "' is a directory; name the files to transfer"
                        + " (e.g. '" + source.replaceAll("/+$", "") + "/*')");
            }
            if (!Files.exists(path)) {
                throw new ManifestException(verb + ": no file matches '" + source + "'");
            }
            return List.of(path);
        }
        PathMatcher matcher;
        try {
            matcher = FileSystems.getDefault().getPathMatcher("glob:" + name);
        } catch (PatternSyntaxException e) {
            throw new ManifestException(verb + ": '" + source + "' is not a valid glob: " + e.getDescription());
        }
        List<Path> matches = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory,
                entry -> matcher.matches(entry.getFileName()) && Files.isRegularFile(entry))) {
            for (Path entry : entries) {
                matches.add(entry);
            }
        } catch (NoSuchFileException e) {
            throw new ManifestException(verb + ": no file matches '" + source + "' (no directory " + directory + ")");
        } catch (IOException | RuntimeException e) {
            throw new ManifestException(verb + ": cannot list " + directory + " for '" + source + "': " + reason(e));
        }
        if (matches.isEmpty()) {
            throw new ManifestException(verb + ": no file matches '" + source + "'");
        }
        return matches;
    }

    private static boolean hasGlob(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (GLOB_CHARACTERS.indexOf(text.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static TransferFile describe(String verb, Path path, ChunkChecksums checksums) throws ManifestException {
        if (!Files.isRegularFile(path)) {
            throw new ManifestException(verb + ": '" + path + "' is not a regular file");
        }
        if (!Files.isReadable(path)) {
            throw new ManifestException(verb + ": cannot read '" + path + "' on the server (permission denied)");
        }
        try {
            // The size is what was read, so size, SHA-256 and checksums describe the same bytes.
            ChunkChecksums.Reading reading = ChunkChecksums.read(path, Long.MAX_VALUE);
            TransferFile file = new TransferFile(path.toString(), reading.size(), reading.sha256(), mode(path));
            checksums.remember(file, reading.crc32c());
            return file;
        } catch (IOException e) {
            throw new ManifestException(verb + ": cannot read '" + path + "' on the server: " + reason(e));
        }
    }

    /** The rwx bits for owner, group and others; 0644 where the file system has no POSIX modes. */
    private static int mode(Path path) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view == null) {
            return 0644;
        }
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            // The enum runs OWNER_READ .. OTHERS_EXECUTE, i.e. from bit 8 down to bit 0.
            mode |= 1 << (8 - permission.ordinal());
        }
        return mode;
    }

    private static String reason(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replace('\n', ' ');
    }
}
