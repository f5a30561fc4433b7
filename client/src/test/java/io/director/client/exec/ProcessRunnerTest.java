package io.director.client.exec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessRunnerTest {

    @TempDir
    Path dir;

    private ProcessRunner runner;

    @AfterEach
    void close() {
        if (runner != null) {
            runner.close();
        }
    }

    /** Each behaviour is checked for both ways of starting a command (posix_spawn, the JDK's). */
    private ProcessRunner.Outcome sh(boolean posixSpawn, String command, long timeout, int cap) throws Exception {
        if (runner == null) {
            runner = new ProcessRunner(posixSpawn);
            assertEquals(posixSpawn, runner.usesPosixSpawn());
        }
        return runner.run(List.of("/bin/sh", "-c", command), Map.of("GREETING", "hi"), null, timeout, cap);
    }

    @Test
    void onLinuxJobsStartWithPosixSpawnUnlessTheJdkWayIsAskedFor() {
        assertTrue(ProcessRunner.posixSpawnUsable(), "glibc's posix_spawn calls are usable on this machine");
        try (ProcessRunner chosen = new ProcessRunner()) {
            assertEquals(!"jdk".equals(System.getProperty(ProcessRunner.PROPERTY)), chosen.usesPosixSpawn());
        }
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void aCommandRunsInASessionAndProcessGroupOfItsOwn(boolean posixSpawn) throws Exception {
        // /proc/PID/stat after the command name: state, parent, process group, session.
        ProcessRunner.Outcome outcome = sh(posixSpawn, "read -r line < /proc/$$/stat; set -- ${line##*) }; echo \"$$ $3 $4\"", 10, 1024);
        String[] ids = outcome.stdout().strip().split(" ");
        assertEquals(ids[0], ids[1], "process group of the job's shell: " + outcome.stdout());
        assertEquals(ids[0], ids[2], "session of the job's shell: " + outcome.stdout());
    }

    @Test
    void aStaticallyLinkedBusyboxIsPreferredForItsSetsid() throws Exception {
        // The test machine has busybox-static (.ci/run installs it for the jail templates).
        Path busybox = Path.of("/bin/busybox").toRealPath();
        assertTrue(JdkProcessRunner.isStaticElf(busybox), busybox + " is statically linked");
        List<String> setsid = JdkProcessRunner.setsidCommand();
        assertEquals(2, setsid.size(), setsid.toString());
        assertTrue(setsid.get(0).endsWith("/busybox"), setsid.toString());
        assertEquals("setsid", setsid.get(1));
    }

    @Test
    void dynamicallyLinkedProgramsAndOtherFilesAreNotTakenForStaticOnes() throws Exception {
        Path shell = Path.of("/bin/sh").toRealPath();
        assertFalse(JdkProcessRunner.isStaticElf(shell), shell + " runs through the dynamic loader");
        Path script = Files.writeString(dir.resolve("script"), "#!/bin/sh\necho hi\n");
        assertFalse(JdkProcessRunner.isStaticElf(script));
        assertFalse(JdkProcessRunner.isStaticElf(Files.createFile(dir.resolve("empty"))));
        byte[] start = java.util.Arrays.copyOf(Files.readAllBytes(Path.of("/bin/busybox")), 40);
        assertFalse(JdkProcessRunner.isStaticElf(Files.write(dir.resolve("cut"), start)), "a header cut short");
        assertFalse(JdkProcessRunner.isStaticElf(dir.resolve("missing")));
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void capturesExitCodeStdoutStderrAndEnvironment(boolean posixSpawn) throws Exception {
        ProcessRunner.Outcome outcome = sh(posixSpawn, "echo \"$GREETING\"; echo err >&2; exit 4", 10, 1024);
        assertEquals(4, outcome.exitCode());
        assertEquals("hi\n", outcome.stdout());
        assertEquals("err\n", outcome.stderr());
        assertFalse(outcome.timedOut());
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void stdinIsEmptySoACommandReadingItDoesNotHang(boolean posixSpawn) throws Exception {
        ProcessRunner.Outcome outcome = sh(posixSpawn, "cat; echo done", 10, 1024);
        assertEquals("done\n", outcome.stdout());
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void outputBeyondTheCapIsCutWithAMarker(boolean posixSpawn) throws Exception {
        ProcessRunner.Outcome outcome = sh(posixSpawn, "head -c 5000 /dev/zero | tr '\\0' 'x'", 10, 1000);
        assertTrue(outcome.stdout().startsWith("x".repeat(1000) + "\n[director: output cut, 4000 more bytes"),
                outcome::stdout);
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void timeoutTerminatesTheWholeProcessGroup(boolean posixSpawn) throws Exception {
        Path marker = dir.resolve("child-survived");
        long start = System.currentTimeMillis();
        ProcessRunner.Outcome outcome = sh(posixSpawn, "(sleep 2; touch " + marker + ") & sleep 30", 1, 1024);
        long took = System.currentTimeMillis() - start;
        assertTrue(outcome.timedOut());
        assertTrue(took < 1000 + ProcessRunner.KILL_GRACE_MILLIS, "took " + took + " ms");
        Thread.sleep(2500);
        assertFalse(Files.exists(marker), "a child of the timed-out command lived on");
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void aCommandIgnoringSigtermIsKilledAfterTheGracePeriod(boolean posixSpawn) throws Exception {
        long start = System.currentTimeMillis();
        ProcessRunner.Outcome outcome = sh(posixSpawn, "trap '' TERM; sleep 30", 1, 1024);
        long took = System.currentTimeMillis() - start;
        assertTrue(outcome.timedOut());
        assertTrue(took >= 1000 + ProcessRunner.KILL_GRACE_MILLIS - 200, "SIGKILL came only after the grace: " + took);
        assertTrue(took < 1000 + ProcessRunner.KILL_GRACE_MILLIS + 3000, "took " + took + " ms");
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void outputIsCutBetweenCharactersNeverInsideOne(boolean posixSpawn) throws Exception {
        // 'é' is two bytes in UTF-8: a cap of 3 falls inside the second one.
        ProcessRunner.Outcome outcome = sh(posixSpawn, "printf 'ééé'", 10, 3);
        assertEquals("é\n[director: output cut, 4 more bytes not kept]\n", outcome.stdout());
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void aCommandGetsOnlyStdinStdoutAndStderrOfTheDaemonsDescriptors(boolean posixSpawn) throws Exception {
        // Looked at from outside while the command runs: the shell's own pipes and globs would show.
        Path pidFile = dir.resolve("pid");
        runner = new ProcessRunner(posixSpawn);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<ProcessRunner.Outcome> running = thread.submit(() -> runner.run(List.of("/bin/sh", "-c",
                    "echo $$ > " + pidFile + ".new && mv " + pidFile + ".new " + pidFile + " && exec sleep 3"),
                    Map.of(), null, 10, 1024));
            long deadline = System.currentTimeMillis() + 5000;
            while (!Files.exists(pidFile) && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            Path fds = Path.of("/proc", Files.readString(pidFile).strip(), "fd");
            Thread.sleep(100); // the shell's exec of sleep has happened by now
            List<String> open;
            try (var entries = Files.list(fds)) {
                open = entries.map(fd -> fd.getFileName().toString()).sorted().toList();
            }
            assertEquals(List.of("0", "1", "2"), open);
            assertEquals(0, running.get(10, TimeUnit.SECONDS).exitCode());
        } finally {
            thread.shutdownNow();
        }
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void aCommandRunsInTheWorkingDirectoryGiven(boolean posixSpawn) throws Exception {
        runner = new ProcessRunner(posixSpawn);
        ProcessRunner.Outcome outcome = runner.run(List.of("/bin/sh", "-c", "pwd"), Map.of(), dir, 10, 1024);
        assertEquals(dir.toRealPath() + "\n", outcome.stdout());
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void aProgramThatIsNotThereIsAnErrorNamingIt(boolean posixSpawn) throws Exception {
        runner = new ProcessRunner(posixSpawn);
        List<String> command = List.of("no-such-program-here", "x");
        if (posixSpawn) {
            IOException e = assertThrows(IOException.class, () -> runner.run(command, Map.of(), null, 10, 1024));
            assertTrue(e.getMessage().contains("no-such-program-here") && e.getMessage().contains("No such file"),
                    e.getMessage());
        } else {
            // through setsid, which is what fails to find it
            ProcessRunner.Outcome outcome = runner.run(command, Map.of(), null, 10, 1024);
            assertEquals(127, outcome.exitCode());
            assertTrue(outcome.stderr().contains("no-such-program-here"), outcome::toString);
        }
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void aCommandEndedByASignalExitsWith128PlusIt(boolean posixSpawn) throws Exception {
        assertEquals(137, sh(posixSpawn, "kill -9 $$", 10, 1024).exitCode());
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void aBackgroundProcessHoldingTheOutputOpenDelaysTheResultByTheGraceAtMost(boolean posixSpawn) throws Exception {
        long start = System.currentTimeMillis();
        ProcessRunner.Outcome outcome = sh(posixSpawn, "sleep 9 & echo started", 30, 1024);
        long took = System.currentTimeMillis() - start;
        assertEquals(0, outcome.exitCode());
        assertEquals("started\n", outcome.stdout());
        assertFalse(outcome.timedOut());
        assertTrue(took < ProcessRunner.KILL_GRACE_MILLIS + 2000, "took " + took + " ms");
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void commandsRunFromSeveralThreadsAtOnceEachGetTheirOwnOutput(boolean posixSpawn) throws Exception {
        runner = new ProcessRunner(posixSpawn);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> mismatches = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                mismatches.add(threads.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        String id = thread + "-" + i;
                        ProcessRunner.Outcome outcome = runner.run(List.of("/bin/sh", "-c", "echo $ID; echo e$ID >&2; exit " + (i % 3)),
                                Map.of("ID", id), null, 10, 1024);
                        if (!outcome.stdout().equals(id + "\n") || !outcome.stderr().equals("e" + id + "\n")
                                || outcome.exitCode() != i % 3) {
                            return id + ": " + outcome;
                        }
                    }
                    return "";
                }));
            }
            for (Future<String> mismatch : mismatches) {
                assertEquals("", mismatch.get(60, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void argumentsAndEnvironmentReachTheCommandAsUtf8(boolean posixSpawn) throws Exception {
        runner = new ProcessRunner(posixSpawn);
        ProcessRunner.Outcome outcome = runner.run(List.of("/bin/sh", "-c", "printf '%s|%s|%s' \"$1\" \"$WORD\" \"$EMPTY\"", "sh", "été"),
                Map.of("WORD", "ünïcødé ✓", "EMPTY", ""), null, 10, 1024);
        assertEquals("été|ünïcødé ✓|", outcome.stdout());
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void manyCommandsLeaveNoDescriptorOpenInTheDaemon(boolean posixSpawn) throws Exception {
        sh(posixSpawn, "true", 10, 64); // whatever is opened once (JNA, the JDK's reaper) is opened now
        long before = openDescriptors();
        for (int i = 0; i < 200; i++) {
            sh(posixSpawn, i % 2 == 0 ? "echo out" : "echo err >&2; exit 1", 10, 64);
        }
        assertTrue(openDescriptors() <= before + 2, "descriptors: " + before + " before, " + openDescriptors() + " after");
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void anInterruptedRunStopsAtOnceAndKillsTheGroup(boolean posixSpawn) throws Exception {
        runner = new ProcessRunner(posixSpawn);
        Path marker = dir.resolve("child-survived");
        Path started = dir.resolve("started");
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                while (!Files.exists(started)) {
                    Thread.sleep(20);
                }
                caller.interrupt();
            } catch (InterruptedException e) {
                // test over
            }
        });
        interrupter.start();
        long start = System.currentTimeMillis();
        assertThrows(InterruptedException.class, () -> runner.run(List.of("/bin/sh", "-c",
                "(sleep 2; touch " + marker + ") & touch " + started + "; sleep 30"), Map.of(), null, 60, 1024));
        long took = System.currentTimeMillis() - start;
        interrupter.join();
        assertTrue(took < 2000, "took " + took + " ms");
        Thread.sleep(2500);
        assertFalse(Files.exists(marker), "a child of the interrupted command lived on");
    }

    private static long openDescriptors() throws IOException {
        try (var entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.count();
        }
    }
}
