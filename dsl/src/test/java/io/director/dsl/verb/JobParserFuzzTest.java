package io.director.dsl.verb;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz properties of {@link JobParser}, which reads every job line from the CLI, the API socket
 * and orchestration files: random and mutated lines for every verb give a definition or a
 * {@link DslException} with a one-line message and a column inside the line, within a time
 * bound; and every definition it gives writes back to a line that parses to the same job.
 * Inputs they found that broke a rule are kept as examples in JobParserTest and ShellWordsTest.
 */
class JobParserFuzzTest {

    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final JobParser PARSER = JobParser.standard();

    /** Valid lines, at least one per verb, written as in the docs and the example orchestrations. */
    static final List<Tuple2<String, String>> SEEDS = List.of(
            Tuple.of("RUN", "--timeout 5 --retry 2 --name build echo \"a b\""),
            Tuple.of("RUN", "--stdout-arg out --skip-cache --run-once echo {{ node.identity }} >&2"),
            Tuple.of("RUN", "--timeout=30 -- --not-an-option 'x y' \\$HOME"),
            Tuple.of("ARG", "packages [wget]"),
            Tuple.of("ARG", "--extend-args packages [curl]"),
            Tuple.of("ARG", "role_here \"{{ node.labels.role | default('none') }}\""),
            Tuple.of("ENV", "GREETING \"hello from env\""),
            Tuple.of("ADD", "--chmod 0640 --chown {{ owner }} files/app.conf \"{{ workspace }}/{{ node.identity }}/etc/\""),
            Tuple.of("ADD", "--blueprint files/index.html /srv/www/"),
            Tuple.of("COPY", "--chown root:wheel files/app.conf /etc/app.conf.copy"),
            Tuple.of("WORKDIR", "--chmod 0750 --chown 1000:1000 /srv/app"),
            Tuple.of("CACHEFILE", "/srv/settings.yaml"),
            Tuple.of("CACHEEVICT", "jobs"),
            Tuple.of("QUERY", "role_here"),
            Tuple.of("WAIT", "--seconds 0.2"),
            Tuple.of("WAIT", "--cmd 'test -f \"{{ workspace }}/ready\"' --retry 3 --retry-wait 0.2"),
            Tuple.of("WAIT", "--url http://127.0.0.1:8080/"),
            Tuple.of("ECHO", "\"{{ greeting }} from {{ node.identity }}\""),
            Tuple.of("ECHO", ""),
            Tuple.of("JAIL", "--template busybox --hostname web --mount \"/srv/www:/www:ro\" --cpus 0.5 create web"),
            Tuple.of("JAIL", "start web -- /bin/busybox httpd -f -p 8080 -h /www"),
            Tuple.of("JAIL", "exec web -- /bin/sh -c 'echo hi'"),
            Tuple.of("VM", "--memory 256M --cpus 1 --disk 1G --kernel /k --initrd /i --append \"console=ttyS0\" create demo"),
            Tuple.of("VM", "start demo"),
            Tuple.of("VM", "--lines 20 console demo"));

    /** Pieces lines are made of: every option, values of every kind, quoting and templates. */
    private static final List<String> TOKENS = tokens();

    private static List<String> tokens() {
        TreeSet<String> tokens = new TreeSet<>();
        for (String verb : PARSER.registry().names()) {
            for (OptionSpec spec : PARSER.registry().find(verb).orElseThrow().allOptions()) {
                tokens.add("--" + spec.name());
                tokens.add("--" + spec.name() + "=");
            }
        }
        tokens.addAll(List.of("--", "-", "--=", "--x", "---", "5", "0", "-1", "99999999999999999999", "0.5", "1e309",
                "NaN", "Infinity", "-0", "0750", "8", "7777", "root:wheel", "1000", ":", "web", "demo", "create",
                "start", "stop", "exec", "destroy", "status", "console", "list", "256M", "1G", "0M", "/srv/www:/www:ro",
                "A=b", "=", "node", "_x", "9x", "jobs", "cache", "[a, b]", "{a: 1}", "http://h/", "'", "\"", "\\",
                "\\\n", "{{", "}}", "{%", "%}", "{#", "#}", "{{ node.identity }}", "{{ '}}' }}", "{% if x %}", "$",
                "`", ";", "|", "&&", "\n", "\t", "\r", "é", "\u0000", "\uD800", "{{ '", "\"{{\"", "'{{'"));
        return List.copyOf(tokens);
    }

