package io.director.client.exec;

import io.director.client.cache.NodeCache;
import io.director.client.cache.NodeVariables;
import io.director.client.template.TemplateRenderer;
import io.director.client.transfer.LoopbackTransfer;
import io.director.dsl.verb.AddVerb;
import io.director.dsl.verb.CopyVerb;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.NodeState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddExecutorTest {

    @TempDir
    Path source;
    @TempDir
    Path target;
    @TempDir
    Path cachePath;

    private LoopbackTransfer transfer;
    private NodeCache cache;
    private AddExecutor add;

    @BeforeEach
    void start() {
        transfer = new LoopbackTransfer();
        cache = NodeCache.open(cachePath);
        add = new AddExecutor(AddVerb.NAME, transfer.fetcher());
    }

    @AfterEach
    void stop() {
        cache.close();
        transfer.close();
    }

    @Test
    void aDestinationEndingInSlashIsADirectoryCreatedWithItsParents() throws Exception {
        write("a.conf", "alpha\n");
        write("b.conf", "beta beta\n");
        Path etc = target.resolve("etc/app");

        Execution execution = run(add, "ADD", source + "/*.conf " + etc + "/");

        assertEquals(NodeState.SUCCESS, execution.state(), execution.info());
        assertEquals("copied " + etc.resolve("a.conf") + " (6 bytes)\ncopied " + etc.resolve("b.conf") + " (10 bytes)\n",
                execution.stdout());
        assertEquals("alpha\n", Files.readString(etc.resolve("a.conf")));
        assertEquals("beta beta\n", Files.readString(etc.resolve("b.conf")));
        assertEquals(List.of(etc.resolve("a.conf"), etc.resolve("b.conf")), listing(etc));
    }

    @Test
    void aDestinationWithoutSlashIsTheFilesPath() throws Exception {
        write("app.conf", "x=1\n");
        Path dest = target.resolve("conf/renamed.conf");

        Execution execution = run(add, "ADD", source.resolve("app.conf") + " " + dest);

        assertEquals(NodeState.SUCCESS, execution.state(), execution.info());
        assertEquals("x=1\n", Files.readString(dest));
    }

    @Test
    void aFileAlreadyInPlaceIsNotFetchedAgain() throws Exception {
        write("app.conf", "same\n");
        Job job = transfer.submit("ADD", source.resolve("app.conf") + " " + target + "/");
        assertEquals(NodeState.SUCCESS, execute(add, job).state());

        // Revoked: a second fetch would be refused, so success shows that nothing was fetched.
        transfer.revoke(job);
        Execution second = execute(add, job);

        assertEquals(NodeState.SUCCESS, second.state(), second.info());
        assertEquals("unchanged " + target.resolve("app.conf") + "\n", second.stdout());
    }

    @Test
    void aDifferentFileInPlaceIsReplaced() throws Exception {
        write("app.conf", "new\n");
        Files.writeString(target.resolve("app.conf"), "old\n");

        Execution execution = run(add, "ADD", source.resolve("app.conf") + " " + target + "/");

        assertEquals("copied " + target.resolve("app.conf") + " (4 bytes)\n", execution.stdout());
        assertEquals("new\n", Files.readString(target.resolve("app.conf")));
    }

    @Test
    void chmodIsAppliedToCopiedAndToUnchangedFiles() throws Exception {
        write("id_rsa", "secret\n");
        Path placed = target.resolve("id_rsa");
        Job job = transfer.submit("ADD", "--chmod 0600 " + source.resolve("id_rsa") + " " + target + "/");

        execute(add, job);
        assertEquals("rw-------", mode(placed));

        Files.setPosixFilePermissions(placed, PosixFilePermissions.fromString("rw-r--r--"));
        Execution again = execute(add, job);

        assertEquals("unchanged " + placed + "\n", again.stdout());
        assertEquals("rw-------", mode(placed));
    }

    @Test
    void withoutChmodTheSourcesModeIsKept() throws Exception {
        Path script = write("run.sh", "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));

        run(add, "ADD", script + " " + target + "/");

        assertEquals("rwxr-x---", mode(target.resolve("run.sh")));
    }

    @Test
    void chownByNameAndByNumericIdIsApplied() throws Exception {
        write("app.conf", "x\n");
        PosixFileAttributes own = Files.readAttributes(source.resolve("app.conf"), PosixFileAttributes.class);
        int uid = (Integer) Files.getAttribute(source.resolve("app.conf"), "unix:uid");
        int gid = (Integer) Files.getAttribute(source.resolve("app.conf"), "unix:gid");

        Execution byName = run(add, "ADD", "--chown " + own.owner().getName() + ":" + own.group().getName() + " "
                + source.resolve("app.conf") + " " + target.resolve("by-name.conf"));
        Execution byId = run(add, "ADD", "--chown " + uid + ":" + gid + " " + source.resolve("app.conf") + " "
                + target.resolve("by-id.conf"));

        assertEquals(NodeState.SUCCESS, byName.state(), byName.info());
        assertEquals(NodeState.SUCCESS, byId.state(), byId.info());
        for (String name : List.of("by-name.conf", "by-id.conf")) {
            PosixFileAttributes placed = Files.readAttributes(target.resolve(name), PosixFileAttributes.class);
            assertEquals(own.owner(), placed.owner());
            assertEquals(own.group(), placed.group());
        }
    }

    @Test
    void anUnknownUserFailsTheJobBeforeAnythingIsFetched() throws Exception {
        write("app.conf", "x\n");

        Execution execution = run(add, "ADD", "--chown no-such-user-here " + source.resolve("app.conf") + " "
                + target + "/");

        assertEquals(NodeState.FAILED, execution.state());
        assertEquals("ADD: --chown 'no-such-user-here': no user 'no-such-user-here' on this node", execution.info());
        assertEquals(List.of(), listing(target));
    }

    @Test
    void aChmodThatIsNotOctalFailsTheJob() throws Exception {
        write("app.conf", "x\n");

        Execution execution = execute(add, transfer.submitUnvalidated("ADD", Map.of("chmod", "u+x"),
                source.resolve("app.conf") + " " + target + "/"));

        assertEquals("ADD: --chmod 'u+x' is not an octal mode such as 0644", execution.info());
    }

    @Test
    void severalFilesToADestinationWithoutSlashFail() throws Exception {
        write("a.conf", "a");
        write("b.conf", "b");

        Execution execution = execute(add, transfer.submitUnvalidated("ADD", Map.of(),
                source + "/*.conf " + target.resolve("app.conf")));

        assertEquals(NodeState.FAILED, execution.state());
        assertEquals("ADD: 2 files cannot all be '" + target.resolve("app.conf")
                + "'; end the destination with '/' to put them in a directory", execution.info());
        assertEquals(List.of(), listing(target));
    }

    @Test
    void anExistingDirectoryWithoutSlashFails() throws Exception {
        write("app.conf", "a");

        Execution execution = run(add, "ADD", source.resolve("app.conf") + " " + target);

        assertEquals("ADD: destination '" + target + "' is a directory; end it with '/' to put the file in it",
                execution.info());
    }

    @Test
    void aRelativeDestinationFails() throws Exception {
        write("app.conf", "a");

        Execution execution = run(add, "ADD", source.resolve("app.conf") + " etc/app.conf");

        assertEquals("ADD: destination 'etc/app.conf' is not an absolute path", execution.info());
    }

    @Test
    void twoSourcesWithOneNameInADirectoryFail() throws Exception {
        Files.createDirectories(source.resolve("x"));
        Files.createDirectories(source.resolve("y"));
        write("x/app.conf", "1");
        write("y/app.conf", "2");

        Execution execution = run(add, "ADD", source.resolve("x/app.conf") + " " + source.resolve("y/app.conf")
                + " " + target + "/");

        assertEquals("ADD: '" + source.resolve("x/app.conf") + "' and '" + source.resolve("y/app.conf")
                + "' would both be " + target.resolve("app.conf"), execution.info());
    }

    @Test
    void aRefusedFileFailsTheJobNamingItAndLeavesNoTemporaryFile() throws Exception {
        write("app.conf", "x\n");
        Job job = transfer.submit("ADD", source.resolve("app.conf") + " " + target + "/");
        transfer.revoke(job);

        Execution execution = execute(add, job);

        assertEquals(NodeState.FAILED, execution.state());
        assertEquals("ADD " + target.resolve("app.conf") + ": the server refused '" + source.resolve("app.conf")
                + "': not a file of job " + job.jobId() + " on this node", execution.info());
        assertEquals(List.of(), listing(target));
    }

    @Test
    void aBlueprintIsPlacedAsRenderedAndComparedAsRendered() throws Exception {
        write("motd", "welcome to {{ site }}\n");
        new NodeVariables(cache).setArg("site", "paris");
        Job job = transfer.submit("ADD", "--blueprint " + source.resolve("motd") + " " + target + "/");

        Execution first = execute(add, job);
        Execution second = execute(add, job);

        assertEquals("copied " + target.resolve("motd") + " (17 bytes)\n", first.stdout(), first.info());
        assertEquals("unchanged " + target.resolve("motd") + "\n", second.stdout(), second.info());
        assertEquals("welcome to paris\n", Files.readString(target.resolve("motd")));
        assertEquals(List.of(target.resolve("motd")), listing(target));
    }

    @Test
    void aBlueprintWithAnUndefinedVariableFailsNamingItAndPlacesNothing() throws Exception {
        write("motd", "welcome to {{ nowhere }}\n");

        Execution execution = run(add, "ADD", "--blueprint " + source.resolve("motd") + " " + target + "/");

        assertEquals(NodeState.FAILED, execution.state());
        assertTrue(execution.info().startsWith("ADD " + target.resolve("motd") + ": "), execution.info());
        assertTrue(execution.info().contains("nowhere"), execution.info());
        assertEquals(List.of(), listing(target));
    }

    @Test
    void copyBehavesAsAdd() throws Exception {
        write("app.conf", "x\n");
        AddExecutor copy = new AddExecutor(CopyVerb.NAME, transfer.fetcher());

        Execution execution = run(copy, "COPY", source.resolve("app.conf") + " " + target + "/");

        assertEquals(NodeState.SUCCESS, execution.state(), execution.info());
        assertNull(execution.info());
        assertFalse(execution.stdout().isEmpty());
        assertEquals("x\n", Files.readString(target.resolve("app.conf")));
    }

    private Execution run(AddExecutor executor, String verb, String arguments) throws Exception {
        return execute(executor, transfer.submit(verb, arguments));
    }

    private Execution execute(AddExecutor executor, Job job) throws InterruptedException {
        NodeVariables variables = new NodeVariables(cache);
        return executor.execute(new JobContext(job, job.definition().payload(), variables,
                new TemplateRenderer(), variables.templateContext("test-node", Map.of()), Map.of(), 1024 * 1024));
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(source.resolve(name), text);
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static List<Path> listing(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.sorted().toList();
        }
    }
}
