package io.director.client.exec;

import io.director.client.cache.NodeCache;
import io.director.client.cache.NodeVariables;
import io.director.dsl.wire.NodeState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CachefileExecutorTest {

    @TempDir
    Path dir;
    private NodeCache cache;
    private NodeVariables variables;

    @BeforeEach
    void open() {
        cache = NodeCache.open(dir.resolve("cache"));
        variables = new NodeVariables(cache);
    }

    @AfterEach
    void close() {
        cache.close();
    }

    private Execution load(Path file) throws Exception {
        return new CachefileExecutor().execute(TestJobs.context(variables, "CACHEFILE", "'" + file + "'"));
    }

    @Test
    void eachKeyOfAYamlMapBecomesAnArg() throws Exception {
        Path file = Files.writeString(dir.resolve("vars file.yaml"), """
                greeting: hello
                packages: [wget, curl]
                db:
                  host: db1
                  port: 5432
                """);
        Execution execution = load(file);
        assertEquals(NodeState.SUCCESS, execution.state(), execution.info());
        assertEquals("loaded 3 ARGs from " + file + ": greeting, packages, db", execution.stdout());
        assertEquals("hello", variables.arg("greeting"));
        assertEquals(List.of("wget", "curl"), variables.arg("packages"));
        assertEquals(Map.of("host", "db1", "port", 5432), variables.arg("db"));
    }

    @Test
    void aJsonFileLoadsToo() throws Exception {
        Path file = Files.writeString(dir.resolve("vars.json"), "{\"workers\": 4, \"debug\": false}");
        assertEquals(NodeState.SUCCESS, load(file).state());
        assertEquals(4, variables.arg("workers"));
        assertEquals(false, variables.arg("debug"));
    }

    @Test
    void aTopLevelListFails() throws Exception {
        Path file = Files.writeString(dir.resolve("list.yaml"), "- a\n- b\n");
        Execution execution = load(file);
        assertEquals(NodeState.FAILED, execution.state());
        assertEquals(file + " must hold a map of ARG names to values at the top level, found a list", execution.info());
    }

    @Test
    void aMissingFileFails() throws Exception {
        Execution execution = load(dir.resolve("absent.yaml"));
        assertEquals(NodeState.FAILED, execution.state());
        assertEquals("cannot read " + dir.resolve("absent.yaml") + ": no such file", execution.info());
    }

    @Test
    void invalidYamlFailsNamingTheLine() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "a: 1\nb: [unclosed\nc: 3\n");
        Execution execution = load(file);
        assertEquals(NodeState.FAILED, execution.state());
        assertTrue(execution.info().startsWith(file + " is not valid YAML or JSON: "), execution.info());
        assertTrue(execution.info().contains("at line "), execution.info());
    }

    @Test
    void oneInvalidKeyStoresNothing() throws Exception {
        Path file = Files.writeString(dir.resolve("keys.yaml"), "good: 1\nnot-good: 2\n");
        Execution execution = load(file);
        assertEquals(NodeState.FAILED, execution.state());
        assertTrue(execution.info().contains("ARG name 'not-good' is not valid"), execution.info());
        assertTrue(variables.args().isEmpty());
    }
}
