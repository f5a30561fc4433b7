package io.director.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.cli.cluster.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Orchestration files against a real server and three real clients: file order, templating
 * with node variables, QUERY across nodes, fail-fast, async blocks, plans, fingerprints.
 */
class OrchestrateEndToEndTest {

    @TempDir
    static Path dir;

    static LocalCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = new LocalCluster(dir, 1, List.of());
        cluster.startServer(60_000);
        for (String node : List.of("n1", "n2", "n3")) {
            cluster.startClient(node, List.of("--labels", "role=" + (node.equals("n1") ? "db" : "web")));
        }
        cluster.awaitNodes(List.of("n1", "n2", "n3"), 60_000);
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

    /** Writes an orchestration file; {@code %s} in it becomes a fresh work directory. */
    private static Path file(String yaml) throws IOException {
        Path work = dir.resolve("work-" + UUID.randomUUID());
        Files.createDirectories(work);
        Path file = dir.resolve("orch-" + UUID.randomUUID() + ".yaml");
        Files.writeString(file, yaml.replace("%WORK%", work.toString()).replace("%ID%", UUID.randomUUID().toString()));
        return file;
    }

    private static JsonNode run(Path file, String... extra) {
        List<String> args = new ArrayList<>(List.of("orchestrate", file.toString(), "--wait", "--json"));
        args.addAll(List.of(extra));
        CliRun.Result result = cli(args.toArray(String[]::new));
        assertTrue(result.exitCode() == 0 || result.exitCode() == 1, result.toString());
        return result.json().path("jobs");
    }

    private static JsonNode node(JsonNode job, String node) {
        return job.path("nodes").path(node);
    }

    @Test
    void templatesSeeArgsNodeFactsAndCapturedOutputInFileOrder() throws Exception {
        JsonNode jobs = run(file("""
                - name: greet
                  targets: [n1, n2]
                  jobs:
                    - ARG: greeting hello
                    - RUN: echo "{{ greeting }} from {{ node.identity }} ({{ node.labels.role }})"
                    - RUN: --stdout-arg kernel uname -s
                      name: capture
                    - ECHO: "kernel={{ kernel }} missing={{ nothing | default('x') }}"
                    - RUN: echo "%ID%" >> %WORK%/order-{{ node.identity }}; echo second >> %WORK%/order-{{ node.identity }}
                """));
        assertEquals(5, jobs.size());
        for (JsonNode job : jobs) {
            assertEquals("success", job.path("state").asText(), job.toString());
        }
        assertEquals("hello from n1 (db)\n", node(jobs.get(1), "n1").path("stdout").asText());
        assertEquals("hello from n2 (web)\n", node(jobs.get(1), "n2").path("stdout").asText());
        assertEquals("capture", jobs.get(2).path("name").asText());
        assertTrue(node(jobs.get(3), "n2").path("stdout").asText().startsWith("kernel=Linux missing=x"),
                jobs.get(3).toString());
        assertEquals(jobs.get(0).path("job_id").asText(), jobs.get(4).path("parent_id").asText(),
                "one orchestration, one parent");
    }

    @Test
    void anUndefinedVariableFailsTheJobNamingItAndCancelsWhatFollowsOnlyThere() throws Exception {
        Path marker = dir.resolve("after-" + UUID.randomUUID());
        String variable = "v" + Long.toUnsignedString(new java.util.Random().nextLong());
        JsonNode jobs = run(file("""
                - targets: [n1, n3]
                  jobs:
                    - ARG: %VAR% here
                - targets: [n1, n2, n3]
                  jobs:
                    - RUN: echo "{{ %VAR% }}"
                    - RUN: touch %MARKER%-{{ node.identity }}
                """.replace("%VAR%", variable).replace("%MARKER%", marker.toString())));
        JsonNode failing = jobs.get(1);
        assertEquals("failed", node(failing, "n2").path("state").asText(), failing.toString());
        assertTrue(node(failing, "n2").path("info").asText().contains("undefined variable '" + variable + "'"),
                failing.toString());
        assertEquals("partial", failing.path("state").asText());
        assertEquals("cancelled", node(jobs.get(2), "n2").path("state").asText());
        assertTrue(node(jobs.get(2), "n2").path("info").asText().startsWith("cancelled: job "));
        assertEquals("success", node(jobs.get(2), "n1").path("state").asText());
        assertTrue(Files.exists(Path.of(marker + "-n1")) && Files.exists(Path.of(marker + "-n3")));
        assertTrue(Files.notExists(Path.of(marker + "-n2")), "fail-fast: nothing after the failure ran on n2");
    }

    @Test
    void queryGivesEveryNodeTheValuesOfAllTargets() throws Exception {
        JsonNode jobs = run(file("""
                - targets: [n1, n2, n3]
                  jobs:
                    - ARG: address "{{ node.identity }}.example:%PORT%"
                    - QUERY: address
                    - ECHO: "{{ query.n1.address }} {{ query.n2.address }} {{ query.n3.address }}"
                """.replace("%PORT%", Integer.toString(1000 + (int) (Math.random() * 1000)))));
        for (JsonNode job : jobs) {
            assertEquals("success", job.path("state").asText(), job.toString());
        }
        String first = node(jobs.get(2), "n1").path("stdout").asText();
        assertTrue(first.matches("n1\\.example:\\d+ n2\\.example:\\d+ n3\\.example:\\d+"), first);
        assertEquals(first, node(jobs.get(2), "n3").path("stdout").asText(), "every node got every answer");
    }

