package io.director.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.cli.cluster.LocalCluster;
import io.director.server.api.ApiReply;
import io.director.server.api.ApiRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator's everyday story against one real server and two real client processes on
 * loopback: list nodes, run jobs everywhere, see caching, run-once, failures and timeouts.
 */
class ExecEndToEndTest {

    @TempDir
    static Path dir;

    static LocalCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = new LocalCluster(dir, 1, List.of());
        cluster.startServer(60_000);
        cluster.startClient("alpha", List.of("--labels", "role=web,zone=a"));
        cluster.startClient("beta", List.of());
        cluster.awaitNodes(List.of("alpha", "beta"), 60_000);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static CliRun.Result cli(String... args) {
        return CliRun.against(cluster.socketPath(), args);
    }

    /** A job line no other test submits, so node caches never interfere between tests. */
    private static String unique(String command) {
        return command + " # " + UUID.randomUUID();
    }

    /**
     * Two thousand jobs in one request reach each node in one burst, past JeroMQ's default
     * receive queue of 1,000, where CURVE lost a message (zeromq/jeromq#1009): every one must run.
     */
    @Test
    void aBurstOfTwoThousandJobsRunsEveryOneOnEveryNode() throws Exception {
        String marker = UUID.randomUUID().toString();
        List<ApiRequest.JobSubmission> jobs = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            jobs.add(new ApiRequest.JobSubmission("ECHO", marker + " " + i, "burst", List.of()));
        }
        try (ApiClient api = ApiClient.connect(cluster.socketPath())) {
            List<String> ids = new ArrayList<>();
            api.call(new ApiRequest.Submit(jobs)).path("job_ids").forEach(id -> ids.add(id.asText()));
            assertEquals(2000, ids.size());
            long deadline = System.currentTimeMillis() + 90_000;
            long successes = 0;
            while (System.currentTimeMillis() < deadline) {
                successes = 0;
                for (ApiReply.JobView job : api.call(new ApiRequest.JobStatus(ids, false), ApiReply.Jobs.class).jobs()) {
                    successes += job.counts().getOrDefault("success", 0L);
                }
                if (successes == 4000) {
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals(4000, successes, "executions that succeeded of 2,000 jobs on 2 nodes");
        }
        for (String node : List.of("alpha", "beta")) {
            String log = java.nio.file.Files.readString(dir.resolve(node + ".log"));
            assertTrue(!log.contains("malformed message from the server"), node + " received a malformed message");
        }
    }

    @Test
    void listsBothNodesAliveWithVersionAndLabels() {
        CliRun.Result result = cli("manage", "--list-nodes", "--json");
        assertEquals(0, result.exitCode(), result.toString());
        JsonNode nodes = result.json().path("nodes");
        assertEquals(2, nodes.size(), result.out());
        List<String> names = new ArrayList<>();
        for (JsonNode node : nodes) {
            names.add(node.path("identity").asText());
            assertEquals("alive", node.path("state").asText());
            assertTrue(node.path("expires_in").asDouble() > 0, node.toString());
            assertEquals(io.director.dsl.DirectorVersion.version(), node.path("version").asText());
            assertTrue(node.path("machine_id").asText().length() >= 16, node.toString());
        }
        assertEquals(List.of("alpha", "beta"), names);
        assertEquals("web", nodes.get(0).path("labels").path("role").asText());

        assertTrue(!nodes.get(0).path("facts").path("jail_driver").asText().isEmpty(), "the heartbeat names the drivers");
        assertTrue(!nodes.get(0).path("facts").path("vm_driver").asText().isEmpty());

        CliRun.Result text = cli("manage", "--list-nodes");
        assertTrue(text.out().contains("alpha") && text.out().contains("role=web,zone=a"), text.out());
        assertTrue(text.out().contains("linux-namespaces/qemu"), text.out());
    }

    @Test
    void execReachesEveryNodeWithItsOwnStdout() {
        CliRun.Result result = cli("exec", "--verb", "RUN", "--wait", "--json",
                unique("echo \"hello world\"; echo to-stderr >&2"));
        assertEquals(0, result.exitCode(), result.toString());
        JsonNode job = result.json();
        assertEquals("success", job.path("state").asText());
        assertEquals(56, job.path("fingerprint").asText().length());
        for (String node : List.of("alpha", "beta")) {
            JsonNode n = job.path("nodes").path(node);
            assertEquals("success", n.path("state").asText(), n.toString());
            assertEquals(0, n.path("exit_code").asInt());
            assertEquals("hello world\n", n.path("stdout").asText());
            assertEquals("to-stderr\n", n.path("stderr").asText());
            assertTrue(n.path("execution_time").asDouble() >= 0);
            assertTrue(n.path("roundtrip_time").asDouble() > 0);
        }
    }

    @Test
    void withoutWaitPrintsTheJobIdOnceStored() {
        CliRun.Result result = cli("exec", "--verb", "RUN", unique("true"));
        assertEquals(0, result.exitCode(), result.toString());
        String id = result.out().trim();
        UUID.fromString(id);
        CliRun.Result info = cli("manage", "--job-info", id, "--json");
        assertEquals(0, info.exitCode(), info.toString());
        assertEquals(id, info.json().path("job_id").asText());
    }

    @Test
    void identicalJobIsSkippedFromTheCacheAndSkipCacheRunsItAgain() {
        String line = unique("date +%s%N");
        CliRun.Result first = cli("exec", "--verb", "RUN", "--wait", "--json", line);
        assertEquals("success", first.json().path("nodes").path("alpha").path("state").asText(), first.toString());

        CliRun.Result second = cli("exec", "--verb", "RUN", "--wait", "--json", line);
        assertEquals(0, second.exitCode(), second.toString());
        for (String node : List.of("alpha", "beta")) {
            JsonNode n = second.json().path("nodes").path(node);
            assertEquals("skipped", n.path("state").asText(), n.toString());
            assertTrue(n.path("info").asText().startsWith("cached"), n.toString());
        }
        assertEquals("success", second.json().path("state").asText());

        CliRun.Result third = cli("exec", "--verb", "RUN", "--wait", "--json", "--skip-cache " + line);
        JsonNode alpha = third.json().path("nodes").path("alpha");
        assertEquals("success", alpha.path("state").asText(), third.toString());
        String firstOut = first.json().path("nodes").path("alpha").path("stdout").asText();
        assertTrue(!alpha.path("stdout").asText().equals(firstOut), "the job really ran again");
    }

    @Test
    void runOnceRunsOnExactlyOneNodeAndNeverAgain() {
        String line = "--run-once " + unique("echo ran-once");
        CliRun.Result first = cli("exec", "--verb", "RUN", "--wait", "--json", line);
        assertEquals(0, first.exitCode(), first.toString());
        int ran = 0;
        for (JsonNode n : first.json().path("nodes")) {
            if (n.path("state").asText().equals("success")) {
                ran++;
                assertEquals("ran-once\n", n.path("stdout").asText());
            } else {
                assertEquals("skipped", n.path("state").asText());
            }
        }
        assertEquals(1, ran, first.out());

        CliRun.Result again = cli("exec", "--verb", "RUN", "--wait", "--json", "--skip-cache " + line);
        for (JsonNode n : again.json().path("nodes")) {
            assertEquals("skipped", n.path("state").asText(), again.out());
            assertTrue(n.path("info").asText().startsWith("run-once: already done on"), n.toString());
        }
    }

    @Test
    void failingCommandGivesFailedStateItsExitCodeAndCliExitOne() {
        CliRun.Result result = cli("exec", "--verb", "RUN", "--wait", "--check", "--target", "beta",
                unique("echo broken >&2; exit 7"));
        assertEquals(ExitCodes.FAILED, result.exitCode(), result.toString());
        assertTrue(result.out().contains("beta") && result.out().contains("failed") && result.out().contains("exit=7"),
                result.out());
        assertTrue(result.out().contains("check: failed on beta"), result.out());

        CliRun.Result info = cli("manage", "--job-info", "last", "--json");
        JsonNode beta = info.json().path("nodes").path("beta");
        assertEquals("failed", beta.path("state").asText());
        assertEquals(7, beta.path("exit_code").asInt());
        assertEquals("broken\n", beta.path("stderr").asText());
        assertEquals(1, info.json().path("nodes").size(), "only the targeted node");
    }

    @Test
    void timeoutKillsTheWholeProcessGroup() throws Exception {
        Path marker = dir.resolve("survivor-" + UUID.randomUUID());
        long start = System.currentTimeMillis();
        CliRun.Result result = cli("exec", "--verb", "RUN", "--wait", "--json", "--target", "alpha",
                "--timeout 1 (sleep 3; touch " + marker + ") & sleep 30");
        long took = System.currentTimeMillis() - start;
        assertEquals(ExitCodes.FAILED, result.exitCode(), result.toString());
        JsonNode alpha = result.json().path("nodes").path("alpha");
        assertEquals("failed", alpha.path("state").asText());
        assertEquals("timeout after 1 s", alpha.path("info").asText());
        assertTrue(took < 15_000, "took " + took + " ms");
        // The background child was in the job's process group: it must not live on to touch the file.
        Thread.sleep(3500);
        assertTrue(!java.nio.file.Files.exists(marker), "a child of the timed-out job survived");
    }

    @Test
    void streamPrintsEachNodesOutput() {
        CliRun.Result result = cli("exec", "--verb", "RUN", "--stream", unique("echo streamed-line"));
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("[alpha] streamed-line"), result.out());
        assertTrue(result.out().contains("[beta] streamed-line"), result.out());
    }

