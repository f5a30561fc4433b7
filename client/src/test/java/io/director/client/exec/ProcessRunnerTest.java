package io.director.client.exec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessRunnerTest {

    @TempDir
    Path dir;

    private final ProcessRunner runner = new ProcessRunner();

    @AfterEach
    void close() {
        runner.close();
    }

    private ProcessRunner.Outcome sh(String command, long timeout, int cap) throws Exception {
        return runner.run(List.of("/bin/sh", "-c", command), Map.of("GREETING", "hi"), null, timeout, cap);
    }

    @Test
    void aCommandRunsInASessionAndProcessGroupOfItsOwn() throws Exception {
        // /proc/PID/stat after the command name: state, parent, process group, session.
        ProcessRunner.Outcome outcome = sh("read -r line < /proc/$$/stat; set -- ${line##*) }; echo \"$$ $3 $4\"", 10, 1024);
        String[] ids = outcome.stdout().strip().split(" ");
        assertEquals(ids[0], ids[1], "process group of the job's shell: " + outcome.stdout());
        assertEquals(ids[0], ids[2], "session of the job's shell: " + outcome.stdout());
    }

    @Test
    void aStaticallyLinkedBusyboxIsPreferredForItsSetsid() throws Exception {
        // The test machine has busybox-static (.ci/run installs it for the jail templates).
        Path busybox = Path.of("/bin/busybox").toRealPath();
        assertTrue(ProcessRunner.isStaticElf(busybox), busybox + " is statically linked");
        List<String> setsid = ProcessRunner.setsidCommand();
        assertEquals(2, setsid.size(), setsid.toString());
        assertTrue(setsid.get(0).endsWith("/busybox"), setsid.toString());
        assertEquals("setsid", setsid.get(1));
    }

    @Test
    void dynamicallyLinkedProgramsAndOtherFilesAreNotTakenForStaticOnes() throws Exception {
        Path shell = Path.of("/bin/sh").toRealPath();
        assertFalse(ProcessRunner.isStaticElf(shell), shell + " runs through the dynamic loader");
        Path script = Files.writeString(dir.resolve("script"), "#!/bin/sh\necho hi\n");
        assertFalse(ProcessRunner.isStaticElf(script));
        assertFalse(ProcessRunner.isStaticElf(Files.createFile(dir.resolve("empty"))));
        byte[] start = java.util.Arrays.copyOf(Files.readAllBytes(Path.of("/bin/busybox")), 40);
        assertFalse(ProcessRunner.isStaticElf(Files.write(dir.resolve("cut"), start)), "a header cut short");
        assertFalse(ProcessRunner.isStaticElf(dir.resolve("missing")));
    }

    @Test
    void capturesExitCodeStdoutStderrAndEnvironment() throws Exception {
        ProcessRunner.Outcome outcome = sh("echo \"$GREETING\"; echo err >&2; exit 4", 10, 1024);
        assertEquals(4, outcome.exitCode());
        assertEquals("hi\n", outcome.stdout());
        assertEquals("err\n", outcome.stderr());
        assertFalse(outcome.timedOut());
    }

    @Test
    void stdinIsEmptySoACommandReadingItDoesNotHang() throws Exception {
        ProcessRunner.Outcome outcome = sh("cat; echo done", 10, 1024);
        assertEquals("done\n", outcome.stdout());
    }

    @Test
    void outputBeyondTheCapIsCutWithAMarker() throws Exception {
        ProcessRunner.Outcome outcome = sh("head -c 5000 /dev/zero | tr '\\0' 'x'", 10, 1000);
        assertTrue(outcome.stdout().startsWith("x".repeat(1000) + "\n[director: output cut, 4000 more bytes"),
                outcome::stdout);
    }

    @Test
    void timeoutTerminatesTheWholeProcessGroup() throws Exception {
        Path marker = dir.resolve("child-survived");
        long start = System.currentTimeMillis();
        ProcessRunner.Outcome outcome = sh("(sleep 2; touch " + marker + ") & sleep 30", 1, 1024);
        long took = System.currentTimeMillis() - start;
        assertTrue(outcome.timedOut());
        assertTrue(took < 1000 + ProcessRunner.KILL_GRACE_MILLIS, "took " + took + " ms");
        Thread.sleep(2500);
        assertFalse(Files.exists(marker), "a child of the timed-out command lived on");
    }

    @Test
    void aCommandIgnoringSigtermIsKilledAfterTheGracePeriod() throws Exception {
        long start = System.currentTimeMillis();
        ProcessRunner.Outcome outcome = sh("trap '' TERM; sleep 30", 1, 1024);
        long took = System.currentTimeMillis() - start;
        assertTrue(outcome.timedOut());
        assertTrue(took >= 1000 + ProcessRunner.KILL_GRACE_MILLIS - 200, "SIGKILL came only after the grace: " + took);
        assertTrue(took < 1000 + ProcessRunner.KILL_GRACE_MILLIS + 3000, "took " + took + " ms");
    }

    @Test
    void outputIsCutBetweenCharactersNeverInsideOne() throws Exception {
        // 'é' is two bytes in UTF-8: a cap of 3 falls inside the second one.
        ProcessRunner.Outcome outcome = sh("printf 'ééé'", 10, 3);
        assertEquals("é\n[director: output cut, 4 more bytes not kept]\n", outcome.stdout());
    }
}
