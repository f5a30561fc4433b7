package io.director.server.store;

import io.director.dsl.verb.DslException;
import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.JobParser;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.JobResult;
import io.director.dsl.wire.NodeState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerStoreTest {

    @TempDir
    Path dir;

    private Path file;
    private ServerStore store;

    @BeforeEach
    void openStore() {
        file = dir.resolve("data").resolve("server.db");
        store = ServerStore.open(file);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static Job job(String jobId, String arguments) throws DslException {
        JobDefinition definition = JobParser.standard().parse("RUN", arguments);
        return new Job(jobId, jobId, "job " + jobId, definition, Fingerprint.of(definition));
    }

    private static NewJob queued(Job job, String... targets) {
        Map<String, NodeState> states = new LinkedHashMap<>();
        for (String target : targets) {
            states.put(target, NodeState.QUEUED);
        }
        return new NewJob(job, states, Map.of());
    }

    private static JobResult result(String jobId, NodeState state, Integer exitCode, String stdout) {
        return new JobResult(jobId, state, exitCode, stdout, "warn\n", null, 1.5, 100L, 1600L);
    }

    private StoredJob find(String jobId) {
        return store.findJob(jobId, true).orElseThrow();
    }

    private NodeOutcome outcome(String jobId, String identity) {
        return find(jobId).nodes().get(identity);
    }

    @Test
    void findsAnInsertedJobWithItsDefinitionFingerprintAndTargetsInOrder() throws DslException {
        Job job = job("j1", "--skip-cache --name build echo \"hi there\"");
        store.insertJobs(List.of(queued(job, "web-2", "web-1", "db")), 1000L);

        StoredJob stored = find("j1");
        assertEquals(job, stored.job());
        assertEquals("echo \"hi there\"", stored.job().definition().payload());
        assertEquals(job.fingerprint(), stored.job().fingerprint());
        assertEquals(1000L, stored.created());
        assertEquals(List.of("web-2", "web-1", "db"), List.copyOf(stored.nodes().keySet()));
        for (NodeOutcome outcome : stored.nodes().values()) {
            assertEquals(NodeState.QUEUED, outcome.state());
            assertEquals("", outcome.stdout());
            assertEquals(0L, outcome.finishedAt());
            assertNull(outcome.exitCode());
        }
        assertEquals("processing", stored.state());
    }

    @Test
    void storesFinalFirstStatesWithTheirInfoAndFinishTime() throws DslException {
        Map<String, NodeState> states = new LinkedHashMap<>();
        states.put("a", NodeState.QUEUED);
        states.put("b", NodeState.FAILED);
        store.insertJobs(List.of(new NewJob(job("j1", "true"), states, Map.of("b", ServerStore.UNREACHABLE))), 500L);

        assertEquals(NodeState.FAILED, outcome("j1", "b").state());
        assertEquals("node unreachable", outcome("j1", "b").info());
        assertEquals(500L, outcome("j1", "b").finishedAt());
        assertNull(outcome("j1", "a").info());
        assertEquals(0L, outcome("j1", "a").finishedAt());
    }

    @Test
    void leavesOutputOutWhenNotAskedFor() throws DslException {
        store.insertJobs(List.of(queued(job("j1", "true"), "a")), 0L);
        store.recordResult("a", result("j1", NodeState.SUCCESS, 0, "out\n"), 10L);

        assertNull(store.findJob("j1", false).orElseThrow().nodes().get("a").stdout());
        assertEquals("out\n", outcome("j1", "a").stdout());
    }

    @Test
    void findsNothingForAnUnknownJob() {
        assertEquals(Optional.empty(), store.findJob("nope", true));
        assertEquals(Optional.empty(), store.lastJobId());
    }

    @Test
    void recordsAResultOnceAndCallsTheSecondADuplicate() throws DslException {
        store.insertJobs(List.of(queued(job("j1", "true"), "a", "b")), 1000L);

        assertEquals(ServerStore.ResultOutcome.STORED,
                store.recordResult("a", result("j1", NodeState.SUCCESS, 0, "first\n"), 3500L));
        assertEquals(ServerStore.ResultOutcome.DUPLICATE,
                store.recordResult("a", result("j1", NodeState.FAILED, 1, "second\n"), 4000L));

        NodeOutcome a = outcome("j1", "a");
        assertEquals(NodeState.SUCCESS, a.state());
        assertEquals(0, a.exitCode());
        assertEquals("first\n", a.stdout());
        assertEquals("warn\n", a.stderr());
        assertEquals(3500L, a.finishedAt());
        assertEquals(1.5, a.executionTime());
        assertEquals(2.5, a.roundtripTime());
        assertEquals(NodeState.QUEUED, outcome("j1", "b").state());
    }

    @Test
    void refusesAResultFromANodeThatWasNotATarget() throws DslException {
        store.insertJobs(List.of(queued(job("j1", "true"), "a")), 0L);

        assertEquals(ServerStore.ResultOutcome.NOT_SENT_TO_NODE,
                store.recordResult("intruder", result("j1", NodeState.SUCCESS, 0, ""), 10L));
        assertEquals(ServerStore.ResultOutcome.NOT_SENT_TO_NODE,
                store.recordResult("a", result("unknown-job", NodeState.SUCCESS, 0, ""), 10L));
        assertFalse(find("j1").nodes().containsKey("intruder"));
        assertEquals(NodeState.QUEUED, outcome("j1", "a").state());
    }

    @Test
    void marksOnlyAQueuedJobStarted() throws DslException {
        store.insertJobs(List.of(queued(job("j1", "true"), "a", "b")), 0L);

        assertTrue(store.markStarted("a", "j1", 50L));
        assertEquals(NodeState.PROCESSING, outcome("j1", "a").state());
        assertEquals(50L, outcome("j1", "a").startedAt());
        assertFalse(store.markStarted("a", "j1", 60L));
        assertEquals(50L, outcome("j1", "a").startedAt());

        store.recordResult("b", result("j1", NodeState.SUCCESS, 0, ""), 70L);
        assertFalse(store.markStarted("b", "j1", 80L));
        assertEquals(NodeState.SUCCESS, outcome("j1", "b").state());

        assertFalse(store.markStarted("c", "j1", 90L));
        assertFalse(store.markStarted("a", "nope", 90L));
    }

    @Test
    void keepsTheStartTimeOfAStartedJobWhenItsResultArrives() throws DslException {
        store.insertJobs(List.of(queued(job("j1", "true"), "a", "b", "c")), 0L);
        store.markStarted("a", "j1", 50L);

        store.recordResult("a", result("j1", NodeState.SUCCESS, 0, ""), 70L);
        // A short job sends no `started`: its result's own start (100) is kept; without one, the arrival.
        store.recordResult("b", result("j1", NodeState.SUCCESS, 0, ""), 80L);
        store.recordResult("c", new JobResult("j1", NodeState.SUCCESS, 0, "", "", null, 0.0, 0L, 0L), 90L);

        assertEquals(50L, outcome("j1", "a").startedAt());
        assertEquals(100L, outcome("j1", "b").startedAt());
        assertEquals(90L, outcome("j1", "c").startedAt());
    }

    @Test
    void listsTheUnfinishedJobsOfANodeOldestFirst() throws DslException {
        store.insertJobs(List.of(queued(job("old", "echo 1"), "a")), 1000L);
        store.insertJobs(List.of(queued(job("done", "echo 2"), "a")), 2000L);
        store.insertJobs(List.of(queued(job("mid", "echo 3"), "a", "b"), queued(job("new", "echo 4"), "a")), 3000L);
        store.insertJobs(List.of(queued(job("other", "echo 5"), "b")), 4000L);
        store.recordResult("a", result("done", NodeState.SUCCESS, 0, ""), 2500L);
        store.markStarted("a", "mid", 3100L);

        List<String> open = store.openJobs("a").stream().map(Job::jobId).toList();
        assertEquals(List.of("old", "mid", "new"), open);
        assertEquals(List.of("mid", "other"), store.openJobs("b").stream().map(Job::jobId).toList());
        assertEquals("echo 3", store.openJobs("a").get(1).definition().payload());
        assertTrue(store.openJobs("nobody").isEmpty());
    }

    @Test
    void failsOpenJobsWithTheGivenInfo() throws DslException {
        store.insertJobs(List.of(queued(job("j1", "echo 1"), "a", "b"), queued(job("j2", "echo 2"), "a")), 0L);
        store.markStarted("a", "j2", 10L);
        store.insertJobs(List.of(queued(job("j3", "echo 3"), "a")), 20L);
        store.recordResult("a", result("j3", NodeState.SUCCESS, 0, ""), 30L);

        assertEquals(2, store.failOpenJobs("a", ServerStore.UNREACHABLE, 900L));

        for (String id : List.of("j1", "j2")) {
            NodeOutcome outcome = outcome(id, "a");
            assertEquals(NodeState.FAILED, outcome.state());
            assertEquals("node unreachable", outcome.info());
            assertEquals(900L, outcome.finishedAt());
        }
        assertEquals(NodeState.SUCCESS, outcome("j3", "a").state());
        assertEquals(NodeState.QUEUED, outcome("j1", "b").state());
        assertTrue(store.openJobs("a").isEmpty());
        assertEquals(0, store.failOpenJobs("a", ServerStore.UNREACHABLE, 950L));
    }

    @Test
    void aLateRealResultReplacesANodeUnreachableFailure() throws DslException {
        store.insertJobs(List.of(queued(job("j1", "true"), "a")), 0L);
        store.failOpenJobs("a", ServerStore.UNREACHABLE, 900L);

        assertEquals(ServerStore.ResultOutcome.STORED,
                store.recordResult("a", result("j1", NodeState.SUCCESS, 0, "late\n"), 1200L));

        NodeOutcome outcome = outcome("j1", "a");
        assertEquals(NodeState.SUCCESS, outcome.state());
        assertEquals("late\n", outcome.stdout());
        assertNull(outcome.info());
        assertEquals(1200L, outcome.finishedAt());
        assertEquals(ServerStore.ResultOutcome.DUPLICATE,
                store.recordResult("a", result("j1", NodeState.SUCCESS, 0, "again\n"), 1300L));
    }

    @Test
    void aLateResultDoesNotReplaceAFailureForAnotherReason() throws DslException {
        store.insertJobs(List.of(queued(job("j1", "true"), "a")), 0L);
        store.failOpenJobs("a", "cancelled by operator", 900L);

        assertEquals(ServerStore.ResultOutcome.DUPLICATE,
                store.recordResult("a", result("j1", NodeState.SUCCESS, 0, "late\n"), 1200L));
        assertEquals(NodeState.FAILED, outcome("j1", "a").state());
        assertEquals("cancelled by operator", outcome("j1", "a").info());
    }

    @Test
    void runOnceHolderSeesAnOpenJobAndPrefersASuccess() throws DslException {
        Job first = job("j1", "--run-once touch /tmp/x");
        Job second = job("j2", "--run-once touch /tmp/x");
        assertEquals(first.fingerprint(), second.fingerprint());
        assertEquals(Optional.empty(), store.runOnceHolder(first.fingerprint()));

        store.insertJobs(List.of(queued(first, "a")), 0L);
        assertEquals(Optional.of(new ServerStore.RunOnceHolder("a", false)), store.runOnceHolder(first.fingerprint()));

        store.insertJobs(List.of(queued(second, "b")), 10L);
        store.recordResult("b", result("j2", NodeState.SUCCESS, 0, ""), 20L);
        assertEquals(Optional.of(new ServerStore.RunOnceHolder("b", true)), store.runOnceHolder(first.fingerprint()));
    }

    @Test
    void runOnceHolderIgnoresFailedRunsAndJobsThatAreNotRunOnce() throws DslException {
        Job runOnce = job("j1", "--run-once touch /tmp/x");
        store.insertJobs(List.of(queued(runOnce, "a")), 0L);
        store.recordResult("a", result("j1", NodeState.FAILED, 1, ""), 10L);
        assertEquals(Optional.empty(), store.runOnceHolder(runOnce.fingerprint()));

        Job plain = job("j2", "touch /tmp/x");
        store.insertJobs(List.of(queued(plain, "a")), 20L);
        assertEquals(Optional.empty(), store.runOnceHolder(plain.fingerprint()));
    }

    @Test
    void reportsTheJobStateFromItsNodes() throws DslException {
        store.insertJobs(List.of(queued(job("j1", "true"), "a", "b")), 0L);
        store.insertJobs(List.of(queued(job("j2", "true"), "a", "b")), 0L);
        store.insertJobs(List.of(queued(job("j3", "true"), "a", "b")), 0L);
        store.recordResult("a", result("j1", NodeState.SUCCESS, 0, ""), 1L);
        store.recordResult("b", result("j1", NodeState.SKIPPED, null, ""), 1L);
        store.recordResult("a", result("j2", NodeState.SUCCESS, 0, ""), 1L);
        store.recordResult("b", result("j2", NodeState.FAILED, 1, ""), 1L);
        store.recordResult("a", result("j3", NodeState.FAILED, 1, ""), 1L);

        assertEquals("success", find("j1").state());
        assertEquals("partial", find("j2").state());
        assertEquals("processing", find("j3").state());
        store.recordResult("b", result("j3", NodeState.CANCELLED, null, ""), 1L);
        assertEquals("failed", find("j3").state());
    }

    @Test
    void storesAndLoadsNodes() {
        StoredNode web = new StoredNode("web-1", "m-1", "web-1@m-1", "0.1.0", Map.of("role", "web"),
                Map.of("os", "linux"), 10L, 20L, 30L, false);
        StoredNode db = new StoredNode("db-1", "m-2", "db-1@m-2", null, null, null, 1L, 2L, 3L, false);
        store.upsertNode(web);
        store.upsertNode(db);

        assertEquals(List.of(db, web), store.loadNodes());
    }

    @Test
    void upsertingANodeKeepsItsFirstSeenTime() {
        store.upsertNode(new StoredNode("web-1", "m-1", "web-1@m-1", "0.1.0", Map.of(), Map.of(), 10L, 20L, 30L, false));
        StoredNode moved = new StoredNode("web-1", "m-9", "web-1@m-9", "0.2.0", Map.of("k", "v"), Map.of(),
                40L, 50L, 60L, false);
        store.upsertNode(moved);

        List<StoredNode> nodes = store.loadNodes();
        assertEquals(1, nodes.size());
        assertEquals(new StoredNode("web-1", "m-9", "web-1@m-9", "0.2.0", Map.of("k", "v"), Map.of(), 40L, 20L, 60L, false),
                nodes.get(0));
    }

    @Test
    void touchNodesRecordsHeartbeatTimes() {
        store.upsertNode(new StoredNode("a", "m", "a@m", "v", Map.of(), Map.of(), 1L, 1L, 1L, false));
        store.upsertNode(new StoredNode("b", "m", "b@m", "v", Map.of(), Map.of(), 1L, 1L, 1L, false));

        store.touchNodes(Map.of("a", 77L, "unknown", 88L));

        assertEquals(77L, store.loadNodes().get(0).lastHeartbeat());
        assertEquals(1L, store.loadNodes().get(1).lastHeartbeat());
    }

    @Test
    void keepsEverythingAcrossClosingAndReopening() throws DslException {
        Job job = job("j1", "--run-once echo kept");
        store.insertJobs(List.of(queued(job, "a")), 5L);
        store.recordResult("a", result("j1", NodeState.SUCCESS, 0, "kept\n"), 9L);
        StoredNode node = new StoredNode("a", "m", "a@m", "v", Map.of("x", "y"), Map.of(), 1L, 2L, 3L, false);
        store.upsertNode(node);
        store.close();

        store = ServerStore.open(file);

        assertEquals(job, find("j1").job());
        assertEquals("kept\n", outcome("j1", "a").stdout());
        assertEquals(List.of(node), store.loadNodes());
        assertEquals(Optional.of("j1"), store.lastJobId());
        assertEquals(Optional.of(new ServerStore.RunOnceHolder("a", true)), store.runOnceHolder(job.fingerprint()));
    }

    @Test
    void listsJobsOldestFirstAndFindsTheLastOne() throws DslException {
        store.insertJobs(List.of(queued(job("first", "echo 1"), "a")), 1L);
        store.insertJobs(List.of(queued(job("second", "echo 2"), "a"), queued(job("third", "echo 3"), "b")), 2L);

        assertEquals(List.of("first", "second", "third"),
                store.listJobs().stream().map(j -> j.job().jobId()).toList());
        assertEquals(Optional.of("third"), store.lastJobId());
        assertEquals(List.of("third", "first"),
                store.findJobs(List.of("third", "missing", "first"), false).stream().map(j -> j.job().jobId()).toList());
        assertEquals(List.of("b"), List.copyOf(store.findJobs(List.of("third", "first"), false).get(0).nodes().keySet()));
    }

    @Test
    void purgeJobsRemovesEveryJobAndSaysHowMany() throws DslException {
        store.insertJobs(List.of(queued(job("j1", "echo 1"), "a"), queued(job("j2", "echo 2"), "a", "b")), 1L);

        assertEquals(2, store.purgeJobs());

        assertTrue(store.listJobs().isEmpty());
        assertEquals(Optional.empty(), store.findJob("j1", true));
        assertTrue(store.openJobs("a").isEmpty());
        assertEquals(ServerStore.ResultOutcome.NOT_SENT_TO_NODE,
                store.recordResult("a", result("j1", NodeState.SUCCESS, 0, ""), 2L));
        assertEquals(0, store.purgeJobs());
    }

    @Test
    void purgeNodesRemovesEveryNodeAndSaysHowMany() {
        store.upsertNode(new StoredNode("a", "m", "a@m", "v", Map.of(), Map.of(), 1L, 1L, 1L, false));
        store.upsertNode(new StoredNode("b", "m", "b@m", "v", Map.of(), Map.of(), 1L, 1L, 1L, false));

        assertEquals(2, store.purgeNodes());
        assertTrue(store.loadNodes().isEmpty());
    }

    @Test
    void insertingAJobTwiceStoresNothingOfTheBatch() throws DslException {
        store.insertJobs(List.of(queued(job("j1", "echo 1"), "a")), 1L);

        assertThrows(StoreException.class, () -> store.insertJobs(
                List.of(queued(job("j2", "echo 2"), "a"), queued(job("j1", "echo 1"), "a")), 2L));

        assertEquals(Optional.empty(), store.findJob("j2", true));
        assertEquals(List.of("j1"), store.listJobs().stream().map(j -> j.job().jobId()).toList());
    }

    @Test
    void opensOnlySqliteUrls() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerStore.open("postgres://db/director"));
        assertEquals("unsupported datastore 'postgres://db/director': use sqlite:/path/to/server.db", e.getMessage());

        try (ServerStore viaUrl = ServerStore.open("sqlite:" + dir.resolve("other.db"))) {
            assertEquals(dir.resolve("other.db"), viaUrl.path());
            assertTrue(viaUrl.listJobs().isEmpty());
        }
    }

    @Test
    void remembersWhichNodesExpiredUntilTheyEnrolAgain() {
        StoredNode node = new StoredNode("web-1", "m-1", "web-1@m-1", "0.1.0", Map.of(), Map.of(), 1L, 2L, 3L, false);
        store.upsertNode(node);
        store.markExpired(List.of("web-1"));
        assertTrue(store.loadNodes().get(0).expired());
        store.upsertNode(node);
        assertFalse(store.loadNodes().get(0).expired(), "a hello makes it alive again");
    }

    @Test
    void forwardingMovesOpenTargetsToTheNextNodeAndRecordsEveryHop() throws DslException {
        Job create = job("f1", "create");
        Job start = job("f2", "start");
        store.insertJobs(List.of(queued(create, "full"), queued(start, "full")), 1000L);

        store.forward(List.of("f1", "f2"), "full", "web", "max-jails 0 reached", "forwarded to web: full refused", 2000L);
        assertEquals(NodeState.SKIPPED, outcome("f1", "full").state());
        assertEquals("forwarded to web: full refused", outcome("f1", "full").info());
        assertEquals(List.of("full", "web"), List.copyOf(find("f1").nodes().keySet()), "the new target comes last");
        assertEquals(NodeState.QUEUED, outcome("f2", "web").state());
        assertEquals(List.of("f1", "f2"), store.openJobs("web").stream().map(Job::jobId).toList());
        assertEquals(List.of(new Hop("full", "web", "max-jails 0 reached", 2000L)), store.hops("f1"));

        store.failForwarding(List.of("f1", "f2"), "f1", "web", "memory: 1 MiB free", "no node could take it: …", 3000L);
        assertEquals(NodeState.FAILED, outcome("f1", "web").state());
        assertEquals("no node could take it: …", outcome("f1", "web").info());
        assertEquals(NodeState.FAILED, outcome("f1", "full").state(), "forwarded-from targets fail with the job");
        assertEquals("failed", find("f1").state());
        assertEquals(List.of(new Hop("full", "web", "max-jails 0 reached", 2000L),
                new Hop("web", null, "memory: 1 MiB free", 3000L)), store.hops("f1"));
        assertEquals(2, store.purgeJobs());
        assertEquals(List.of(), store.hops("f1"), "purged with their jobs");
    }

    @Test
    void keepsDeploymentsAcrossReopening() throws DslException {
        Deployment deployment = new Deployment("d1", "api", io.director.dsl.placement.Placement.scale(1, 2, 0.5, null,
                30L), List.of("label:role=web"), List.of(job("j1", "echo hi")), 5L);
        store.saveDeployment(deployment);
        store.close();
        store = ServerStore.open(file);
        assertEquals(List.of(deployment), store.loadDeployments());
        store.deleteDeployment("d1");
        assertEquals(List.of(), store.loadDeployments());
    }
}