    @Test
    void listJobsFiltersByState() {
        cli("exec", "--verb", "RUN", "--wait", "--target", "alpha", unique("exit 1"));
        CliRun.Result failed = cli("manage", "--list-jobs", "--filter", "failed", "--json");
        assertEquals(0, failed.exitCode(), failed.toString());
        assertTrue(failed.json().path("jobs").size() >= 1);
        for (JsonNode job : failed.json().path("jobs")) {
            assertTrue(List.of("failed", "partial").contains(job.path("state").asText()), job.toString());
            assertTrue(job.path("nodes").elements().next().path("stdout").isMissingNode(), "listings carry no output");
        }
        CliRun.Result success = cli("manage", "--list-jobs", "--filter", "success", "--json");
        for (JsonNode job : success.json().path("jobs")) {
            assertEquals("success", job.path("state").asText());
        }
    }

    @Test
    void waitTimeoutGivesUpWithExitFour() {
        CliRun.Result result = cli("exec", "--verb", "RUN", "--wait", "--wait-timeout", "0.5", "--target", "beta",
                "--timeout 5 " + unique("sleep 3"));
        assertEquals(ExitCodes.WAIT_TIMEOUT, result.exitCode(), result.toString());
        assertTrue(result.err().contains("still processing on: beta"), result.err());
    }

