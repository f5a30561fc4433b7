package io.director.server.transfer;

import io.director.dsl.verb.DslException;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.JobParser;
import io.director.dsl.wire.TransferChunks;
import io.director.dsl.wire.TransferFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FileManifestTest {

    @TempDir
    Path dir;

    private final ChunkChecksums checksums = new ChunkChecksums();

    @Test
    void expandsAGlobInTheFileNameIntoSortedFilesWithSizeChecksumAndMode() throws Exception {
        Path b = write("b.conf", "bee\n");
        Path a = write("a.conf", "");
        write("notes.txt", "not matched");
        Files.createDirectory(dir.resolve("dir.conf"));
        Files.setPosixFilePermissions(b, PosixFilePermissions.fromString("rwxr-x---"));

        List<TransferFile> files = FileManifest.of(add(dir + "/*.conf /etc/app/"), null, checksums);

        assertEquals(List.of(a.toString(), b.toString()), files.stream().map(TransferFile::source).toList());
        assertEquals(0, files.get(0).size());
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", files.get(0).sha256());
        assertEquals(4, files.get(1).size());
        assertEquals("c150e5a8a604acebd8d15bd7bf8ea96b2874bdcc91dee6319977d353251283b0", files.get(1).sha256());
        assertEquals(0750, files.get(1).mode());
    }

    @Test
    void recordsTheCrc32cOfEachChunkAsTheFileWasWhenListed() throws Exception {
        byte[] bytes = new byte[2 * TransferChunks.CHUNK_BYTES + 1000];
        new Random(7).nextBytes(bytes);
        Path path = Files.write(dir.resolve("data.bin"), bytes);

        TransferFile file = FileManifest.of(add(path + " /srv/"), null, checksums).get(0);
        Files.write(path, new byte[bytes.length]); // what was recorded, not what is there now

        assertEquals(bytes.length, file.size());
        for (int offset = 0; offset < bytes.length; offset += TransferChunks.CHUNK_BYTES) {
            int length = Math.min(TransferChunks.CHUNK_BYTES, bytes.length - offset);
            assertEquals(OptionalLong.of(TransferChunks.crc32c(ByteBuffer.wrap(bytes, offset, length))),
                    checksums.crc32c(file, offset), "chunk at " + offset);
        }
    }

    @Test
    void resolvesRelativeSourcesAgainstTheWorkingDirectoryAndNormalizesThem() throws Exception {
        Path file = write("app.conf", "x");
        Files.createDirectory(dir.resolve("sub"));

        List<TransferFile> files = FileManifest.of(add("sub/../app.conf /etc/app.conf"), dir, checksums);

        assertEquals(List.of(file.toString()), files.stream().map(TransferFile::source).toList());
    }

    @Test
    void listsAFileNamedByTwoSourcesOnce() throws Exception {
        write("app.conf", "x");

        List<TransferFile> files = FileManifest.of(add(dir + "/app.conf " + dir + "/*.conf /etc/"), null, checksums);

        assertEquals(1, files.size());
    }

    @Test
    void aGlobMatchingNothingIsAnErrorNamingIt() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> FileManifest.of(add(dir + "/*.conf /etc/"), null, checksums));

        assertEquals("ADD: no file matches '" + dir + "/*.conf'", e.getMessage());
    }

    @Test
    void aMissingFileIsAnErrorNamingIt() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> FileManifest.of(copy("missing.conf /etc/"), dir, checksums));

        assertEquals("COPY: no file matches 'missing.conf'", e.getMessage());
    }

    @Test
    void aDirectoryIsAnErrorNamingIt() throws IOException {
        Files.createDirectory(dir.resolve("conf.d"));

        ManifestException e = assertThrows(ManifestException.class,
                () -> FileManifest.of(add(dir + "/conf.d /etc/"), null, checksums));

        assertEquals("ADD: '" + dir + "/conf.d' is a directory; name the files to transfer (e.g. '" + dir
                + "/conf.d/*')", e.getMessage());
    }

    @Test
    void aGlobInTheDirectoryPartIsAnError() throws IOException {
        Files.createDirectory(dir.resolve("a"));
        write("a/x.conf", "x");

        ManifestException e = assertThrows(ManifestException.class,
                () -> FileManifest.of(add(dir + "/*/x.conf /etc/"), null, checksums));

        assertEquals("ADD: '" + dir + "/*/x.conf' has a glob in its directory part; globs are allowed only in the"
                + " file name", e.getMessage());
    }

    @Test
    void aRelativeSourceWithoutAWorkingDirectoryIsAnError() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> FileManifest.of(add("app.conf /etc/"), null, checksums));

        assertEquals("ADD: relative source 'app.conf' needs the CLI's working directory; give an absolute path",
                e.getMessage());
    }

    @Test
    void aPayloadWithoutDestinationIsAnError() {
        JobDefinition unvalidated = new JobDefinition("ADD", Map.of(), "/etc/hosts");

        ManifestException e = assertThrows(ManifestException.class,
                () -> FileManifest.of(unvalidated, null, checksums));

        assertEquals("ADD: expected SRC... DEST, got '/etc/hosts'", e.getMessage());
    }

    @Test
    void aTemplatedSourceIsAnError() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> FileManifest.of(add("'/srv/{{ node.identity }}.conf' /etc/app.conf"), null, checksums));

        assertEquals("ADD: source '/srv/{{ node.identity }}.conf' is a template, but sources are read on the server,"
                + " where templates are not rendered; only DEST may use one", e.getMessage());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    // Found by FileManifestFuzzTest: these escaped as unchecked exceptions, which the API
    // answers as a server error with a stack trace in the log, not as the user's mistake.
    @Test
    void refusesAnInvalidGlobAsTheUsersMistake() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> FileManifest.of(add(dir + "/[ab /etc/"), null, checksums));
        assertEquals("ADD: '" + dir + "/[ab' is not a valid glob: Missing ']", e.getMessage());
    }

    @Test
    void refusesAPathWithANulCharacterAsTheUsersMistake() {
        JobDefinition add = new JobDefinition("ADD", Map.of(), "'" + dir + "/a\u0000b' /etc/");
        ManifestException e = assertThrows(ManifestException.class,
                () -> FileManifest.of(add, null, checksums));
        assertEquals("ADD: '" + dir + "/a\u0000b' is not a valid path: Nul character not allowed", e.getMessage());
    }

    private static JobDefinition add(String arguments) throws DslException {
        return JobParser.standard().parse("ADD", arguments);
    }

    private static JobDefinition copy(String arguments) throws DslException {
        return JobParser.standard().parse("COPY", arguments);
    }
}
