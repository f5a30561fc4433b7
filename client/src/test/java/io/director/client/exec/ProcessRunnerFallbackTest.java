package io.director.client.exec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The way a node starts commands, chosen in a new JVM as a client chooses it. */
class ProcessRunnerFallbackTest {

    @TempDir
    Path dir;

    /** The output of {@link ProcessRunnerChoice} in a new JVM with these options. */
    private static String run(String... properties) throws Exception {
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(properties));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ProcessRunnerChoice.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        return output.strip();
    }

    private static String lastLine(String output) {
        return output.substring(output.lastIndexOf('\n') + 1);
    }

    @Test
    void byDefaultALinuxNodeUsesPosixSpawn() throws Exception {
        assertEquals("posix_spawn 3 ran", lastLine(run()));
    }

    @Test
    void theJdkWayCanBeAskedFor() throws Exception {
        assertEquals("jdk 3 ran", lastLine(run("-Ddirector.spawn=jdk")));
    }

    @Test
    void whenJnaCannotLoadItsLibraryCommandsStillRunTheJdkWayAndTheLogSaysWhy() throws Exception {
        // JNA unpacks its native library into jna.tmpdir: a plain file there makes that fail,
        // as a temporary directory mounted noexec does.
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        String output = run("-Djna.tmpdir=" + notADirectory);
        assertEquals("jdk 3 ran", lastLine(output));
        assertTrue(output.contains("commands start through the JDK and a setsid program"), output);
    }
}