    @Test
    void unknownTargetIsRefusedAndNothingIsStored() {
        int before = cli("manage", "--list-jobs", "--json").json().path("jobs").size();
        CliRun.Result result = cli("exec", "--verb", "RUN", "--target", "nosuchnode", "true");
        assertEquals(ExitCodes.INVALID_INPUT, result.exitCode(), result.toString());
        assertTrue(result.err().contains("unknown target node 'nosuchnode'"), result.err());
        assertEquals(before, cli("manage", "--list-jobs", "--json").json().path("jobs").size());
    }

    @Test
    void badJobLineIsRejectedBeforeReachingTheServer() {
        CliRun.Result unknownVerb = cli("exec", "--verb", "RUNN", "true");
        assertEquals(ExitCodes.INVALID_INPUT, unknownVerb.exitCode());
        assertTrue(unknownVerb.err().contains("unknown verb 'RUNN'"), unknownVerb.err());

        CliRun.Result unknownOption = cli("exec", "--verb", "RUN", "--json", "--frobnicate true");
        assertEquals(ExitCodes.INVALID_INPUT, unknownOption.exitCode());
        assertEquals("unknown option '--frobnicate' for RUN (column 1 of the arguments)",
                unknownOption.json().path("error").asText());
    }

    @Test
    void unknownJobIdExitsOne() {
        CliRun.Result result = cli("manage", "--job-info", UUID.randomUUID().toString());
        assertEquals(ExitCodes.FAILED, result.exitCode(), result.toString());
        assertTrue(result.err().contains("no job"), result.err());
    }

    @Test
    void exportsJobsAsYamlAndNodesAsJson() throws Exception {
        String id = cli("exec", "--verb", "RUN", "--wait", "--json", unique("echo exported-output"))
                .json().path("job_id").asText();
        Path jobsFile = dir.resolve("jobs.yaml");
        CliRun.Result exported = cli("manage", "--export-jobs", jobsFile.toString());
        assertEquals(0, exported.exitCode(), exported.toString());
        Object yaml = new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
                .loadFromString(java.nio.file.Files.readString(jobsFile));
        JsonNode jobs = io.director.dsl.wire.WireCodec.mapper().valueToTree(yaml).path("jobs");
        JsonNode ours = null;
        for (JsonNode job : jobs) {
            if (job.path("job_id").asText().equals(id)) {
                ours = job;
            }
        }
        assertTrue(ours != null, "the job is in the export");
        assertTrue(ours.path("nodes").path("alpha").path("stdout").asText().startsWith("exported-output"));

        Path nodesFile = dir.resolve("nodes.json");
        CliRun.Result nodes = cli("manage", "--export-nodes", nodesFile.toString(), "--json");
        assertEquals(0, nodes.exitCode(), nodes.toString());
        JsonNode exportedNodes = io.director.dsl.wire.WireCodec.mapper().readTree(nodesFile.toFile()).path("nodes");
        assertEquals(2, exportedNodes.size());
    }

    @Test
    void analyzesAJobNamingItsFastestAndSlowestNode() {
        String id = cli("exec", "--verb", "RUN", "--wait", "--json",
                unique("if [ \"$(cat /proc/sys/kernel/random/uuid | cut -c1)\" != x ]; then sleep 0.3; fi"))
                .json().path("job_id").asText();
        CliRun.Result analysis = cli("manage", "--analyze-job", id, "--json");
        assertEquals(0, analysis.exitCode(), analysis.toString());
        JsonNode a = analysis.json();
        assertEquals(1, a.path("jobs").asInt());
        assertEquals(2, a.path("executions").asInt());
        assertTrue(a.path("total_seconds").asDouble() >= 0.6, a.toString());
        assertTrue(a.path("slowest").path("seconds").asDouble() >= a.path("fastest").path("seconds").asDouble());
        assertTrue(List.of("alpha", "beta").contains(a.path("fastest").path("node").asText()));

        CliRun.Result all = cli("manage", "--analyze-all");
        assertEquals(0, all.exitCode(), all.toString());
        assertTrue(all.out().contains("scope:            all jobs"), all.out());
        assertTrue(all.out().contains("slowest:"), all.out());
    }
}
