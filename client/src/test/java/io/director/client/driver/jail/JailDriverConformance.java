package io.director.client.driver.jail;

import io.director.client.cache.NodeCache;
import io.director.client.driver.RecordingCommandRunner;
import io.director.client.driver.SupervisedWorkload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every command-driven jail driver must do, whatever its commands: the rules of the spec
 * (idempotent create, errors naming an unknown jail or a different spec, status of a created
 * jail). Subclasses give the driver over a {@link RecordingCommandRunner} and a @TempDir cache.
 */
abstract class JailDriverConformance {

    static final String NOT_FOUND = "jls --libxo json -j";

    @TempDir
    Path dir;
    NodeCache cache;
    RecordingCommandRunner runner;
    JailDriver driver;

    abstract JailDriver driver(Path cachePath, JailRecords records, RecordingCommandRunner runner);

    /** The start of the command line that brings a jail up, to script its failure. */
    abstract String startLine();

    @BeforeEach
    void open() throws Exception {
        cache = NodeCache.open(dir.resolve("cache"));
        runner = new RecordingCommandRunner();
        // no jail runs unless a test says so
        runner.answer(NOT_FOUND, 1, "", "jls: jail \"x\" not found");
        Files.createDirectories(dir.resolve("cache/templates/base/bin"));
        Files.createDirectories(dir.resolve("rootdir"));
        driver = driver(dir.resolve("cache"), new JailRecords(cache), runner);
    }

    @AfterEach
    void close() {
        cache.close();
    }

    JailSpec spec(String hostname) {
        return new JailSpec(null, "base", hostname, "none", List.of(), null, null, List.of(), "no", false);
    }

    JailSpec supervisedSpec(String restart, boolean autostart) {
        return new JailSpec(null, "base", "web", "none", List.of(), null, null, List.of(), restart, autostart);
    }

    /** jls lists the jail from now on. */
    void listed(String name, int jid) {
        runner.answerOnly(NOT_FOUND + " " + name, 0, running(name, jid), "");
    }

    /** jls no longer lists the jail. */
    void vanished(String name) {
        runner.answerOnly(NOT_FOUND + " " + name, 1, "", "jls: jail \"" + name + "\" not found");
    }

    static String running(String name, int jid) {
        return "{\"__version\": \"2\", \"jail-information\": {\"jail\": [{\"jid\":" + jid
                + ",\"ipv4\":\"\",\"hostname\":\"" + name + "\",\"path\":\"/j/" + name + "\",\"name\":\"" + name
                + "\"}]}}";
    }

    @Test
    void createTwiceWithTheSameSpecIsUnchanged() throws Exception {
        assertTrue(driver.create("web", spec("web")));
        runner.clear();
        assertFalse(driver.create("web", spec("web")));
        assertEquals(List.of(), runner.lines(), "a second create runs nothing");
    }

    @Test
    void createWithAnotherSpecNamesTheDifference() throws Exception {
        driver.create("web", spec("web"));
        JailException e = assertThrows(JailException.class, () -> driver.create("web", spec("other")));
        assertTrue(e.getMessage().contains("hostname is 'web', asked 'other'"), e.getMessage());
    }

    @Test
    void memoryWrittenOtherwiseIsTheSameSpecAndAnotherSizeIsNamed() throws Exception {
        JailSpec oneG = new JailSpec(null, "base", "web", "none", List.of(), "1G", null, List.of(), "no", false);
        JailSpec sameInM = new JailSpec(null, "base", "web", "none", List.of(), "1024M", null, List.of(), "no", false);
        JailSpec twoG = new JailSpec(null, "base", "web", "none", List.of(), "2G", null, List.of(), "no", false);
        assertTrue(driver.create("web", oneG));
        runner.clear();
        assertFalse(driver.create("web", sameInM));
        assertEquals(List.of(), runner.lines());
        JailException e = assertThrows(JailException.class, () -> driver.create("web", twoG));
        assertTrue(e.getMessage().contains("memory is '1G', asked '2G'"), e.getMessage());
    }

    @Test
    void createRefusesAMissingTemplateOrRoot() {
        JailSpec template = new JailSpec(null, "nope", "h", "none", List.of(), null, null, List.of(), "no", false);
        assertTrue(assertThrows(JailException.class, () -> driver.create("a", template)).getMessage()
                .contains("no template 'nope'"));
        JailSpec root = new JailSpec("/no/such/dir", null, "h", "none", List.of(), null, null, List.of(), "no", false);
        assertTrue(assertThrows(JailException.class, () -> driver.create("a", root)).getMessage()
                .contains("'/no/such/dir' is not a directory"));
    }

    @Test
    void actionsOnAnUnknownJailNameIt() {
        for (JailAction action : List.<JailAction>of(
                () -> driver.start("ghost", List.of()),
                () -> driver.exec("ghost", List.of("true"), 5, 100),
                () -> driver.stop("ghost", Duration.ofSeconds(1)),
                () -> driver.status("ghost"))) {
            JailException e = assertThrows(JailException.class, action::run);
            assertEquals("no jail 'ghost' on this node: create it first", e.getMessage());
        }
    }

