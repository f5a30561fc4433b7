package io.director.client.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.director.client.cache.NodeCache;
import io.director.client.cache.NodeVariables;
import io.director.client.driver.jail.JailDriver;
import io.director.client.driver.jail.JailDrivers;
import io.director.dsl.wire.NodeState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** JAIL job lines as an operator writes them, run on this host's real driver. */
class JailExecutorTest {

    @TempDir
    Path dir;
    private NodeCache cache;
    private NodeVariables variables;
    private ProcessRunner processes;
    private JailExecutor executor;

    @BeforeEach
    void open() {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux"), "jails need Linux");
        cache = NodeCache.open(dir.resolve("cache"));
        variables = new NodeVariables(cache);
        processes = new ProcessRunner();
        JailDriver driver = JailDrivers.forThisHost(dir.resolve("cache"), cache, processes);
        assertEquals("linux-namespaces", driver.name());
        executor = new JailExecutor(driver);
    }

    @AfterEach
    void close() throws Exception {
        if (executor != null) {
            run("--force --timeout 2 destroy web");
            processes.close();
            cache.close();
        }
    }

    private Execution run(String line) throws Exception {
        return executor.execute(TestJobs.context(variables, "JAIL", line));
    }

    @Test
    void eachActionSaysWhatItDidAndUnchangedWhenNothingWasToDo() throws Exception {
        assertEquals("created\n", run("--template busybox --hostname web1 create web").stdout());
        assertEquals("unchanged\n", run("--template busybox --hostname web1 create web").stdout());
        Execution different = run("--template busybox --hostname web2 create web");
        assertEquals(NodeState.FAILED, different.state());
        assertEquals("JAIL create: jail 'web' exists with a different spec: hostname is 'web1', asked 'web2' "
                + "(destroy it first to change it)", different.info());
        assertEquals("started\n", run("start web").stdout());
        assertEquals("unchanged\n", run("start web").stdout());
        assertEquals("stopped\n", run("--timeout 2 stop web").stdout());
        assertEquals("unchanged\n", run("stop web").stdout());
        assertEquals("destroyed\n", run("destroy web").stdout());
        assertEquals("unchanged\n", run("destroy web").stdout());
    }

    @Test
    void execGivesTheCommandsExitCodeAndOutput() throws Exception {
        run("--template busybox create web");
        assertEquals("JAIL exec: jail 'web' is not running: start it first", run("exec web -- true").info());
        run("start web");
        Execution ok = run("exec web -- sh -c 'echo out; echo err >&2'");
        assertEquals(NodeState.SUCCESS, ok.state());
        assertEquals(0, ok.exitCode());
        assertEquals("out\n", ok.stdout());
        assertEquals("err\n", ok.stderr());
        Execution failed = run("exec web -- sh -c 'exit 7'");
        assertEquals(NodeState.FAILED, failed.state());
        assertEquals(7, failed.exitCode());
        Execution slow = run("--timeout 1 exec web -- sleep 30");
        assertEquals(NodeState.FAILED, slow.state());
        assertEquals("timeout after 1 s", slow.info());
    }

    @Test
    void statusAndListPrintJson() throws Exception {
        run("--template busybox --mount /tmp:/host-tmp:ro --env A=1 create web");
        Map<?, ?> created = new ObjectMapper().readValue(run("status web").stdout(), Map.class);
        assertEquals("web", created.get("name"));
        assertEquals("created", created.get("state"));
        assertEquals(null, created.get("pid"));
        assertEquals(false, created.get("limits_enforced"));
        Map<?, ?> spec = (Map<?, ?>) created.get("spec");
        assertEquals(List.of("/tmp:/host-tmp:ro"), spec.get("mounts"));
        assertEquals("web", spec.get("hostname"));
        assertEquals("none", spec.get("network"));

        run("start web");
        Map<?, ?> running = new ObjectMapper().readValue(run("status web").stdout(), Map.class);
        assertEquals("running", running.get("state"));
        assertTrue(running.get("pid") instanceof Number);

        List<?> list = new ObjectMapper().readValue(run("list").stdout(), List.class);
        assertEquals(1, list.size());
        assertEquals("web", ((Map<?, ?>) list.get(0)).get("name"));
        assertEquals("JAIL status: no jail 'nope' on this node: create it first", run("status nope").info());
    }

    private String plan(String line) throws Exception {
        return executor.plan(TestJobs.context(variables, "JAIL", line));
    }

    @Test
    void planSaysUnchangedForWhatIsAlreadySoAndRunOtherwiseChangingNothing() throws Exception {
        String create = "--template busybox --hostname planned create planned";
        assertEquals("run", plan(create));
        assertEquals("unchanged", plan("destroy planned"), "no such jail: nothing to destroy");
        assertEquals("run", plan("start planned"));
        assertEquals("always", plan("status planned"));
        assertTrue(executor.execute(TestJobs.context(variables, "JAIL", "list")).stdout().strip().equals("[]"),
                "planning created nothing");
        try {
            run(create);
            assertEquals("unchanged", plan(create));
            assertEquals("run", plan("--template busybox --hostname other create planned"), "another spec");
            assertEquals("run", plan("start planned"));
            assertEquals("unchanged", plan("stop planned"));
            run("start planned");
            assertEquals("unchanged", plan("start planned"));
            assertEquals("run", plan("stop planned"));
            assertEquals("run", plan("exec planned -- true"));
            assertEquals("run", plan("--force destroy planned"));
        } finally {
            run("--force destroy planned");
        }
    }
}
