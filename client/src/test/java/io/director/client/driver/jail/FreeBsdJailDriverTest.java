package io.director.client.driver.jail;

import io.director.client.driver.RecordingCommandRunner;
import io.director.client.driver.SupervisedWorkload;
import io.director.client.exec.ProcessRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** jail(8)/jexec/jls: the exact command lines of each action, over a recording runner (no FreeBSD needed). */
class FreeBsdJailDriverTest extends JailDriverConformance {

    @Override
    JailDriver driver(Path cachePath, JailRecords records, RecordingCommandRunner runner) {
        return new FreeBsdJailDriver(cachePath, records, runner);
    }

    @Override
    String startLine() {
        return "jail -i -c";
    }

    private String cache(String rest) {
        return dir.resolve("cache") + rest;
    }

    @Test
    void nameIsFreebsdJail() {
        assertEquals("freebsd-jail", driver.name());
    }

    @Test
    void createCopiesTheTemplate() throws Exception {
        assertTrue(driver.create("web", spec("web")));
        assertEquals(List.of("cp -a " + cache("/templates/base") + " " + cache("/jails/web/root")), runner.lines());
    }

    @Test
    void createWithARootRunsNothing() throws Exception {
        JailSpec spec = new JailSpec(dir.resolve("rootdir").toString(), null, "h", "host", List.of(), null, null,
                List.of(), "no", false);
        assertTrue(driver.create("web", spec));
        assertEquals(List.of(), runner.lines());
    }

    @Test
    void startBuildsMountsJailAndLimits() throws Exception {
        JailSpec spec = new JailSpec(null, "base", "web.local", "none", List.of("/data:/srv/data:ro", "/logs:/var/log"),
                "64M", 1.5, List.of("A=1"), "no", false);
        driver.create("web", spec);
        runner.clear();
        assertTrue(driver.start("web", List.of("httpd", "-f", "it's")));
        String root = cache("/jails/web/root");
        assertEquals(List.of(
                "jls --libxo json -j web",
                "mkdir -p " + root + "/srv/data",
                "mount -t nullfs -o ro /data " + root + "/srv/data",
                "mkdir -p " + root + "/var/log",
                "mount -t nullfs /logs " + root + "/var/log",
                "jail -i -c name=web path=" + root + " host.hostname=web.local persist mount.devfs exec.clean "
                        + "exec.consolelog=" + cache("/jails/web/console.log") + " vnet "
                        + "exec.start=/sbin/ifconfig lo0 up; /usr/bin/env 'A=1' 'httpd' '-f' 'it'\\''s' </dev/null &",
                "rctl -a jail:web:memoryuse:deny=67108864",
                "rctl -a jail:web:pcpu:deny=150"), runner.lines());
        // exec.start is one word of the jail command line
        assertTrue(runner.commands().get(5).get(11).startsWith("exec.start="));
    }

    @Test
    void startWithHostNetworkAndNoCommand() throws Exception {
        JailSpec spec = new JailSpec(dir.resolve("rootdir").toString(), null, "h", "host", List.of(), null, null,
                List.of(), "no", false);
        driver.create("db", spec);
        runner.clear();
        assertTrue(driver.start("db", List.of()));
        assertEquals(List.of("jls --libxo json -j db",
                "jail -i -c name=db path=" + dir.resolve("rootdir") + " host.hostname=h persist mount.devfs exec.clean "
                        + "exec.consolelog=" + cache("/jails/db/console.log") + " ip4=inherit ip6=inherit"),
                runner.lines());
    }

    @Test
    void startOfARunningJailIsUnchanged() throws Exception {
        driver.create("web", spec("web"));
        runner.answer(NOT_FOUND + " web", running("web", 7));
        runner.clear();
        assertFalse(driver.start("web", List.of()));
        assertEquals(List.of("jls --libxo json -j web"), runner.lines());
    }

    @Test
    void aFailedJailCommandUndoesTheMountsAndSaysWhy() throws Exception {
        JailSpec spec = new JailSpec(null, "base", "web", "none", List.of("/data:/d"), null, null, List.of(), "no",
                false);
        driver.create("web", spec);
        runner.answer("jail -i -c", 1, "", "jail: vnet: Operation not supported");
        runner.clear();
        JailException e = assertThrows(JailException.class, () -> driver.start("web", List.of()));
        assertEquals("cannot start jail 'web': jail: vnet: Operation not supported", e.getMessage());
        assertEquals("umount " + cache("/jails/web/root") + "/d", runner.lines().get(runner.lines().size() - 1));
    }

