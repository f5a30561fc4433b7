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
        return run(List.of(), List.of(properties), List.of());
    }

    /** The same, started through {@code prefix} (a shell command that ends with {@code exec "$@"}), with arguments. */
    private static String run(List<String> prefix, List<String> properties, List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(properties);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ProcessRunnerChoice.class.getName()));
        command.addAll(arguments);
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

    @Test
    void aJobGetsDefaultSignalDispositionsEvenWhenTheDaemonWasStartedIgnoringSome() throws Exception {
        // As a daemon started in the background of a shell: SIGINT and SIGQUIT ignored (bits 2 and 3).
        List<String> ignoring = List.of("/bin/sh", "-c", "trap '' INT QUIT; exec \"$@\"", "sh");
        List<String> job = List.of("grep SigIgn /proc/$$/status");
        assertEquals("posix_spawn 0 SigIgn:\t0000000000000000", lastLine(run(ignoring, List.of(), job)));
        // The JDK's way passes SIGINT on (the JVM handles SIGQUIT itself), which shows the daemon ignored it.
        String jdk = lastLine(run(ignoring, List.of("-Ddirector.spawn=jdk"), job));
        assertTrue(jdk.startsWith("jdk 0 SigIgn:\t"), jdk);
        assertEquals(2, Long.parseLong(jdk.substring(jdk.indexOf('\t') + 1), 16) & 2, jdk);
    }
}
