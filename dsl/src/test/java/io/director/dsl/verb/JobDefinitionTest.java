package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JobDefinitionTest {

    private final JobParser parser = JobParser.standard();

    private void roundTrips(String verb, String arguments) throws DslException {
        JobDefinition definition = parser.parse(verb, arguments);
        assertEquals(definition, parser.parse(verb, definition.toArguments()), definition.toArguments());
    }

    @Test
    void writesOptionsInNameOrderThenThePayload() throws DslException {
        JobDefinition definition = parser.parse("RUN", "--timeout 5 --skip-cache --name 'nightly build' make all");
        assertEquals("--name 'nightly build' --skip-cache --timeout 5 make all", definition.toArguments());
    }

    @Test
    void argumentsParseBackToAnEqualDefinition() throws DslException {
        roundTrips("RUN", "--retry 2 --stdout-arg=out echo -e \"hello world\" 'x'\\''y'");
        roundTrips("RUN", "--skip-cache -- --version");
        roundTrips("RUN", "-- -- x");
        roundTrips("WAIT", "--seconds 0.25");
        roundTrips("WAIT", "--url 'http://{{ host }}:80/' --retry-wait 1e-3 --retry 4");
        roundTrips("WAIT", "--cmd \"test -f /tmp/it's-done\"");
        roundTrips("ADD", "--chown {{ user | default('root') }} --chmod 0644 --blueprint a.j2 /etc/a");
        roundTrips("ECHO", "");
        roundTrips("ECHO", "--name '' x".replace("''", "'\n'"));
    }

    @Test
    void writesListOptionsOncePerItem() throws DslException {
        JobParser mounts = new JobParser(new VerbRegistry(List.of(
                new SimpleVerb("MOUNT", Verb.Payload.OPTIONAL, OptionSpec.list("mount", true)) { })));
        JobDefinition definition = mounts.parse("MOUNT", "--mount /a --mount '/b c'");
        assertEquals("--mount /a --mount '/b c'", definition.toArguments());
        assertEquals(definition, mounts.parse("MOUNT", definition.toArguments()));
    }

    @Test
    void leavesOutAFalseFlag() {
        assertEquals("x", new JobDefinition("RUN", Map.of("skip-cache", false), "x").toArguments());
    }

    @Test
    void payloadWordsKeepTemplatesWhole() {
        JobDefinition definition = new JobDefinition("ADD", Map.of(), "'a b' {{ src }} /srv/{{ node.identity }}/");
        assertEquals(List.of("a b", "{{ src }}", "/srv/{{ node.identity }}/"), definition.payloadWords());
    }
}