    @Test
    void refusedLimitsLeaveTheJailRunningUnlimited() throws Exception {
        JailSpec spec = new JailSpec(null, "base", "web", "none", List.of(), "1G", null, List.of(), "no", false);
        driver.create("web", spec);
        runner.answer("rctl -a", 1, "", "rctl: failed to add rule: No such file or directory");
        driver.start("web", List.of());
        runner.answer(NOT_FOUND + " web", running("web", 4));
        JailStatus status = driver.status("web");
        assertEquals("running", status.state());
        assertFalse(status.limitsEnforced());
    }

    @Test
    void limitsPlacedWithRctlAreReported() throws Exception {
        JailSpec spec = new JailSpec(null, "base", "web", "none", List.of(), "1G", null, List.of(), "no", false);
        driver.create("web", spec);
        driver.start("web", List.of());
        runner.answer(NOT_FOUND + " web", running("web", 4));
        JailStatus status = driver.status("web");
        assertTrue(status.limitsEnforced());
        assertEquals("rctl", status.cgroup());
    }

    @Test
    void execRunsJexecWithTheEnvironment() throws Exception {
        JailSpec spec = new JailSpec(null, "base", "web", "none", List.of(), null, null, List.of("A=1", "B=2"), "no",
                false);
        driver.create("web", spec);
        runner.answer(NOT_FOUND + " web", running("web", 2));
        runner.answer("jexec", 3, "out", "err");
        runner.clear();
        ProcessRunner.Outcome outcome = driver.exec("web", List.of("sh", "-c", "exit 3"), 30, 1000);
        assertEquals(new ProcessRunner.Outcome(3, "out", "err", false), outcome);
        assertEquals(List.of("jls --libxo json -j web", "jexec -l web env A=1 B=2 sh -c exit 3"), runner.lines());
        assertEquals(List.of("jexec", "-l", "web", "env", "A=1", "B=2", "sh", "-c", "exit 3"),
                runner.commands().get(1));
    }

    @Test
    void stopRemovesTheJailWithTheGraceThenUnmountsAndDropsLimits() throws Exception {
        JailSpec spec = new JailSpec(null, "base", "web", "none", List.of("/a:/x", "/b:/x/y:ro"), "64M", null,
                List.of(), "no", false);
        driver.create("web", spec);
        driver.start("web", List.of());
        runner.answer(NOT_FOUND + " web", running("web", 9));
        runner.clear();
        assertTrue(driver.stop("web", Duration.ofSeconds(7)));
        String root = cache("/jails/web/root");
        assertEquals(List.of("jls --libxo json -j web", "jail -r name=web stop.timeout=7",
                "umount " + root + "/x/y", "umount " + root + "/x", "rctl -r jail:web"), runner.lines());
    }

    @Test
    void stopOfAStoppedJailIsUnchanged() throws Exception {
        driver.create("web", spec("web"));
        runner.clear();
        assertFalse(driver.stop("web", Duration.ofSeconds(1)));
        assertEquals(List.of("jls --libxo json -j web"), runner.lines());
    }

    @Test
    void destroyRemovesTheRootItMadeNeverCrossingMounts() throws Exception {
        driver.create("web", spec("web"));
        runner.clear();
        assertTrue(driver.destroy("web", false, Duration.ofSeconds(1)));
        assertEquals(List.of("jls --libxo json -j web", "jls --libxo json -j web",
                "chflags -R noschg " + cache("/jails/web/root"),
                "rm -r -f -x " + cache("/jails/web")), runner.lines());
        assertThrows(JailException.class, () -> driver.status("web"));
    }

    @Test
    void destroyWithForceStopsARunningJailAndKeepsAGivenRoot() throws Exception {
        JailSpec spec = new JailSpec(dir.resolve("rootdir").toString(), null, "h", "host", List.of(), null, null,
                List.of(), "no", false);
        driver.create("web", spec);
        runner.answer(NOT_FOUND + " web", running("web", 5));
        runner.clear();
        assertTrue(driver.destroy("web", true, Duration.ofSeconds(3)));
        assertEquals(List.of("jls --libxo json -j web", "jls --libxo json -j web", "jail -r name=web stop.timeout=3"),
                runner.lines());
    }

    @Test
    void statusReadsJls() throws Exception {
        driver.create("web", spec("web"));
        driver.start("web", List.of());
        assertEquals("stopped", driver.status("web").state(), "recorded running but jls does not list it");
        runner.answer(NOT_FOUND + " web", running("web", 12));
        assertEquals("running", driver.status("web").state());
    }

