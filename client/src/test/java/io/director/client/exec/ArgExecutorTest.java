package io.director.client.exec;

import io.director.client.cache.NodeCache;
import io.director.client.cache.NodeVariables;
import io.director.dsl.wire.NodeState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ArgExecutorTest {

    @TempDir
    Path dir;
    private NodeCache cache;
    private NodeVariables variables;
    private final ArgExecutor executor = new ArgExecutor();

    @BeforeEach
    void open() {
        cache = NodeCache.open(dir);
        variables = new NodeVariables(cache);
    }

    @AfterEach
    void close() {
        cache.close();
    }

    private Execution arg(String arguments) throws Exception {
        return executor.execute(TestJobs.context(variables, "ARG", arguments));
    }

    private Execution unvalidatedArg(String arguments) throws Exception {
        return executor.execute(TestJobs.unvalidated(variables, "ARG", arguments));
    }

    @Test
    void aPlainWordIsStoredAsAStringAndConfirmed() throws Exception {
        Execution execution = arg("greeting hello");
        assertEquals(NodeState.SUCCESS, execution.state());
        assertEquals("greeting = hello", execution.stdout());
        assertNull(execution.exitCode());
        assertEquals("hello", variables.arg("greeting"));
    }

    @Test
    void theRestOfTheTextIsTheValueAndOneQuotedWordLosesItsQuotes() throws Exception {
        arg("motd hello big   world");
        assertEquals("hello big   world", variables.arg("motd"));
        arg("motd 'hello big world'");
        assertEquals("hello big world", variables.arg("motd"));
        arg("motd \"it's\"");
        assertEquals("it's", variables.arg("motd"));
    }

    @Test
    void yamlListsMapsNumbersAndBooleansKeepTheirType() throws Exception {
        arg("packages [wget, curl]");
        arg("db {host: db1, port: 5432}");
        arg("workers 42");
        arg("ratio 0.25");
        arg("debug true");
        arg("nothing ~");
        assertEquals(List.of("wget", "curl"), variables.arg("packages"));
        assertEquals(Map.of("host", "db1", "port", 5432), variables.arg("db"));
        assertEquals(42, variables.arg("workers"));
        assertEquals(0.25, variables.arg("ratio"));
        assertEquals(true, variables.arg("debug"));
        assertNull(variables.arg("nothing"));
        assertEquals("packages = [\"wget\",\"curl\"]", arg("packages [wget, curl]").stdout());
    }

    @Test
    void yamlOneTwoDoesNotTreatYesOrDatesSpecially() throws Exception {
        arg("answer yes");
        arg("day 2024-01-01");
        assertEquals("yes", variables.arg("answer"));
        assertEquals("2024-01-01", variables.arg("day"));
    }

    @Test
    void textThatIsNotValidYamlStaysAString() throws Exception {
        arg("broken [a, b");
        arg("odd @handle");
        assertEquals("[a, b", variables.arg("broken"));
        assertEquals("@handle", variables.arg("odd"));
    }

    @Test
    void yamlReadsTheValueAsWrittenSoItsQuotesKeepAString() throws Exception {
        arg("motd hello: world");
        assertEquals(Map.of("hello", "world"), variables.arg("motd"));
        arg("motd 'hello: world'");
        assertEquals("hello: world", variables.arg("motd"), "YAML's own quotes keep a string");
    }

    @Test
    void aQuotedNumberStaysTextAndAnUnquotedOneIsANumber() throws Exception {
        arg("version '1.10'");
        assertEquals("1.10", variables.arg("version"));
        arg("version 1.10");
        assertEquals(1.1, variables.arg("version"));
    }

    @Test
    void extendArgsAppendsToAList() throws Exception {
        arg("packages [wget]");
        Execution execution = arg("--extend-args packages [curl, git]");
        assertEquals(NodeState.SUCCESS, execution.state(), execution.info());
        assertEquals(List.of("wget", "curl", "git"), variables.arg("packages"));
        assertEquals("packages += [\"curl\",\"git\"] (now [\"wget\",\"curl\",\"git\"])", execution.stdout());
    }

    @Test
    void extendingAStringFailsWithAClearMessage() throws Exception {
        arg("greeting hello");
        Execution execution = arg("--extend-args greeting [x]");
        assertEquals(NodeState.FAILED, execution.state());
        assertEquals("cannot extend ARG 'greeting': it holds a string and the new value is a list; "
                + "both must be lists or both maps", execution.info());
        assertEquals("hello", variables.arg("greeting"));
    }

    @Test
    void aKeyWithoutAValueOrAnInvalidNameFails() throws Exception {
        assertEquals("ARG needs KEY VALUE, got 'lonely'", unvalidatedArg("lonely").info());
        Execution badName = unvalidatedArg("my-key value");
        assertEquals(NodeState.FAILED, badName.state());
        assertEquals("ARG name 'my-key' is not valid: use letters, digits and _, not starting with a digit",
                badName.info());
        assertEquals(NodeState.FAILED, unvalidatedArg("node other").state(), "node is read-only");
    }
}
