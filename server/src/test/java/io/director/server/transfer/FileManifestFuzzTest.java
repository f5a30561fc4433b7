package io.director.server.transfer;

import io.director.dsl.verb.JobDefinition;
import io.director.dsl.wire.TransferFile;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz property of {@link FileManifest}, which expands the sources of every ADD and COPY a CLI
 * submits, on the server: sources made of names, globs (valid or not), odd characters and
 * relative steps, under a directory of its own, give files inside it or a
 * {@link ManifestException}, within a time bound; never another exception (which the API
 * would report as a server error).
 */
class FileManifestFuzzTest {

    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final ChunkChecksums CHECKSUMS = new ChunkChecksums();
    private static Path dir;

    @BeforeContainer
    static void createFiles() throws IOException {
        dir = Files.createTempDirectory("manifest-fuzz");
        Files.createDirectories(dir.resolve("sub/deeper"));
        for (String name : List.of("a.conf", "b.conf", ".hidden", "sub/c.txt", "sub/deeper/d", "[x]", "{y}", "star*")) {
            Files.writeString(dir.resolve(name), name);
        }
    }

    @AfterContainer
    static void deleteFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** Pieces of sources; only ever inside the directory, so nothing outside it is read. */
    private static final List<String> PIECES = List.of("a.conf", "b.conf", ".hidden", "sub", "deeper", "d", "c.txt",
            "nothing", "*", "?", "*.conf", "[ab].conf", "[", "]", "[!", "[z-a]", "{", "}", "{a,b}.conf", "{a,", "\\",
            "\\\\", "**", "..", ".", "/", "//", "\u0000", "\n", " ", "é", "[x]", "{y}", "star*", "'", "\"");

    @Provide
    Arbitrary<List<String>> sources() {
        Arbitrary<String> soup = Arbitraries.of(PIECES).list().ofMinSize(1).ofMaxSize(4)
                .map(pieces -> String.join("", pieces));
        // sources that name files, from the base directory two levels down
        Arbitrary<String> good = Arbitraries.of("d", "*", "../c.txt", "../../a.conf", "../../*.conf",
                "../../[ab].conf", "../../{a,b}.conf", "../../.hidden", "../../[[]x]", "./../deeper/d");
        return Arbitraries.frequencyOf(Tuple.of(3, good), Tuple.of(2, soup)).list().ofMinSize(1).ofMaxSize(2);
    }

    @Property(tries = 1500)
    @StatisticsReport(onFailureOnly = true)
    void sourcesGiveFilesInsideTheirDirectoryOrAManifestException(@ForAll("sources") List<String> sources,
                                                                   @ForAll boolean absolute) {
        // two levels down: four pieces hold at most two steps up, so no source leaves the directory
        Path base = dir.resolve("sub/deeper");
        List<String> words = new ArrayList<>();
        for (String source : sources) {
            // a "relative" source that starts with '/' would be absolute: keep it under the base
            words.add(quote(absolute ? base + "/" + source : source.startsWith("/") ? "." + source : source));
        }
        words.add("/etc/app/");
        JobDefinition add = new JobDefinition("ADD", Map.of(), String.join(" ", words));
        String outcome = assertTimeoutPreemptively(BOUND, () -> {
            try {
                for (TransferFile file : FileManifest.of(add, base, CHECKSUMS)) {
                    assertTrue(Path.of(file.source()).startsWith(dir), file.source());
                    assertTrue(Files.isRegularFile(Path.of(file.source())), file.source());
                }
                return "files";
            } catch (ManifestException e) {
                assertFalse(e.getMessage() == null || e.getMessage().isBlank());
                return "refused";
            }
        }, () -> "no answer within " + BOUND + " for " + add.payload());
        Statistics.collect(outcome);
        Statistics.coverage(checker -> {
            checker.check("files").percentage(p -> p > 10);
            checker.check("refused").percentage(p -> p > 10);
        });
    }

    /** One shell word holding the text as it is: the payload is split like a shell would. */
    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