    @Test
    void parsesJlsJson() throws Exception {
        assertEquals(12, FreeBsdJailDriver.parseJid(running("web", 12), "web"));
        assertNull(FreeBsdJailDriver.parseJid(running("web", 12), "db"));
        assertNull(FreeBsdJailDriver.parseJid("{\"__version\": \"2\", \"jail-information\": {\"jail\": []}}", "web"));
        // jls without a name column (its default fields) lists only the jail asked for
        assertEquals(3, FreeBsdJailDriver.parseJid("{\"__version\": \"2\", \"jail-information\": {\"jail\": "
                + "[{\"jid\":3,\"ipv4\":\"\",\"hostname\":\"h\",\"path\":\"/p\"}]}}", "web"));
        assertThrows(JailException.class, () -> FreeBsdJailDriver.parseJid("not json", "web"));
    }

    @Test
    void aVanishedJailIsCleanedUpAndStartedWithItsRecordedCommand() throws Exception {
        JailSpec spec = new JailSpec(null, "base", "web", "host", List.of("/data:/d:ro"), "64M", null, List.of(),
                "always", false);
        driver.create("web", spec);
        driver.start("web", List.of("httpd", "-f"));
        runner.clear();
        assertTrue(driver.restartGone("web"));
        String root = cache("/jails/web/root");
        assertEquals(List.of(
                "jls --libxo json -j web",
                "umount " + root + "/d",
                "rctl -r jail:web",
                "mkdir -p " + root + "/d",
                "mount -t nullfs -o ro /data " + root + "/d",
                "jail -i -c name=web path=" + root + " host.hostname=web persist mount.devfs exec.clean "
                        + "exec.consolelog=" + cache("/jails/web/console.log") + " ip4=inherit ip6=inherit "
                        + "exec.start=/usr/bin/env 'httpd' '-f' </dev/null &",
                "rctl -a jail:web:memoryuse:deny=67108864"), runner.lines());
        assertEquals(1, driver.status("web").restarts());
    }

    @Test
    void aJailWhoseCommandEndedIsGoneAndIsRemovedBeforeItStartsAgain() throws Exception {
        JailSpec spec = new JailSpec(null, "base", "web", "host", List.of(), null, null, List.of(), "on-failure", false);
        driver.create("web", spec);
        driver.start("web", List.of("httpd"));
        listed("web", 7);
        runner.answer("pgrep -j 7", 1, "", "");
        runner.clear();
        assertEquals(List.of(new SupervisedWorkload("web", "on-failure", true, true)), driver.supervised());
        assertEquals(List.of("jls --libxo json -j web", "pgrep -j 7"), runner.lines());
        runner.clear();
        assertTrue(driver.restartGone("web"));
        assertEquals(List.of("jls --libxo json -j web", "pgrep -j 7", "jail -r name=web stop.timeout=10",
                "jail -i -c name=web path=" + cache("/jails/web/root") + " host.hostname=web persist mount.devfs "
                        + "exec.clean exec.consolelog=" + cache("/jails/web/console.log") + " ip4=inherit ip6=inherit "
                        + "exec.start=/usr/bin/env 'httpd' </dev/null &"), runner.lines());
    }

    @Test
    void aJailWithProcessesLeftIsNotGone() throws Exception {
        driver.create("web", supervisedSpec("always", false));
        driver.start("web", List.of("httpd"));
        listed("web", 7);
        runner.answer("pgrep -j 7", 0, "123\n", "");
        runner.clear();
        assertEquals(List.of(new SupervisedWorkload("web", "always", false, false)), driver.supervised());
        assertFalse(driver.restartGone("web"));
        assertEquals(List.of("jls --libxo json -j web", "pgrep -j 7", "jls --libxo json -j web", "pgrep -j 7"),
                runner.lines());
    }

    @Test
    void aListedJailWithTheDefaultInitIsNotAskedForProcesses() throws Exception {
        driver.create("web", supervisedSpec("always", false));
        driver.start("web", List.of());
        listed("web", 7);
        runner.clear();
        assertEquals(List.of(new SupervisedWorkload("web", "always", false, false)), driver.supervised());
        assertEquals(List.of("jls --libxo json -j web"), runner.lines(), "an empty persist jail is its default init");
    }

    @Test
    void aFailedPgrepIsNotTakenForAnEnd() throws Exception {
        driver.create("web", supervisedSpec("always", false));
        driver.start("web", List.of("httpd"));
        listed("web", 7);
        runner.answer("pgrep -j 7", 2, "", "pgrep: illegal option");
        assertEquals(List.of(new SupervisedWorkload("web", "always", false, false)), driver.supervised());
    }
}
