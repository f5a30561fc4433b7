package io.director.client.cache;

import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.JobParser;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.JobResult;
import io.director.dsl.wire.NodeState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeCacheTest {

    @TempDir
    Path dir;

    private static Job job(String id, String line) throws Exception {
        JobDefinition definition = JobParser.standard().parse("RUN", line);
        return new Job(id, id, null, definition, Fingerprint.of(definition));
    }

    private static JobResult success(String id) {
        return new JobResult(id, NodeState.SUCCESS, 0, "out", "", null, 0.1, 1, 2);
    }

    @Test
    void aCacheHeldByOneClientIsRefusedToASecondUntilTheFirstCloses() throws Exception {
        Job job = job("h1", "echo held");
        try (NodeCache first = NodeCache.open(dir)) {
            first.receiveAll(List.of(job), 1);
            long started = System.nanoTime();
            NodeCache.CacheHeldException refused = assertThrows(NodeCache.CacheHeldException.class, () -> NodeCache.open(dir));
            assertEquals("the node cache in " + dir + " is held by another client: one client per --cache-path",
                    refused.getMessage());
            assertTrue(System.nanoTime() - started >= NodeCache.CLAIM_WAIT_MILLIS * 900_000L,
                    "a client that is stopping is waited for");
            assertEquals(List.of(job), first.pendingJobs(), "the holder goes on unharmed");
        }
        try (NodeCache second = NodeCache.open(dir)) {
            assertEquals(List.of(job), second.pendingJobs());
        }
    }

    @Test
    void aRepeatedJobIsRecognisedAsPendingThenDone() throws Exception {
        try (NodeCache cache = NodeCache.open(dir)) {
            Job job = job("j1", "echo one");
            assertEquals(List.of(NodeCache.Arrival.NEW), cache.receiveAll(List.of(job), 1));
            assertEquals(List.of(NodeCache.Arrival.PENDING), cache.receiveAll(List.of(job), 2));
            assertEquals(List.of(job), cache.pendingJobs());
            cache.finish(success("j1"), job.fingerprint());
            assertEquals(List.of(NodeCache.Arrival.DONE), cache.receiveAll(List.of(job), 3));
            assertTrue(cache.pendingJobs().isEmpty());
        }
    }

    @Test
    void aBurstIsRecordedTogetherAndEachJobSaysWhereItStands() throws Exception {
        Job done = job("b1", "echo done");
        Job pending = job("b2", "echo pending");
        Job fresh = job("b3", "echo new");
        try (NodeCache cache = NodeCache.open(dir)) {
            cache.receiveAll(List.of(done), 1);
            cache.finish(success("b1"), null);
            cache.receiveAll(List.of(pending), 1);
            assertEquals(List.of(NodeCache.Arrival.DONE, NodeCache.Arrival.PENDING, NodeCache.Arrival.NEW,
                            NodeCache.Arrival.PENDING),
                    cache.receiveAll(List.of(done, pending, fresh, fresh), 2), "a repeat within the burst too");
        }
        try (NodeCache reopened = NodeCache.open(dir)) {
            assertEquals(List.of(pending, fresh), reopened.pendingJobs(), "stored, in arrival order");
            reopened.finish(success("b2"), null);
            reopened.finish(success("b3"), null);
            reopened.acknowledged(List.of("b1", "b3"));
            assertEquals(List.of(success("b2")), reopened.unacknowledged());
        }
    }

    @Test
    void resultsStayInTheOutboxUntilAcknowledgedAndSurviveARestart() throws Exception {
        Job job = job("j2", "echo two");
        try (NodeCache cache = NodeCache.open(dir)) {
            cache.receiveAll(List.of(job), 1);
            cache.finish(success("j2"), job.fingerprint());
        }
        try (NodeCache reopened = NodeCache.open(dir)) {
            assertEquals(List.of(success("j2")), reopened.unacknowledged());
            assertTrue(reopened.succeededBefore(job.fingerprint()), "the cache survives a restart");
            reopened.acknowledged(List.of("j2"));
            assertTrue(reopened.unacknowledged().isEmpty());
            assertNull(reopened.unacknowledged("j2"));
        }
    }

    @Test
    void onlyJobsFinishedWithAFingerprintCountAsSucceeded() throws Exception {
        try (NodeCache cache = NodeCache.open(dir)) {
            Job failed = job("j3", "exit 1");
            cache.receiveAll(List.of(failed), 1);
            cache.finish(new JobResult("j3", NodeState.FAILED, 1, "", "", null, 0, 1, 2), null);
            assertFalse(cache.succeededBefore(failed.fingerprint()));
        }
    }

    @Test
    void anOrchestrationThatFailedHereIsRememberedAcrossARestart() throws Exception {
        JobDefinition definition = JobParser.standard().parse("RUN", "sleep 100");
        Job interrupted = new Job("j7", "parent-a", null, definition, Fingerprint.of(definition));
        Job failed = job("j8", "exit 1");
        Job ok = new Job("j9", "parent-b", null, definition, Fingerprint.of(definition));
        try (NodeCache cache = NodeCache.open(dir)) {
            cache.receiveAll(List.of(interrupted), 1);
            cache.markRunning("j7");
            cache.receiveAll(List.of(failed), 1);
            cache.finish(new JobResult("j8", NodeState.FAILED, 1, "", "", null, 0, 1, 2), null);
            cache.receiveAll(List.of(ok), 1);
            cache.finish(success("j9"), null);
        }
        try (NodeCache reopened = NodeCache.open(dir)) {
            reopened.failInterrupted(3);
            // j8's parent is itself (an exec job); j9 succeeded, so parent-b did not fail here.
            assertEquals(java.util.Map.of("parent-a", "j7", "j8", "j8"), reopened.failedOrchestrations());
        }
    }

    @Test
    void aJobRunningAtACrashIsReportedFailedAsClientRestarted() throws Exception {
        Job running = job("j4", "sleep 100");
        Job waiting = job("j5", "echo later");
        try (NodeCache cache = NodeCache.open(dir)) {
            cache.receiveAll(List.of(running), 1);
            cache.receiveAll(List.of(waiting), 2);
            cache.markRunning("j4");
        }
        try (NodeCache restarted = NodeCache.open(dir)) {
            List<JobResult> failed = restarted.failInterrupted(10);
            assertEquals(1, failed.size());
            assertEquals("j4", failed.get(0).jobId());
            assertEquals(NodeState.FAILED, failed.get(0).state());
            assertEquals("client restarted", failed.get(0).info());
            assertEquals(failed, restarted.unacknowledged());
            assertEquals(List.of(waiting), restarted.pendingJobs(), "what had not started still runs");
        }
    }

    @Test
    void pruningForgetsOldFinishedJobsButNeverAnUnacknowledgedResult() throws Exception {
        try (NodeCache cache = NodeCache.open(dir)) {
            Job acknowledged = job("old-1", "echo a");
            Job unacknowledged = job("old-2", "echo b");
            cache.receiveAll(List.of(acknowledged), 10);
            cache.receiveAll(List.of(unacknowledged), 10);
            cache.finish(success("old-1"), null);
            cache.finish(success("old-2"), null);
            cache.acknowledged(List.of("old-1"));
            assertEquals(1, cache.pruneDone(100));
            assertEquals(List.of(NodeCache.Arrival.NEW), cache.receiveAll(List.of(acknowledged), 200), "forgotten");
            assertEquals(List.of(NodeCache.Arrival.DONE), cache.receiveAll(List.of(unacknowledged), 200), "kept until the server has it");
        }
    }

    @Test
    void aCacheFromBeforeJobFingerprintsWereKeptCanStillEvictByFingerprint() throws Exception {
        Job job = job("j6", "echo old");
        String cacheKey = "f".repeat(56);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("client.db"));
             Statement st = db.createStatement()) {
            st.execute("CREATE TABLE inbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL UNIQUE, "
                    + "job TEXT NOT NULL, state TEXT NOT NULL, received_at INTEGER NOT NULL)");
            st.execute("CREATE TABLE succeeded (fingerprint TEXT PRIMARY KEY, job_id TEXT NOT NULL, "
                    + "finished_at INTEGER NOT NULL)");
            st.execute("INSERT INTO inbox (job_id, job, state, received_at) VALUES ('j6', '"
                    + io.director.dsl.wire.WireCodec.mapper().writeValueAsString(job) + "', 'done', 1)");
            st.execute("INSERT INTO succeeded VALUES ('" + cacheKey + "', 'j6', 2)");
        }
        try (NodeCache cache = NodeCache.open(dir)) {
            assertTrue(cache.succeededBefore(cacheKey), "old entries are kept");
            assertEquals(1, cache.forgetSucceeded(job.fingerprint()));
            assertFalse(cache.succeededBefore(cacheKey));
        }
    }

    @Test
    void workloadRecordsAreKeptPerKindAndNameAcrossRestarts() {
        try (NodeCache cache = NodeCache.open(dir)) {
            cache.putWorkload("jail", "web", "{\"state\":\"created\"}");
            cache.putWorkload("vm", "web", "{\"state\":\"running\"}");
            cache.putWorkload("jail", "web", "{\"state\":\"running\"}");
        }
        try (NodeCache cache = NodeCache.open(dir)) {
            assertEquals("{\"state\":\"running\"}", cache.workload("jail", "web"));
            assertEquals(java.util.Set.of("web"), cache.workloads("vm").keySet());
            assertTrue(cache.deleteWorkload("jail", "web"));
            assertNull(cache.workload("jail", "web"));
            assertFalse(cache.deleteWorkload("jail", "web"));
        }
    }
}