    @Test
    void destroyOfAnUnknownJailIsUnchanged() throws Exception {
        assertFalse(driver.destroy("ghost", true, Duration.ofSeconds(1)));
    }

    @Test
    void aCreatedJailIsListedAsCreated() throws Exception {
        driver.create("web", spec("web"));
        List<JailStatus> all = driver.list();
        assertEquals(1, all.size());
        assertEquals("created", all.get(0).state());
        assertEquals("web", all.get(0).spec().hostname());
    }

    @Test
    void execInAStoppedJailIsRefused() throws Exception {
        driver.create("web", spec("web"));
        JailException e = assertThrows(JailException.class, () -> driver.exec("web", List.of("true"), 5, 100));
        assertEquals("jail 'web' is not running: start it first", e.getMessage());
    }

    @Test
    void destroyOfARunningJailWithoutForceIsRefused() throws Exception {
        driver.create("web", spec("web"));
        runner.answer(NOT_FOUND + " web", running("web", 3));
        JailException e = assertThrows(JailException.class, () -> driver.destroy("web", false, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("is running"), e.getMessage());
    }

    @Test
    void supervisionConcernsOnlyRunningJailsWithARestartPolicy() throws Exception {
        driver.create("a", supervisedSpec("always", false));
        driver.create("b", supervisedSpec("no", false));
        driver.create("c", supervisedSpec("on-failure", false));
        driver.create("d", supervisedSpec("on-failure", false));
        driver.start("a", List.of());
        driver.start("b", List.of());
        driver.start("d", List.of());
        listed("d", 4);
        driver.stop("d", Duration.ofSeconds(1));
        vanished("d");
        assertEquals(List.of(new SupervisedWorkload("a", "always", true, true)), driver.supervised(),
                "a vanished from jls; b has no policy, c never started, d was stopped");
        listed("a", 2);
        assertEquals(List.of(new SupervisedWorkload("a", "always", false, false)), driver.supervised());
    }

    @Test
    void aGoneJailIsStartedAgainAndEachRestartCounts() throws Exception {
        driver.create("web", supervisedSpec("on-failure", false));
        driver.start("web", List.of("httpd", "-f"));
        assertTrue(driver.supervised().get(0).wantsRestart(), "an end of unknown status is a failure");
        assertTrue(driver.restartGone("web"));
        assertEquals(1, driver.status("web").restarts());
        assertTrue(driver.restartGone("web"), "jls still says gone: it is started again");
        listed("web", 9);
        runner.clear();
        assertFalse(driver.restartGone("web"), "running: nothing to do");
        assertEquals(List.of("jls --libxo json -j web"), runner.lines().subList(0, 1));
        assertFalse(runner.lines().stream().anyMatch(l -> l.startsWith(startLine())), runner.lines().toString());
        JailStatus status = driver.status("web");
        assertEquals("running", status.state());
        assertEquals(2, status.restarts());
    }

    @Test
    void aJailStoppedThroughStopIsNeverRestarted() throws Exception {
        driver.create("web", supervisedSpec("always", false));
        driver.start("web", List.of());
        listed("web", 3);
        assertTrue(driver.stop("web", Duration.ofSeconds(1)));
        vanished("web");
        runner.clear();
        assertEquals(List.of(), driver.supervised());
        assertFalse(driver.restartGone("web"));
        assertEquals(List.of(), runner.lines(), "a stopped record is not even looked up in jls");
        assertEquals("stopped", driver.status("web").state());
        assertEquals(0, driver.status("web").restarts());
    }

    @Test
    void aFailedRestartLeavesTheJailToTheNextTry() throws Exception {
        driver.create("web", supervisedSpec("always", false));
        driver.start("web", List.of());
        runner.answer(startLine(), 1, "", "no more jails");
        JailException e = assertThrows(JailException.class, () -> driver.restartGone("web"));
        assertTrue(e.getMessage().endsWith(": no more jails"), e.getMessage());
        assertEquals(0, driver.status("web").restarts(), "a restart that failed is not counted");
        assertEquals(List.of(new SupervisedWorkload("web", "always", true, true)), driver.supervised());
    }

    @Test
    void recoverStartsAutostartJailsAndLeavesGoneSupervisedOnesToTheSupervisor() throws Exception {
        driver.create("auto", supervisedSpec("no", true));
        driver.create("kept", supervisedSpec("always", false));
        driver.create("plain", supervisedSpec("no", false));
        driver.start("kept", List.of("httpd"));
        driver.start("plain", List.of());
        runner.clear();
        driver.recover();
        List<String> starts = runner.lines().stream().filter(l -> l.startsWith(startLine())).toList();
        assertEquals(1, starts.size(), runner.lines().toString());
        assertTrue(starts.get(0).contains("auto"), starts.get(0));
        JailRecords records = new JailRecords(cache);
        assertEquals("running", records.find("auto").state());
        assertEquals("stopped", records.find("plain").state(), "gone without a policy: recorded as stopped");
        assertEquals(List.of(new SupervisedWorkload("kept", "always", true, true)), driver.supervised(),
                "gone with a policy: still recorded as running, for the supervisor");
    }

    @FunctionalInterface
    interface JailAction {
        void run() throws Exception;
    }
}