    @Test
    void asyncBlocksRunBesideEachOther() throws Exception {
        Path times = dir.resolve("times-" + UUID.randomUUID());
        Files.createDirectories(times);
        JsonNode jobs = run(file("""
                - async: true
                  targets: [n3]
                  jobs:
                    - RUN: date +%s.%N > %T/a-start; sleep 1.5; date +%s.%N > %T/a-end
                - async: true
                  targets: [n3]
                  jobs:
                    - RUN: date +%s.%N > %T/b-start; sleep 1.5; date +%s.%N > %T/b-end
                """.replace("%T", times.toString())));
        assertEquals(2, jobs.size());
        double aStart = read(times.resolve("a-start"));
        double aEnd = read(times.resolve("a-end"));
        double bStart = read(times.resolve("b-start"));
        double bEnd = read(times.resolve("b-end"));
        assertTrue(aStart < bEnd && bStart < aEnd, "the two blocks overlapped in time on n3: a " + aStart + "–" + aEnd
                + ", b " + bStart + "–" + bEnd);
    }

    private static double read(Path file) throws IOException {
        return Double.parseDouble(Files.readString(file).strip());
    }

    @Test
    void planSaysRunThenCachedAndExitsTwoThenZero() throws Exception {
        Path file = file("""
                - targets: [n1, n2]
                  jobs:
                    - ARG: greeting planned
                    - RUN: echo "{{ greeting }} %ID%"
                """);
        CliRun.Result before = cli("orchestrate", file.toString(), "--plan", "--json");
        assertEquals(ExitCodes.INVALID_INPUT, before.exitCode(), before.toString());
        JsonNode planned = before.json().path("jobs");
        assertEquals("always", planned.get(0).path("nodes").path("n1").asText());
        assertEquals("run", planned.get(1).path("nodes").path("n2").asText());
        assertTrue(before.json().path("would_run").asBoolean());

        run(file);
        CliRun.Result after = cli("orchestrate", file.toString(), "--plan");
        assertEquals(0, after.exitCode(), after.toString());
        assertTrue(after.out().contains("cached") && after.out().contains("plan: nothing would run"), after.out());
    }

    @Test
    void fingerPrintsAreShownAndRestrictSubmitsOnlyThoseJobs() throws Exception {
        Path marker = dir.resolve("restricted-" + UUID.randomUUID());
        Path file = file("""
                - targets: [n1]
                  jobs:
                    - RUN: touch %M-first
                    - RUN: touch %M-second
                """.replace("%M", marker.toString()));
        CliRun.Result prints = cli("orchestrate", file.toString(), "--finger-print", "--json");
        assertEquals(0, prints.exitCode(), prints.toString());
        String second = prints.json().path("jobs").get(1).path("fingerprint").asText();
        assertEquals(56, second.length());
        assertTrue(Files.notExists(Path.of(marker + "-first")), "--finger-print submits nothing");

        JsonNode jobs = run(file, "--restrict", second);
        assertEquals(1, jobs.size());
        assertTrue(Files.exists(Path.of(marker + "-second")));
        assertTrue(Files.notExists(Path.of(marker + "-first")));
    }

    @Test
    void aFileWithAnErrorAnywhereSubmitsNothingAndNamesTheSpot() throws Exception {
        Path good = file("""
                - jobs:
                    - RUN: echo fine
                """);
        Path bad = file("""
                - jobs:
                    - RUN: echo fine
                    - RUNN: echo typo
                    - RUN: --frobnicate echo
                """);
        int before = cli("manage", "--list-jobs", "--json").json().path("jobs").size();
        CliRun.Result result = cli("orchestrate", good.toString(), bad.toString());
        assertEquals(ExitCodes.INVALID_INPUT, result.exitCode(), result.toString());
        assertTrue(result.err().contains(bad + ":3:7: unknown verb 'RUNN'"), result.err());
        assertTrue(result.err().contains(bad + ":4:12: unknown option '--frobnicate' for RUN"), result.err());
        assertTrue(result.err().contains("nothing was submitted"), result.err());
        assertEquals(before, cli("manage", "--list-jobs", "--json").json().path("jobs").size());
    }

    @Test
    void targetOnTheCommandLineOverridesTheBlocks() throws Exception {
        JsonNode jobs = run(file("""
                - targets: [n1, n2, n3]
                  jobs:
                    - RUN: echo %ID%
                """), "--target", "n3");
        assertEquals(List.of("n3"), names(jobs.get(0)));
    }

    private static List<String> names(JsonNode job) {
        List<String> names = new ArrayList<>();
        job.path("nodes").fieldNames().forEachRemaining(names::add);
        return names;
    }
}
