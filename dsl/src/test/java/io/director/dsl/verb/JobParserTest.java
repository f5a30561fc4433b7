package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import java.util.Map;

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
        JobDefinition definition = run("--name \"nightly build\" --stdout-arg=out.txt make");
        assertEquals("nightly build", definition.text("name"));
        assertEquals("out.txt", definition.text("stdout-arg"));
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
        assertEquals("unknown verb 'FETCH' (known: RUN, ARG, ENV, ADD, COPY, WORKDIR, CACHEFILE, CACHEEVICT, QUERY, WAIT, ECHO)", e.getMessage());
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
}
