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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Placement against a real server and three real clients with different labels and limits:
 * node facts, label and glob targets, every strategy, capacity refusals hopped over and
 * recorded, and a job no node can take. Jails are created (never started) with the Linux
 * driver's busybox template, so they cost a directory each.
 * <p>
 * {@code full} takes no jail ({@code --max-jails 0}) and reserves no memory, so it has the most
 * free capacity by the server's score and is tried first; the two others reserve 6 GiB each.
 */
class PlacementEndToEndTest {

    private static final String FULL = "full";
    private static final String WEB = "web-2";
    private static final String DB = "db-3";
    private static final List<String> NODES = List.of(FULL, WEB, DB);

    @TempDir
    static Path dir;

    static LocalCluster cluster;

    @BeforeAll
    static void startCluster() {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux"), "jails need Linux");
        assertEquals("root", System.getProperty("user.name"), "jail tests need root (namespaces, mounts, chroot)");
        cluster = new LocalCluster(dir, 1, List.of());
        cluster.startServer(60_000);
        cluster.startClient(FULL, List.of("--labels", "role=web,zone=a", "--max-jails", "0", "--max-vms", "0"));
        cluster.startClient(WEB, List.of("--labels", "role=web,zone=b", "--reserve-memory", "6G"));
        cluster.startClient(DB, List.of("--labels", "role=db,zone=b", "--reserve-memory", "6G", "--max-jails", "5"));
        cluster.awaitNodes(NODES, 60_000);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            // their root filesystems link to the host's busybox: removed by the driver, not by the temp dir's cleanup
            for (String project : List.of("shop", "blog", "api", "hop", "keep")) {
                cli("destroy", project, "--wait");
            }
            cluster.close();
        }
    }

    @Test
    void nodesReportTheirFactsAndLimitsAndTargetsSelectByLabelAndGlob() {
        JsonNode nodes = awaitJson(() -> cli("manage", "--list-nodes", "--json"),
                n -> countWith(n.path("nodes"), node -> node.path("report").isObject()) == 3);
        for (JsonNode node : nodes.path("nodes")) {
            JsonNode report = node.path("report");
            assertTrue(report.path("cpus").asInt() > 0, report.toString());
            assertTrue(report.path("memory_total").asLong() >= report.path("memory_free").asLong()
                    && report.path("memory_free").asLong() > 0, report.toString());
            assertTrue(report.path("disk_free").asLong() > 0, report.toString());
            assertTrue(report.path("workloads").isArray(), report.toString());
            String identity = node.path("identity").asText();
            JsonNode limits = report.path("limits");
            assertEquals(identity.equals(FULL) ? 0 : identity.equals(DB) ? 5 : -1, limits.path("max_jails").asInt(),
                    identity + ": " + limits);
            assertEquals(identity.equals(FULL) ? 0 : 6L << 30, limits.path("reserve_memory").asLong(), limits.toString());
        }
        CliRun.Result text = cli("manage", "--list-nodes");
        assertTrue(text.out().contains("MEM FREE/ALL") && text.out().lines().anyMatch(l -> l.startsWith(FULL)
                && l.contains(" 0/0 ")), text.toString());

        assertEquals(Set.of(FULL, WEB), ranOn(cli("exec", "--verb", "ECHO", "--target", "label:role=web", "--wait",
                "--json", "hi")));
        assertEquals(Set.of(DB, FULL), ranOn(cli("exec", "--verb", "ECHO", "--target", "db-*", "--target", FULL,
                "--target", "label:zone=a", "--wait", "--json", "hi")), "the union, each node once");

        CliRun.Result bad = cli("exec", "--verb", "ECHO", "--target", "label:role", "hi");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("label selector 'label:role' needs KEY=VALUE"), bad.toString());
        CliRun.Result none = cli("exec", "--verb", "ECHO", "--target", "label:role=cache", "hi");
        assertEquals(2, none.exitCode(), none.toString());
        assertTrue(none.err().contains("target 'label:role=cache' selects no live node"), none.toString());
    }

    @Test
    void randomSpreadsOverEveryTargetAndSinglePicksTheNodeNamed() {
        Map<String, Integer> chosen = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            CliRun.Result result = cli("exec", "--verb", "ECHO", "--placement", "random", "--json", "r" + i);
            assertEquals(0, result.exitCode(), result.toString());
            JsonNode job = cli("manage", "--job-info", result.json().path("job_ids").get(0).asText(), "--json").json();
            Set<String> nodes = names(job.path("nodes"));
            assertEquals(1, nodes.size(), "random runs on one node: " + job);
            chosen.merge(nodes.iterator().next(), 1, Integer::sum);
        }
        // each node is missed by all 30 draws with probability (2/3)^30, about 5e-6
        assertEquals(new TreeSet<>(NODES), new TreeSet<>(chosen.keySet()), chosen.toString());

        assertEquals(Set.of(DB), ranOn(cli("exec", "--verb", "ECHO", "--placement", "single:" + DB, "--wait", "--json",
                "x")));
        CliRun.Result notTarget = cli("exec", "--verb", "ECHO", "--placement", "single:" + DB, "--target", WEB, "x");
        assertEquals(2, notTarget.exitCode(), notTarget.toString());
        assertTrue(notTarget.err().contains("'" + DB + "' is not a live target"), notTarget.toString());
        CliRun.Result unknown = cli("exec", "--verb", "ECHO", "--placement", "everywhere", "x");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("unknown placement 'everywhere'"), unknown.toString());
    }

    @Test
    void onceAndEachAreStableAcrossRunsAndScaleAddsAReplicaOverItsThreshold() throws IOException {
        Path once = file("""
                - placement: once
                  targets: [web-2, db-3]
                  jobs:
                    - JAIL: --template busybox --project shop create shop1
                """);
        JsonNode first = orchestrate(once);
        Set<String> shopNode = succeededOn(first);
        assertEquals(1, shopNode.size(), first.toString());
        awaitWorkloads("shop", shopNode);
        JsonNode plan = cli("orchestrate", once.toString(), "--plan", "--json").json();
        assertTrue(plan.path("placements").get(0).path("reason").asText().contains("already on"), plan.toString());
        assertEquals(0, plan.path("placements").get(0).path("nodes").size(), plan.toString());
        CliRun.Result planText = cli("orchestrate", once.toString(), "--plan");
        assertEquals(0, planText.exitCode(), "nothing would run: " + planText);
        assertTrue(planText.out().startsWith("placement once: no node (project 'shop' is already on "), planText.toString());
        CliRun.Result listed = cli("manage", "--list-workloads", "--project", "shop");
        assertTrue(listed.out().lines().anyMatch(l -> l.startsWith(shopNode.iterator().next()) && l.contains(" jail ")
                && l.contains(" shop1 ") && l.contains(" shop ")), listed.toString());
        JsonNode second = orchestrate(once);
        assertEquals(Set.of(), names(second.path("jobs").get(0).path("nodes")), "once: nothing runs again");
        assertEquals(shopNode, holders("shop"));

        Path each = file("""
                - placement: each
                  targets: [web-2, db-3]
                  jobs:
                    - JAIL: --template busybox --project blog create blog1
                """);
        Set<String> afterOne = succeededOn(orchestrate(each));
        assertEquals(1, afterOne.size());
        awaitWorkloads("blog", afterOne);
        JsonNode two = orchestrate(each);
        assertEquals(Set.of(WEB, DB), succeededOn(two), "each: one more node per run");
        String kept = afterOne.iterator().next();
        assertEquals("unchanged\n", two.path("jobs").get(0).path("nodes").path(kept).path("stdout").asText());
        awaitWorkloads("blog", Set.of(WEB, DB));
        assertEquals(Set.of(WEB, DB), succeededOn(orchestrate(each)), "no node left to add: the same two");

        Path scale = file("""
                - placement: {scale: {min: 1, max: 2}}
                  targets: [web-2, db-3]
                  jobs:
                    - JAIL: --template busybox --project api create api1
                """);
        Set<String> scaled = succeededOn(orchestrate(scale));
        assertEquals(1, scaled.size());
        awaitWorkloads("api", scaled);
        assertEquals(scaled, succeededOn(orchestrate(scale)), "within min..max and under no threshold: unchanged");
        Path hot = file("""
                - placement: {scale: {min: 1, max: 2, memory_above: 0.001}}
                  targets: [web-2, db-3]
                  jobs:
                    - JAIL: --template busybox --project api create api1
                """);
        assertEquals(Set.of(WEB, DB), succeededOn(orchestrate(hot)), "over the memory threshold: one more replica");

        CliRun.Result destroy = cli("destroy", "blog", "--wait", "--json");
        assertEquals(0, destroy.exitCode(), destroy.toString());
        awaitWorkloads("blog", Set.of());
        CliRun.Result gone = cli("destroy", "blog");
        assertEquals(1, gone.exitCode(), gone.toString());
        assertTrue(gone.err().contains("no live node reports a workload of project 'blog'"), gone.toString());
    }

    @Test
    void aFullNodeIsHoppedOverAndRecordedAndNoCapacityAnywhereFailsNamingEveryNode() {
        CliRun.Result placed = cli("exec", "--verb", "JAIL", "--placement", "spread", "--wait", "--json",
                "--template busybox --project hop create hop1");
        assertEquals(0, placed.exitCode(), placed.toString());
        JsonNode job = cli("manage", "--job-info", placed.json().path("job_id").asText(), "--json").json();
        JsonNode hops = job.path("hops");
        assertEquals(1, hops.size(), job.toString());
        assertEquals(FULL, hops.get(0).path("from").asText(), job.toString());
        String to = hops.get(0).path("to").asText();
        assertTrue(Set.of(WEB, DB).contains(to), job.toString());
        assertTrue(hops.get(0).path("reason").asText().startsWith("max-jails 0 reached"), job.toString());
        assertEquals("skipped", job.path("nodes").path(FULL).path("state").asText(), job.toString());
        assertTrue(job.path("nodes").path(FULL).path("info").asText().startsWith("forwarded to " + to), job.toString());
        assertEquals("success", job.path("nodes").path(to).path("state").asText(), job.toString());
        assertEquals("success", job.path("state").asText());
        CliRun.Result text = cli("manage", "--job-info", job.path("job_id").asText());
        assertTrue(text.out().contains("hop:         full refused (max-jails 0 reached"), text.toString());

        CliRun.Result nowhere = cli("exec", "--verb", "JAIL", "--placement", "spread", "--target", FULL, "--target",
                WEB, "--wait", "--json", "--template busybox --memory 100T --project big create big1");
        assertEquals(1, nowhere.exitCode(), nowhere.toString());
        JsonNode failed = nowhere.json();
        assertEquals("failed", failed.path("state").asText(), failed.toString());
        String info = failed.path("nodes").path(WEB).path("info").asText() + failed.path("nodes").path(FULL)
                .path("info").asText();
        assertTrue(info.contains("no node could take it: "), failed.toString());
        assertTrue(info.contains(FULL + ": max-jails 0 reached") && info.contains(WEB + ": memory: "), failed.toString());
    }

    private static CliRun.Result cli(String... args) {
        return CliRun.against(cluster.socketPath(), args);
    }

    private static Path file(String yaml) throws IOException {
        Path file = dir.resolve("placement-" + UUID.randomUUID() + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** Runs an orchestration to its end; its JSON document. */
    private static JsonNode orchestrate(Path file, String... extra) {
        List<String> args = new ArrayList<>(List.of("orchestrate", file.toString(), "--wait", "--json"));
        args.addAll(List.of(extra));
        CliRun.Result result = cli(args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.toString());
        return result.json();
    }

    /** The nodes where the orchestration's first job succeeded. */
    private static Set<String> succeededOn(JsonNode document) {
        Set<String> nodes = new TreeSet<>();
        document.path("jobs").get(0).path("nodes").fields().forEachRemaining(e -> {
            if (e.getValue().path("state").asText().equals("success")) {
                nodes.add(e.getKey());
            }
        });
        return nodes;
    }

    private static Set<String> ranOn(CliRun.Result result) {
        assertEquals(0, result.exitCode(), result.toString());
        return names(result.json().path("nodes"));
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> holders(String project) {
        Set<String> nodes = new TreeSet<>();
        for (JsonNode w : cli("manage", "--list-workloads", "--project", project, "--json").json().path("workloads")) {
            nodes.add(w.path("node").asText());
        }
        return nodes;
    }

    /** Waits until the nodes' reports show the project on exactly these nodes (a heartbeat or two). */
    private static void awaitWorkloads(String project, Set<String> nodes) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!holders(project).equals(new TreeSet<>(nodes))) {
            if (System.currentTimeMillis() > deadline) {
                fail("project " + project + " should be on " + nodes + ", is on " + holders(project));
            }
            pause();
        }
    }

    private static long countWith(JsonNode array, Predicate<JsonNode> test) {
        long count = 0;
        for (JsonNode item : array) {
            if (test.test(item)) {
                count++;
            }
        }
        return count;
    }

    private static JsonNode awaitJson(java.util.function.Supplier<CliRun.Result> call, Predicate<JsonNode> done) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            JsonNode json = call.get().json();
            if (done.test(json)) {
                return json;
            }
            if (System.currentTimeMillis() > deadline) {
                fail("not as expected in time: " + json);
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