    @Example
    void theSeedsParseAndCoverEveryVerb() throws DslException {
        for (Tuple2<String, String> seed : SEEDS) {
            PARSER.parse(seed.get1(), seed.get2());
        }
        assertEquals(new TreeSet<>(PARSER.registry().names()),
                SEEDS.stream().map(Tuple2::get1).collect(Collectors.toCollection(TreeSet::new)),
                "add a seed line for every new verb");
    }

    // ---------------------------------------------------------------- the properties

    @Property(tries = 1500)
    @StatisticsReport(onFailureOnly = true)
    void randomLinesForEveryVerbParseOrFailClearly(@ForAll("verbs") String verb, @ForAll("tokenSoup") String line) {
        Statistics.collect(outcome(verb, line, Map.of()));
    }

    @Property(tries = 1500)
    @StatisticsReport(onFailureOnly = true)
    void mutatedLinesForEveryVerbParseOrFailClearly(@ForAll("mutatedLines") Tuple2<String, String> mutant) {
        Statistics.collect(outcome(mutant.get1(), mutant.get2(), Map.of()));
        Statistics.coverage(checker -> {
            checker.check("parsed").percentage(p -> p > 10);
            checker.check("refused").percentage(p -> p > 10);
        });
    }

    @Property(tries = 1000)
    @StatisticsReport(onFailureOnly = true)
    void randomVarsParseOrFailClearly(@ForAll("seeds") Tuple2<String, String> seed,
                                      @ForAll("vars") Map<String, Object> vars) {
        Statistics.collect(outcome(seed.get1(), seed.get2(), vars));
    }

    // ---------------------------------------------------------------- checking one line

    /**
     * Parses one line within the time bound. A definition must write back to a line that parses
     * to an equal one, split its payload and have a fingerprint; a refusal must have a one-line
     * message and a column inside the line (0: the line as a whole). Anything else thrown fails.
     */
    static String outcome(String verb, String line, Map<String, ?> vars) {
        Object result = assertTimeoutPreemptively(BOUND, () -> {
            try {
                return PARSER.parse(verb, line, vars);
            } catch (DslException e) {
                return e;
            }
        }, () -> "parsing did not end within " + BOUND + ": " + verb + " " + preview(line));
        if (result instanceof DslException refused) {
            assertOneLine(refused.getMessage());
            int length = line == null ? 0 : line.length();
            assertTrue(refused.column() >= 0 && refused.column() <= length + 1,
                    () -> "column " + refused.column() + " outside a line of " + length + ": " + refused.getMessage());
            return "refused";
        }
        JobDefinition definition = (JobDefinition) result;
        assertNotNull(definition);
        String written = definition.toArguments();
        JobDefinition again = assertDoesNotThrow(() -> PARSER.parse(definition.verb(), written),
                () -> "a parsed job does not parse again from " + preview(written));
        assertEquals(definition, again, () -> "written back as " + preview(written));
        assertDoesNotThrow(definition::payloadWords);
        assertDoesNotThrow(() -> Fingerprint.of(definition));
        return "parsed";
    }

