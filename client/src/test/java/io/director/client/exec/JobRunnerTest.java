package io.director.client.exec;

import io.director.client.cache.NodeCache;
import io.director.client.cache.NodeVariables;
import io.director.client.template.TemplateRenderer;
import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.JobParser;
import io.director.dsl.verb.VerbRegistry;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.JobResult;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.NodeState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A queue's jobs offered together, on a real cache and real processes: the job after a finished
 * one is cleared and marked running with that one's result, so what clearing decides (fail-fast,
 * the cache, the ARGs a template reads) must already see the job before it.
 */
class JobRunnerTest {

    @TempDir
    Path dir;

    private final LinkedBlockingQueue<JobResult> results = new LinkedBlockingQueue<>();
    private final ProcessRunner processes = new ProcessRunner();
    private NodeCache cache;
    private JobRunner runner;

    private JobRunner start() {
        cache = NodeCache.open(dir);
        runner = new JobRunner(cache, new NodeVariables(cache), new TemplateRenderer(),
                ExecutorRegistry.standard(processes), VerbRegistry.standard(), message -> {
                    if (message instanceof Message.Result result) {
                        results.add(result.result());
                    }
                }, () -> TestJobs.OUTPUT_CAP, "test-node", Map.of());
        runner.start();
        return runner;
    }

    @AfterEach
    void stop() {
        if (runner != null) {
            runner.stop();
        }
        processes.close();
        if (cache != null) {
            cache.close();
        }
    }

    private static Job job(String id, String parent, String verb, String line) throws Exception {
        JobDefinition definition = JobParser.standard().parse(verb, line);
        return new Job(id, parent, null, definition, Fingerprint.of(definition));
    }

    private List<JobResult> await(int count) throws InterruptedException {
        List<JobResult> got = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JobResult result = results.poll(30, TimeUnit.SECONDS);
            assertNotNull(result, "result " + (i + 1) + " of " + count + " did not come; got " + got);
            got.add(result);
        }
        return got;
    }

    @Test
    void aJobQueuedBehindTheSameJobIsSkippedByTheCacheItsTwinIsStillBeingStoredIn() throws Exception {
        start().offer(List.of(job("a", null, "RUN", "echo twin"), job("b", null, "RUN", "echo twin"),
                job("c", null, "RUN", "--skip-cache echo twin")));
        List<JobResult> got = await(3);
        assertEquals(List.of(NodeState.SUCCESS, NodeState.SKIPPED, NodeState.SUCCESS),
                got.stream().map(JobResult::state).toList(), got.toString());
        assertEquals("cached: succeeded before on this node", got.get(1).info());
    }

    @Test
    void aFailureCancelsTheRestOfItsOrchestrationQueuedBehindIt() throws Exception {
        start().offer(List.of(job("f1", "orch", "RUN", "exit 3"), job("f2", "orch", "RUN", "echo never"),
                job("f3", "other", "RUN", "echo other")));
        List<JobResult> got = await(3);
        assertEquals(List.of(NodeState.FAILED, NodeState.CANCELLED, NodeState.SUCCESS),
                got.stream().map(JobResult::state).toList(), got.toString());
        assertEquals("cancelled: job f1 of this orchestration failed on this node", got.get(1).info());
        assertEquals("other\n", got.get(2).stdout());
    }

    @Test
    void theJobAfterOneThatSetsAnArgRendersWithIt() throws Exception {
        start().offer(List.of(job("s1", null, "RUN", "--stdout-arg greeting --skip-cache echo hello"),
                job("s2", null, "RUN", "--skip-cache echo {{ greeting }} world")));
        List<JobResult> got = await(2);
        assertEquals("hello world\n", got.get(1).stdout(), got.toString());
    }

    @Test
    void aQueueRunToItsEndLeavesNoJobMarkedRunning() throws Exception {
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            jobs.add(job("q" + i, null, "RUN", "--skip-cache echo " + i));
        }
        start().offer(jobs);
        List<JobResult> got = await(5);
        for (int i = 0; i < 5; i++) {
            assertEquals("q" + i, got.get(i).jobId());
            assertEquals(i + "\n", got.get(i).stdout());
        }
        runner.stop();
        runner = null;
        cache.close();
        cache = NodeCache.open(dir);
        assertTrue(cache.failInterrupted(1).isEmpty(), "a restart would report a job it never ran");
        assertTrue(cache.pendingJobs().isEmpty());
    }
}
