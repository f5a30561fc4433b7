package io.director.dsl.orchestration;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz properties of {@link OrchestrationLoader}: the example orchestrations of the repository,
 * mutated line by line and character by character, random YAML and YAML bombs (aliases,
 * nesting, size) load or fail with an {@link OrchestrationException} whose problems are one
 * line each, at a line and column inside the file, within a time bound; never another
 * exception, never a hang.
 * Inputs they found that broke a rule are kept as examples in OrchestrationLoaderTest.
 */
class OrchestrationLoaderFuzzTest {

    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final OrchestrationLoader LOADER = new OrchestrationLoader();

    /** The example orchestrations at the repository's root: what real files look like. */
    private static final List<String> SEEDS = examples();

    private static Path dir;

    private static List<String> examples() {
        // Surefire runs in the module's directory; the examples are one level up.
        Path examples = Path.of("").toAbsolutePath().getParent().resolve("orchestrations");
        try (Stream<Path> files = Files.list(examples)) {
            List<String> texts = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                texts.add(Files.readString(file));
            }
            return List.copyOf(texts);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the example orchestrations in " + examples, e);
        }
    }

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("orchestration-fuzz");
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Example
    void theExamplesAreThereAndLoad() {
        assertTrue(SEEDS.size() >= 5, "expected the example orchestrations, found " + SEEDS.size());
        for (String seed : SEEDS) {
            assertEquals("loaded", outcome(seed));
        }
    }

    // ---------------------------------------------------------------- the properties

    @Property(tries = 1000)
    @StatisticsReport(onFailureOnly = true)
    void mutatedExamplesLoadOrFailWithPositionedProblems(@ForAll("mutants") String text) {
        Statistics.collect(outcome(text));
        Statistics.coverage(checker -> {
            checker.check("loaded").percentage(p -> p > 5);
            checker.check("refused").percentage(p -> p > 30);
        });
    }

    @Property(tries = 500)
    @StatisticsReport(onFailureOnly = true)
    void randomYamlLoadsOrFailsWithPositionedProblems(@ForAll("yamlSoup") String text) {
        Statistics.collect(outcome(text));
    }

    @Property(tries = 100)
    @StatisticsReport(onFailureOnly = true)
    void bombsInsideAnExampleFailWithPositionedProblems(@ForAll("bombed") String text) {
        Statistics.collect(outcome(text));
    }

    // ---------------------------------------------------------------- checking one file

    /**
     * Loads one text as a file within the time bound. Problems must be one line each, at a line
     * of the file (or just after its last) and a column no further than one past that line.
     */
    static String outcome(String text) {
        Path file = dir.resolve("fuzz.yaml");
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Object result = assertTimeoutPreemptively(BOUND, () -> {
            try {
                return LOADER.load(file);
            } catch (OrchestrationException e) {
                return e;
            }
        }, () -> "loading did not end within " + BOUND + ": " + preview(text));
        if (result instanceof OrchestrationException refused) {
            assertFalse(refused.problems().isEmpty());
            List<String> lines = text.lines().toList();
            for (Problem problem : refused.problems()) {
                assertOneLine(problem.message());
                assertEquals(file.toString(), problem.file());
                assertTrue(problem.line() >= 1 && problem.line() <= lines.size() + 1,
                        () -> "line " + problem.line() + " outside a file of " + lines.size() + ": " + problem);
                int width = problem.line() <= lines.size() ? lines.get(problem.line() - 1).length() : 0;
                assertTrue(problem.column() >= 1 && problem.column() <= width + 1,
                        () -> "column " + problem.column() + " outside line " + problem.line() + " of " + width
                                + " characters: " + problem + " in " + preview(text));
            }
            return "refused";
        }
        assertNotNull(result);
        return "loaded";
    }

    static void assertOneLine(String message) {
        assertFalse(message.isBlank(), "a problem needs a message");
        assertTrue(message.chars().noneMatch(c -> c == '\n' || c == '\r'),
                () -> "message of more than one line: " + message.replace("\n", "\\n"));
        assertTrue(message.length() <= 600, () -> "message of " + message.length() + " characters");
    }

    private static String preview(String text) {
        String shown = text.length() > 300 ? text.substring(0, 300) + "…" : text;
        return "(" + text.length() + " chars)\n" + shown;
    }

    // ---------------------------------------------------------------- generators

    /** Pieces that mean something to YAML or to the loader. */
    private static final List<String> TOKENS = List.of(
            ":", ": ", "- ", "-", "? ", "&a ", "*a", "&b ", "*b", "!!binary ", "!!set ", "!!str ", "!!int ",
            "!!float ", "!!map ", "!!seq ", "!!timestamp ", "!foo ", "!<tag:x> ", "<<: *a", "{", "}", "[", "]", ",",
            "'", "\"", "|", ">", "|-", ">+", "#", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "---\n", "...\n", "\t",
            "\u0000", "\uFEFF", "\u0085", "\u2028", "@", "`", "~", "null", "yes", "true", "0x1F", "0o17", ".inf",
            "-.inf", ".nan", "1e999", "99999999999999999999999", "2001-12-14", "  ", "\n", "\n  ", "\n    - ",
            "jobs:", "jobs: ", "targets: ", "async: ", "name: ", "vars: ", "vars: {", "RUN: ", "WAIT: ",
            "ECHO: ", "JAIL: ", "VM: ", "ADD: ", "timeout: ", "stdout_arg: ", "mount: ", "seconds: ", "retry: ",
            "--timeout ", "--name x ", "{{ node.identity }}", "{{", "é", "\\");

    /** One edit of a file; positions wrap around its length (or its number of lines). */
    record Edit(int kind, int position, int length, String token) {
    }

    @Provide
    Arbitrary<String> mutants() {
        Arbitrary<Edit> edit = Combinators.combine(
                Arbitraries.integers().between(0, 8),
                Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.integers().between(1, 16),
                Arbitraries.of(TOKENS)).as(Edit::new);
        return Combinators.combine(Arbitraries.of(SEEDS), edit.list().ofMinSize(1).ofMaxSize(4))
                .as(OrchestrationLoaderFuzzTest::applyEdits);
    }

    static String applyEdits(String seed, List<Edit> edits) {
        String text = seed;
        for (Edit edit : edits) {
            if (edit.kind() >= 5) {
                List<String> lines = new ArrayList<>(text.lines().toList());
                if (lines.isEmpty()) {
                    continue;
                }
                int at = edit.position() % lines.size();
                switch (edit.kind()) {
                    case 5 -> lines.remove(at); // a line deleted
                    case 6 -> lines.add(at, lines.get(at)); // a line doubled
                    case 7 -> lines.set(at, " ".repeat(edit.length() % 5) + lines.get(at)); // indented
                    default -> { // two lines swapped
                        int other = (at + edit.length()) % lines.size();
                        String line = lines.get(at);
                        lines.set(at, lines.get(other));
                        lines.set(other, line);
                    }
                }
                text = String.join("\n", lines) + "\n";
            } else {
                StringBuilder chars = new StringBuilder(text);
                int at = edit.position() % (chars.length() + 1);
                int end = Math.min(chars.length(), at + edit.length());
                switch (edit.kind()) {
                    case 0 -> chars.insert(at, edit.token());
                    case 1 -> chars.delete(at, end);
                    case 2 -> chars.insert(at, chars.substring(at, end));
                    case 3 -> chars.replace(at, end, edit.token());
                    default -> chars.setLength(at);
                }
                text = chars.toString();
            }
        }
        return text;
    }

    @Provide
    Arbitrary<String> yamlSoup() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(40).map(tokens -> String.join("", tokens));
    }

    /** An example with a bomb put in place of one of its values. */
    @Provide
    Arbitrary<String> bombed() {
        Arbitrary<String> bomb = Arbitraries.oneOf(
                Arbitraries.integers().between(1, 12).map(OrchestrationLoaderFuzzTest::billionLaughs),
                Arbitraries.integers().between(10, 200_000).map(depth -> "[".repeat(depth) + "]".repeat(depth)),
                Arbitraries.integers().between(10, 200_000).map(depth -> "{a: ".repeat(depth) + "1" + "}".repeat(depth)),
                Arbitraries.integers().between(10, 2_000).map(OrchestrationLoaderFuzzTest::deepBlocks),
                Arbitraries.integers().between(1_000, 1_500_000).map(size -> "x".repeat(size)),
                Arbitraries.integers().between(10, 100_000).map(count -> "[" + "*a, ".repeat(count) + "*a]"),
                Arbitraries.of("&r [*r]", "&r {a: *r}", "&r !!set {? *r}", "&r [&s [*r, *s]]", "&r {? *r : 1}",
                        "!!binary AAAA", "!!set {a, b}", "!!timestamp 2001-12-14", "&a x", "*undefined",
                        "!!int x", "!!float x", "!!bool x", "!!null x"));
        Arbitrary<String> place = Arbitraries.of("ECHO", "RUN", "name", "targets", "async", "vars",
                "timeout", "mount");
        return Combinators.combine(bomb, place).as((value, where) -> switch (where) {
            case "ECHO", "RUN", "async" -> "- jobs:\n    - " + where + ": " + value + "\n";
            case "name" -> "- name: " + value + "\n  jobs:\n    - ECHO: hi\n";
            case "targets" -> "- targets: " + value + "\n  jobs:\n    - ECHO: hi\n";
            case "vars" -> "- jobs:\n    - RUN: true\n      vars: " + value + "\n";
            case "mount" -> "- jobs:\n    - JAIL: create web\n      vars:\n        mount: " + value + "\n";
            default -> "- jobs:\n    - RUN: true\n      vars:\n        " + where + ": " + value + "\n";
        });
    }

    /** Levels of nine aliases each to the level before: a billion values at nine levels, once expanded. */
    static String billionLaughs(int levels) {
        List<String> definitions = new ArrayList<>(List.of("&l0 [" + String.join(", ", Collections.nCopies(9, "lol")) + "]"));
        for (int level = 1; level < levels; level++) {
            definitions.add("&l" + level + " [" + String.join(", ", Collections.nCopies(9, "*l" + (level - 1))) + "]");
        }
        return "[" + String.join(", ", definitions) + "]";
    }

    /** A block sequence nested {@code depth} levels deep, as a flow-free bomb. */
    static String deepBlocks(int depth) {
        StringBuilder text = new StringBuilder("\n");
        for (int level = 0; level < depth; level++) {
            text.append(" ".repeat(8 + level)).append("-\n");
        }
        return text.toString();
    }
}