    static void assertOneLine(String message) {
        assertNotNull(message);
        assertFalse(message.isBlank(), "an error needs a message");
        assertTrue(message.chars().noneMatch(c -> c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029'),
                () -> "message of more than one line: " + message.replace("\n", "\\n").replace("\r", "\\r"));
        assertTrue(message.length() <= 600, () -> "message of " + message.length() + " characters: "
                + preview(message));
    }

    private static String preview(String text) {
        if (text == null) {
            return "null";
        }
        String shown = text.length() > 200 ? text.substring(0, 200) + "…" : text;
        return "(" + text.length() + " chars) " + shown.replace("\n", "\\n").replace("\r", "\\r");
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<String> verbs() {
        List<String> names = new ArrayList<>(PARSER.registry().names());
        names.addAll(List.of("run", "Jail", "FETCH", "", " RUN", "RUN\n"));
        return Arbitraries.of(names);
    }

    @Provide
    Arbitrary<String> tokenSoup() {
        Arbitrary<String> piece = Combinators.combine(Arbitraries.of(TOKENS), Arbitraries.of(" ", " ", " ", "", "  "))
                .as(String::concat);
        Arbitrary<String> words = Arbitraries.strings().ofMaxLength(6).map(s -> s + " ");
        return Arbitraries.frequencyOf(Tuple.of(4, piece), Tuple.of(1, words)).list().ofMaxSize(14)
                .map(pieces -> String.join("", pieces));
    }

    @Provide
    Arbitrary<Tuple2<String, String>> seeds() {
        return Arbitraries.of(SEEDS);
    }

    /** One edit of a line; positions wrap around its length. */
    record Edit(int kind, int position, int length, String token) {
    }

    @Provide
    Arbitrary<Tuple2<String, String>> mutatedLines() {
        Arbitrary<Edit> edit = Combinators.combine(
                Arbitraries.integers().between(0, 5),
                Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.integers().between(1, 12),
                Arbitraries.of(TOKENS)).as(Edit::new);
        return Combinators.combine(Arbitraries.of(SEEDS), edit.list().ofMinSize(1).ofMaxSize(4))
                .as((seed, edits) -> Tuple.of(seed.get1(), applyEdits(seed.get2(), edits)));
    }

    static String applyEdits(String line, List<Edit> edits) {
        StringBuilder text = new StringBuilder(line);
        for (Edit edit : edits) {
            int at = text.length() == 0 ? 0 : edit.position() % (text.length() + 1);
            int end = Math.min(text.length(), at + edit.length());
            switch (edit.kind()) {
                case 0 -> text.insert(at, edit.token()); // a token where it does not belong
                case 1 -> text.delete(at, end); // a run deleted
                case 2 -> text.insert(at, text.substring(at, end)); // a run doubled
                case 3 -> text.replace(at, end, edit.token()); // a run replaced
                case 4 -> text.setLength(at); // cut short
                default -> { // two runs swapped
                    String run = text.substring(at, end);
                    text.delete(at, end);
                    text.insert(Math.min(text.length(), edit.position() % 7), run);
                }
            }
        }
        return text.toString();
    }

    /** Options given apart from the line (an orchestration job's vars), typed as YAML gives them. */
    @Provide
    Arbitrary<Map<String, Object>> vars() {
        List<String> names = new ArrayList<>(TOKENS.stream().filter(t -> t.startsWith("--") && !t.endsWith("="))
                .map(t -> t.substring(2)).toList());
        names.addAll(List.of("stdout_arg", "", "x"));
        Arbitrary<Object> value = Arbitraries.oneOf(
                Arbitraries.of(true, false),
                Arbitraries.longs(),
                Arbitraries.integers(),
                Arbitraries.bigIntegers().between(BigInteger.ONE.shiftLeft(63), BigInteger.ONE.shiftLeft(100)),
                Arbitraries.doubles(),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, -0.0),
                Arbitraries.of(TOKENS).map(t -> (Object) t),
                Arbitraries.strings().ofMaxLength(10),
                Arbitraries.of(TOKENS).list().ofMaxSize(3).map(l -> (Object) l),
                Arbitraries.of(List.of(1, "a"), Map.of("a", 1), new LinkedHashMap<>())).injectNull(0.05);
        return Arbitraries.maps(Arbitraries.of(names), value).ofMaxSize(3);
    }
}
