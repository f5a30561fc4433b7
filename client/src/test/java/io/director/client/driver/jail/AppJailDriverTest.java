package io.director.client.driver.jail;

import io.director.client.driver.RecordingCommandRunner;
import io.director.client.driver.SupervisedWorkload;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AppJail: the exact {@code appjail} command lines of each action, over a recording runner. */
class AppJailDriverTest extends JailDriverConformance {

    @Override
    JailDriver driver(Path cachePath, JailRecords records, RecordingCommandRunner runner) {
        return new AppJailDriver(cachePath, records, runner);
    }

    @Override
    String startLine() {
        return "appjail start";
    }

    @Test
    void nameIsAppjail() {
        assertEquals("appjail", driver.name());
    }

    @Test
    void createIsOneQuickLine() throws Exception {
        JailSpec spec = new JailSpec(null, "base", "web", "host", List.of("/data:/srv:ro", "/logs:/var/log"), "64M",
                2.0, List.of(), "no", false);
        assertTrue(driver.create("web", spec));
        assertEquals(List.of(List.of("appjail", "quick", "web", "type=empty",
                "copydir=" + dir.resolve("cache/templates/base"), "mount_devfs", "ip4_inherit", "ip6_inherit",
                "fstab=\"/data /srv nullfs ro\"", "fstab=\"/logs /var/log nullfs rw\"",
                "limits=\"memoryuse:deny=67108864\"", "limits=\"pcpu:deny=200\"")), runner.commands());
    }

    @Test
    void startThenTheCommandDetached() throws Exception {
        JailSpec spec = new JailSpec(null, "base", "web", "none", List.of(), null, null, List.of("A=1"), "no", false);
        driver.create("web", spec);
        runner.clear();
        assertTrue(driver.start("web", List.of("httpd", "-f")));
        assertEquals(List.of("jls --libxo json -j web", "appjail start web",
                "appjail cmd jexec web /usr/sbin/daemon -f env A=1 httpd -f"), runner.lines());
    }

    @Test
    void execStopAndDestroy() throws Exception {
        driver.create("web", spec("web"));
        runner.answer(NOT_FOUND + " web", running("web", 1));
        runner.clear();
        assertFalse(driver.start("web", List.of()));
        driver.exec("web", List.of("id", "-u"), 10, 100);
        assertTrue(driver.stop("web", Duration.ofSeconds(5)));
        assertTrue(driver.destroy("web", true, Duration.ofSeconds(5)));
        assertEquals(List.of("jls --libxo json -j web",
                "jls --libxo json -j web", "appjail cmd jexec web id -u",
                "jls --libxo json -j web", "appjail stop web",
                "jls --libxo json -j web", "jls --libxo json -j web", "appjail stop web",
                "appjail jail destroy web"), runner.lines());
    }

    @Test
    void aVanishedJailIsStartedAgainWithItsRecordedCommand() throws Exception {
        JailSpec spec = new JailSpec(null, "base", "web", "none", List.of(), null, null, List.of("A=1"), "always",
                false);
        driver.create("web", spec);
        driver.start("web", List.of("httpd", "-f"));
        runner.clear();
        assertEquals(List.of(new SupervisedWorkload("web", "always", true, true)), driver.supervised());
        assertTrue(driver.restartGone("web"));
        assertEquals(List.of("jls --libxo json -j web", "jls --libxo json -j web", "appjail start web",
                "appjail cmd jexec web /usr/sbin/daemon -f env A=1 httpd -f"), runner.lines());
        assertEquals(1, driver.status("web").restarts());
    }

    @Test
    void recoverStartsAnAutostartJailThatIsNotRunning() throws Exception {
        driver.create("web", supervisedSpec("no", true));
        driver.create("db", new JailSpec(null, "base", "db", "none", List.of(), null, null, List.of(), "no", true));
        listed("db", 4);
        runner.clear();
        driver.recover();
        assertEquals(List.of("jls --libxo json -j db", "jls --libxo json -j web", "jls --libxo json -j web",
                "appjail start web"), runner.lines());
    }
}
