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
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class WorkdirExecutorTest {

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

    private Execution workdir(String arguments) throws Exception {
        return new WorkdirExecutor().execute(TestJobs.context(variables, "WORKDIR", arguments));
    }

    private Execution unvalidatedWorkdir(String arguments) throws Exception {
        return new WorkdirExecutor().execute(TestJobs.unvalidated(variables, "WORKDIR", arguments));
    }

    @Test
    void createsTheDirectoryAndItsParents() throws Exception {
        Path target = dir.resolve("srv/app/releases");
        Execution execution = workdir(target.toString());
        assertEquals(NodeState.SUCCESS, execution.state(), execution.info());
        assertTrue(Files.isDirectory(target));
        assertEquals("created: " + target, execution.stdout());
        assertEquals("exists: " + target, workdir(target.toString()).stdout(), "a second run is fine");
    }

    @Test
    void chmodAppliesToTheFinalDirectoryOnly() throws Exception {
        Path target = dir.resolve("a/b");
        Execution execution = workdir("--chmod 0710 " + target);
        assertEquals(NodeState.SUCCESS, execution.state(), execution.info());
        assertEquals("rwx--x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertTrue(Files.getPosixFilePermissions(dir.resolve("a")).size() > 3, "the parent keeps the default mode");
    }

    @Test
    void chmodOnAnExistingDirectoryChangesIt() throws Exception {
        Path target = Files.createDirectory(dir.resolve("existing"));
        workdir("--chmod 700 " + target);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    void aModeThatIsNotOctalFailsBeforeCreatingAnything() throws Exception {
        Path target = dir.resolve("never");
        Execution execution = unvalidatedWorkdir("--chmod u+x " + target);
        assertEquals(NodeState.FAILED, execution.state());
        assertTrue(execution.info().startsWith("--chmod 'u+x' is not an octal mode"), execution.info());
        assertTrue(Files.notExists(target));
    }

    @Test
    void chownTakesNumericIds() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "changing owner needs root");
        Path target = dir.resolve("owned");
        Execution execution = workdir("--chown 12345:23456 " + target);
        assertEquals(NodeState.SUCCESS, execution.state(), execution.info());
        assertEquals(12345, Files.getAttribute(target, "unix:uid"));
        assertEquals(23456, Files.getAttribute(target, "unix:gid"));
    }

    @Test
    void chownToAnUnknownUserFailsNamingIt() throws Exception {
        Execution execution = workdir("--chown no_such_user_here " + dir.resolve("x"));
        assertEquals(NodeState.FAILED, execution.state());
        assertEquals("--chown no_such_user_here: no user or group 'no_such_user_here' on this node", execution.info());
    }

    @Test
    void aPathThatIsAFileFails() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        Execution execution = workdir(file.toString());
        assertEquals(NodeState.FAILED, execution.state());
        assertEquals("cannot create directory " + file + ": " + file + " exists and is not a directory",
                execution.info());
    }

    @Test
    void aRelativePathFails() throws Exception {
        assertEquals("WORKDIR needs an absolute path, got 'srv/app'", workdir("srv/app").info());
    }
}
