package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobParserTest {

    private final JobParser parser = JobParser.standard();

    private JobDefinition run(String arguments) throws DslException {
        return parser.parse("RUN", arguments);
    }

    private DslException runFails(String arguments) {
        return assertThrows(DslException.class, () -> run(arguments));
    }

    @Test
    void readsAnOptionFollowedByItsValue() throws DslException {
        JobDefinition definition = run("--timeout 5 echo hi");
        assertEquals("RUN", definition.verb());
        assertEquals(Map.of("timeout", 5L), definition.options());
        assertEquals(5, definition.timeoutSeconds());
        assertEquals("echo hi", definition.payload());
    }

    @Test
    void readsAnOptionWithItsValueAfterAnEqualsSign() throws DslException {
        JobDefinition definition = run("--timeout=5 --retry=2 echo hi");
        assertEquals(Map.of("timeout", 5L, "retry", 2L), definition.options());
        assertEquals("echo hi", definition.payload());
    }

    @Test
    void readsFlagsAsTrue() throws DslException {
        JobDefinition definition = run("--skip-cache --run-once echo hi");
        assertEquals(Map.of("skip-cache", true, "run-once", true), definition.options());
        assertTrue(definition.skipCache());
        assertTrue(definition.runOnce());
    }

    @Test
    void readsTextOptionsUnquoted() throws DslException {
        JobDefinition definition = run("--name \"nightly build\" --stdout-arg=out_txt make");
        assertEquals("nightly build", definition.text("name"));
        assertEquals("out_txt", definition.text("stdout-arg"));
        assertEquals("make", definition.payload());
    }

    @Test
    void doubleDashEndsTheOptions() throws DslException {
        JobDefinition definition = run("--skip-cache -- --timeout 5");
        assertEquals(Map.of("skip-cache", true), definition.options());
        assertEquals("--timeout 5", definition.payload());
    }

    @Test
    void payloadKeepsItsOriginalQuotingExactly() throws DslException {
        JobDefinition definition = run("--skip-cache echo -e \"hello world\"");
        assertEquals("echo -e \"hello world\"", definition.payload());
        assertEquals(Map.of("skip-cache", true), definition.options());
    }

    @Test
    void payloadKeepsSingleQuotesAndBackslashes() throws DslException {
        assertEquals("printf '%s\\n' a\\ b", run("  printf '%s\\n' a\\ b  ").payload());
    }

    @Test
    void optionsAfterThePayloadStartArePartOfThePayload() throws DslException {
        JobDefinition definition = run("echo --timeout 5 --run-once");
        assertTrue(definition.options().isEmpty());
        assertEquals("echo --timeout 5 --run-once", definition.payload());
    }

    @Test
    void aSingleDashWordStartsThePayload() throws DslException {
        JobDefinition definition = run("-x --timeout 5");
        assertTrue(definition.options().isEmpty());
        assertEquals("-x --timeout 5", definition.payload());
    }

    @Test
    void acceptsTheVerbNameInAnyCase() throws DslException {
        assertEquals("RUN", parser.parse("run", "true").verb());
        assertEquals("RUN", parser.parse("Run", "true").verb());
    }

    @Test
    void dropsOptionsGivenWithTheirDefaultValue() throws DslException {
        assertTrue(run("--timeout 600 true").options().isEmpty());
        assertTrue(run("--timeout=600 --retry 0 true").options().isEmpty());
        assertEquals(600, run("--timeout 600 true").timeoutSeconds());
    }

    @Test
    void rejectsAnUnknownVerbListingTheKnownOnes() {
        DslException e = assertThrows(DslException.class, () -> parser.parse("FETCH", "x"));
        assertEquals("unknown verb 'FETCH' (known: RUN, ARG, ENV, ADD, COPY, WORKDIR, CACHEFILE, CACHEEVICT, QUERY, WAIT, ECHO, JAIL, VM)", e.getMessage());
        assertEquals(0, e.column());
    }

    @Test
    void rejectsUnknownOptionWithItsColumn() {
        DslException e = runFails("--skip-cache --bogus echo");
        assertEquals("unknown option '--bogus' for RUN", e.getMessage());
        assertEquals(14, e.column());
    }

    @Test
    void rejectsUnknownOptionGivenWithAnInlineValue() {
        DslException e = runFails("  --colour=red echo");
        assertEquals("unknown option '--colour' for RUN", e.getMessage());
        assertEquals(3, e.column());
    }

    @Test
    void rejectsAFlagGivenAValue() {
        DslException e = runFails("--timeout 5 --skip-cache=yes echo");
        assertEquals("option '--skip-cache' takes no value", e.getMessage());
        assertEquals(13, e.column());
    }

    @Test
    void rejectsAnOptionMissingItsValue() {
        DslException e = runFails("--skip-cache --timeout");
        assertEquals("option '--timeout' needs a value", e.getMessage());
        assertEquals(14, e.column());
    }

    @Test
    void rejectsANonNumericCount() {
        DslException e = runFails("--timeout abc echo");
        assertEquals("option '--timeout' needs a whole number, got 'abc'", e.getMessage());
        assertEquals(1, e.column());
    }

    @Test
    void rejectsANonNumericCountGivenInline() {
        DslException e = runFails("--run-once --retry=1.5 echo");
        assertEquals("option '--retry' needs a whole number, got '1.5'", e.getMessage());
        assertEquals(12, e.column());
    }

    @Test
    void rejectsANegativeCount() {
        DslException e = runFails("--timeout -5 echo");
        assertEquals("option '--timeout' must be 0 or more, got -5", e.getMessage());
        assertEquals(1, e.column());
    }

    @Test
    void rejectsAnEmptyTextValue() {
        DslException inline = runFails("--name= echo");
        assertEquals("option '--name' needs a non-empty value", inline.getMessage());
        assertEquals(1, inline.column());

        DslException quoted = runFails("--skip-cache --stdout-arg '' echo");
        assertEquals("option '--stdout-arg' needs a non-empty value", quoted.getMessage());
        assertEquals(14, quoted.column());
    }

    @Test
    void rejectsRunWithoutAPayloadPointingPastTheEnd() {
        DslException afterOptions = runFails("--skip-cache");
        assertEquals("RUN needs a payload after its options", afterOptions.getMessage());
        assertEquals(13, afterOptions.column());

        DslException afterDoubleDash = runFails("--timeout 5 -- ");
        assertEquals("RUN needs a payload after its options", afterDoubleDash.getMessage());
        assertEquals(16, afterDoubleDash.column());
    }

    @Test
    void rejectsRunWithEmptyOrNullArguments() {
        DslException empty = runFails("");
        assertEquals("RUN needs a payload after its options", empty.getMessage());
        assertEquals(1, empty.column());

        DslException none = runFails(null);
        assertEquals("RUN needs a payload after its options", none.getMessage());
        assertEquals(1, none.column());
    }

    @Test
    void reportsAnUnterminatedQuoteInThePayloadWithItsColumn() {
        DslException e = runFails("--skip-cache echo \"abc");
        assertEquals("unterminated double quote", e.getMessage());
        assertEquals(19, e.column());
    }

    @Test
    void leavesOptionsNotGivenOut() throws DslException {
        JobDefinition definition = run("true");
        assertTrue(definition.options().isEmpty());
        assertFalse(definition.skipCache());
        assertFalse(definition.runOnce());
        assertEquals(CommonOptions.DEFAULT_TIMEOUT_SECONDS, definition.timeoutSeconds());
    }

    private static Map<String, Object> extra(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int k = 0; k < keysAndValues.length; k += 2) {
            map.put((String) keysAndValues[k], keysAndValues[k + 1]);
        }
        return map;
    }

    private DslException extraFails(String verb, String arguments, Map<String, Object> extra) {
        return assertThrows(DslException.class, () -> parser.parse(verb, arguments, extra));
    }

    @Test
    void extraOptionsGiveTheSameDefinitionAsTheLine() throws DslException {
        JobDefinition written = run("--timeout 120 --stdout-arg out --skip-cache --retry=2 dnf install -y wget");
        JobDefinition merged = parser.parse("RUN", "--retry=2 dnf install -y wget",
                extra("timeout", 120, "stdout-arg", "out", "skip-cache", true));
        assertEquals(written, merged);
        assertEquals(Fingerprint.of(written), Fingerprint.of(merged));
    }

    @Test
    void extraNumbersTakeTheTypeOfTheOption() throws DslException {
        assertEquals(parser.parse("WAIT", "--seconds 2"), parser.parse("WAIT", "", extra("seconds", 2)));
        assertEquals(parser.parse("WAIT", "--url http://a/ --retry 3 --retry-wait 0.5"),
                parser.parse("WAIT", "--url http://a/", extra("retry", 3L, "retry-wait", 0.5)));
        assertEquals(parser.parse("RUN", "--timeout 99999999999 x"),
                parser.parse("RUN", "x", extra("timeout", new java.math.BigInteger("99999999999"))));
    }

    @Test
    void anExtraFalseFlagOrDefaultValueIsLeftOut() throws DslException {
        assertTrue(parser.parse("RUN", "true", extra("skip-cache", false, "timeout", 600, "retry", 0))
                .options().isEmpty());
    }

    @Test
    void extraOptionsCanGiveWhatAVerbRequires() throws DslException {
        assertEquals(Map.of("cmd", "pg_isready"), parser.parse("WAIT", null, extra("cmd", "pg_isready")).options());
    }

    @Test
    void rejectsAnUnknownExtraOptionNamingIt() {
        DslException e = extraFails("RUN", "true", extra("colour", "red"));
        assertEquals("unknown option '--colour' for RUN", e.getMessage());
        assertEquals(0, e.column());
        assertEquals(Optional.of("colour"), e.option());
        assertFalse(e.aboutValue());
    }

    @Test
    void rejectsAnOptionGivenInTheLineAndAsExtra() {
        DslException e = extraFails("RUN", "--timeout=5 true", extra("timeout", 5));
        assertEquals("option '--timeout' is given both in the line and in vars; keep one", e.getMessage());
        assertEquals(0, e.column());
        assertEquals(Optional.of("timeout"), e.option());
        assertFalse(e.aboutValue());
    }

    @Test
    void rejectsExtraValuesOfTheWrongTypeNamingTheOption() {
        List<List<Object>> cases = List.of(
                List.of("RUN", "skip-cache", "yes", "option '--skip-cache' needs true or false, got text 'yes'"),
                List.of("RUN", "run-once", 1, "option '--run-once' needs true or false, got 1"),
                List.of("RUN", "timeout", "120", "option '--timeout' needs a whole number, got text '120'"),
                List.of("RUN", "timeout", 1.5, "option '--timeout' needs a whole number, got 1.5"),
                List.of("RUN", "retry", -1, "option '--retry' must be 0 or more, got -1"),
                List.of("RUN", "retry", new java.math.BigInteger("99999999999999999999"),
                        "option '--retry' needs a whole number, got '99999999999999999999'"),
                List.of("WAIT", "seconds", "5", "option '--seconds' needs a number, got text '5'"),
                List.of("WAIT", "seconds", -0.5, "option '--seconds' must be 0 or more, got -0.5"),
                List.of("WAIT", "seconds", Double.POSITIVE_INFINITY, "option '--seconds' must be 0 or more, got Infinity"),
                List.of("RUN", "stdout-arg", 42, "option '--stdout-arg' needs text, got 42 (quote it)"),
                List.of("RUN", "name", true, "option '--name' needs text, got true (quote it)"),
                List.of("RUN", "name", List.of("a"), "option '--name' needs text, got a list"),
                List.of("RUN", "name", Map.of("a", 1), "option '--name' needs text, got a map"),
                List.of("RUN", "name", "", "option '--name' needs a non-empty value"));
        for (List<Object> c : cases) {
            String verb = (String) c.get(0);
            String option = (String) c.get(1);
            DslException e = extraFails(verb, verb.equals("WAIT") ? "" : "true", extra(option, c.get(2)));
            assertEquals(c.get(3), e.getMessage());
            assertEquals(0, e.column());
            assertEquals(Optional.of(option), e.option());
            assertTrue(e.aboutValue(), option);
        }
    }

    @Test
    void rejectsAnExtraOptionWithoutAValue() {
        DslException e = extraFails("RUN", "true", extra("timeout", null));
        assertEquals("option '--timeout' needs a whole number, got nothing", e.getMessage());
    }

    @Test
    void listOptionsTakeAListOfTextFromExtrasAsFromRepeatedOptions() throws DslException {
        JobParser mounts = new JobParser(new VerbRegistry(List.of(
                new SimpleVerb("MOUNT", Verb.Payload.OPTIONAL, OptionSpec.list("mount", true)) { })));
        assertEquals(mounts.parse("MOUNT", "--mount /a --mount '/b c'"),
                mounts.parse("MOUNT", "", extra("mount", List.of("/a", "/b c"))));
        DslException notAList = assertThrows(DslException.class, () -> mounts.parse("MOUNT", "", extra("mount", "/a")));
        assertEquals("option '--mount' needs a list of text, got text '/a'", notAList.getMessage());
        DslException notText = assertThrows(DslException.class,
                () -> mounts.parse("MOUNT", "", extra("mount", List.of("/a", 2))));
        assertEquals("option '--mount' needs a list of text, got a list", notText.getMessage());
    }

    @Test
    void aVerbErrorAboutAnExtraOptionHasNoColumnButNamesIt() {
        DslException e = extraFails("WAIT", "--seconds 5", extra("retry", 3));
        assertEquals("option '--retry' only goes with --url or --cmd", e.getMessage());
        assertEquals(0, e.column());
        assertEquals(Optional.of("retry"), e.option());
    }

    @Test
    void aVerbErrorAboutAnOptionInTheLinePointsAtItEvenWithExtras() {
        DslException e = extraFails("WAIT", "--run-once --url http://a/", extra("seconds", 1));
        assertEquals("WAIT takes only one of --seconds, --url or --cmd, found --seconds and --url", e.getMessage());
        assertEquals(12, e.column());
    }

    @Test
    void lineErrorsComeBeforeExtraErrors() {
        DslException e = extraFails("RUN", "--bogus true", extra("colour", "red"));
        assertEquals("unknown option '--bogus' for RUN", e.getMessage());
        assertEquals(1, e.column());
    }

    @Test
    void keepsATemplateWithBlanksInOneOptionValue() throws DslException {
        JobDefinition definition = parser.parse("WORKDIR", "--chown {{ owner | default('root') }} /srv");
        assertEquals("{{ owner | default('root') }}", definition.text("chown"));
        assertEquals("/srv", definition.payload());
    }

    @Test
    void valueErrorsInTheLineAlsoNameTheOption() {
        DslException e = runFails("--skip-cache --timeout=x true");
        assertEquals(14, e.column());
        assertEquals(Optional.of("timeout"), e.option());
        assertTrue(e.aboutValue());
    }

    @Test
    void rejectsAnOutputArgThatIsNoArgName() {
        DslException error = assertThrows(DslException.class,
                () -> JobParser.standard().parse("RUN", "--stdout-arg my-out echo hi"));
        assertEquals("option '--stdout-arg' needs an ARG name (letters, digits and _, not starting with a digit, "
                + "not 'node'), got 'my-out'", error.getMessage());
        assertEquals(1, error.column());
        assertThrows(DslException.class, () -> JobParser.standard().parse("RUN", "--stderr-arg node echo hi"));
    }

    @Test
    void anErrorQuotingALineBreakIsStillOneLine() {
        // Found by JobParserFuzzTest: messages quoted the payload as written, line breaks and all.
        DslException e = assertThrows(DslException.class, () -> parser.parse("WAIT", "-\n-seconds 0.2"));
        assertEquals("WAIT takes no payload, found '-\\n-seconds 0.2'", e.getMessage());
        DslException verb = assertThrows(DslException.class, () -> parser.parse("RUN\n", "true"));
        assertTrue(verb.getMessage().startsWith("unknown verb 'RUN\\n' (known: "), verb.getMessage());
    }

    @Test
    void anErrorQuotingAHugeLineIsCut() {
        DslException e = assertThrows(DslException.class, () -> parser.parse("WAIT", "x".repeat(100_000)));
        assertEquals(DslException.MAX_MESSAGE_CHARS, e.getMessage().length());
        assertTrue(e.getMessage().startsWith("WAIT takes no payload, found 'xxx"), e.getMessage());
        assertTrue(e.getMessage().endsWith("x…"), e.getMessage());
    }
}
