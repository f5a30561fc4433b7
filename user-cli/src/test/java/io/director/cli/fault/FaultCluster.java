package io.director.cli.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.cli.CliRun;
import io.director.cli.cluster.LocalCluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@link LocalCluster} of real processes with what the fault tests need around it: the CLI
 * against its socket, job listings, waiting for every job to end, side-effect files written by
 * the jobs themselves, and real signals.
 */
final class FaultCluster implements AutoCloseable {

    /** Per-node states that end a target. */
    static final List<String> FINAL_STATES = List.of("success", "skipped", "failed", "cancelled");

    private final LocalCluster cluster;
    private final Path effects;

    FaultCluster(Path dir, double heartbeatSeconds, List<String> serverArgs) {
        this.cluster = new LocalCluster(dir, heartbeatSeconds, serverArgs);
        this.effects = dir.resolve("effects");
        try {
            Files.createDirectories(effects);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    LocalCluster local() {
        return cluster;
    }

    /** Starts the server and these clients, and waits until every client is alive. */
    FaultCluster start(List<String> clients, long timeoutMillis) {
        cluster.startServer(timeoutMillis);
        clients.forEach(c -> cluster.startClient(c, List.of()));
        cluster.awaitNodes(clients, timeoutMillis);
        return this;
    }

    CliRun.Result cli(String... args) {
        return CliRun.against(cluster.socketPath(), args);
    }

    /** The directory where the jobs of a test append their side effects, one file per node. */
    Path effects() {
        return effects;
    }

    /**
     * A job line that appends its tag to this node's effects file: counting the tag's lines
     * afterwards tells how many times the job really ran on that node.
     */
    String effectLine(String tag) {
        return "echo " + tag + " >> " + effects + "/{{ node.identity }}";
    }

    /** How many times each tag was appended, per node. */
    Map<String, Map<String, Integer>> effectCounts() {
        Map<String, Map<String, Integer>> counts = new HashMap<>();
        try (Stream<Path> files = Files.list(effects)) {
            for (Path file : files.toList()) {
                Map<String, Integer> node = counts.computeIfAbsent(file.getFileName().toString(), k -> new HashMap<>());
                for (String line : Files.readAllLines(file)) {
                    node.merge(line.trim(), 1, Integer::sum);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counts;
    }

    /** Writes an orchestration file with one block of these job lines for these targets. */
    Path orchestration(String name, List<String> targets, List<String> jobLines) {
        StringBuilder yaml = new StringBuilder("- name: ").append(name).append('\n')
                .append("  targets: [").append(String.join(", ", targets)).append("]\n")
                .append("  jobs:\n");
        for (String line : jobLines) {
            yaml.append("    - RUN: ").append(line).append('\n');
        }
        Path file = cluster.dir().resolve(name + ".yaml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Submits an orchestration without waiting; returns its job ids once the server has stored them. */
    List<String> submitOrchestration(Path file) {
        CliRun.Result result = cli("orchestrate", file.toString(), "--json");
        assertEquals(0, result.exitCode(), result.toString());
        List<String> ids = new ArrayList<>();
        result.json().path("job_ids").forEach(id -> ids.add(id.asText()));
        return ids;
    }

    /** Submits one job without waiting; returns its id. */
    String submit(String verb, String arguments, String... targets) {
        List<String> args = new ArrayList<>(List.of("exec", "--verb", verb));
        for (String target : targets) {
            args.add("--target");
            args.add(target);
        }
        args.add(arguments);
        CliRun.Result result = cli(args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.toString());
        return result.out().trim();
    }

    /** Every job the server has, as {@code --list-jobs --json} gives them (no output). */
    List<JsonNode> jobs() {
        CliRun.Result result = cli("manage", "--list-jobs", "--json");
        assertEquals(0, result.exitCode(), result.toString());
        List<JsonNode> jobs = new ArrayList<>();
        result.json().path("jobs").forEach(jobs::add);
        return jobs;
    }

    JsonNode job(String id) {
        CliRun.Result info = cli("manage", "--job-info", id, "--json");
        assertEquals(0, info.exitCode(), info.toString());
        return info.json();
    }

    /** One node as {@code --list-nodes --json} shows it. */
    JsonNode nodes(String identity) {
        CliRun.Result result = cli("manage", "--list-nodes", "--json");
        assertEquals(0, result.exitCode(), result.toString());
        for (JsonNode node : result.json().path("nodes")) {
            if (node.path("identity").asText().equals(identity)) {
                return node;
            }
        }
        return fail("no node " + identity + " in " + result.out());
    }

    static String nodeState(JsonNode job, String node) {
        return job.path("nodes").path(node).path("state").asText();
    }

    static boolean allTargetsFinal(JsonNode job) {
        for (JsonNode target : job.path("nodes")) {
            if (!FINAL_STATES.contains(target.path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Polls a job until the condition holds; fails with the last state seen at the deadline. */
    JsonNode awaitJob(String id, Predicate<JsonNode> condition, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        JsonNode job = job(id);
        while (!condition.test(job)) {
            assertTrue(System.currentTimeMillis() < deadline, "condition not met in time: " + job);
            sleep(50);
            job = job(id);
        }
        return job;
    }

    /** Waits until every target of every job listed is in a final state; returns the listing. */
    List<JsonNode> awaitAllFinal(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            List<JsonNode> jobs = jobs();
            List<JsonNode> open = jobs.stream().filter(j -> !allTargetsFinal(j)).toList();
            if (open.isEmpty()) {
                return jobs;
            }
            if (System.currentTimeMillis() > deadline) {
                fail(open.size() + " of " + jobs.size() + " jobs never ended, e.g. " + open.get(0));
            }
            sleep(200);
        }
    }

    /** How many targets of these jobs have ended (any final state). */
    long finishedTargets(List<JsonNode> jobs) {
        long count = 0;
        for (JsonNode job : jobs) {
            for (JsonNode target : job.path("nodes")) {
                if (FINAL_STATES.contains(target.path("state").asText())) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Sends a real signal ({@code STOP}, {@code CONT}, {@code TERM}) to a process by its pid. */
    static void signal(Process process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0,
                    "kill -" + signal + " " + process.pid() + " failed");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /**
     * Stops every process, then copies the logs to {@code target/fault-logs/DIRECTORY}, so a
     * failed case (or a CI run) can be read afterwards.
     */
    @Override
    public void close() {
        cluster.close();
        Path keep = Path.of("target", "fault-logs", cluster.dir().getFileName().toString());
        try (Stream<Path> files = Files.list(cluster.dir())) {
            List<Path> logs = files.filter(f -> f.getFileName().toString().endsWith(".log")).toList();
            Files.createDirectories(keep);
            for (Path log : logs) {
                Files.copy(log, keep.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("cannot keep the logs of " + cluster.dir() + ": " + e.getMessage());
        }
    }

    /**
     * What the expired nodes' logs say about their link to the server (its connects, silences
     * and enrolments), so a failed case shows why a node went silent, not only that it did.
     */
    String linkStories(List<String> expiries) {
        StringBuilder story = new StringBuilder();
        for (String expiry : expiries) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("node (\\S+) expired").matcher(expiry);
            if (!m.find()) {
                continue;
            }
            String node = m.group(1);
            story.append("\n").append(node).append("'s link:");
            try {
                Files.readString(cluster.dir().resolve(node + ".log")).lines()
                        .filter(l -> l.contains("ServerLink") || l.contains("Exception") || l.contains("DirectorClient"))
                        .forEach(l -> story.append("\n  ").append(l));
            } catch (IOException e) {
                story.append(" no log (").append(e.getMessage()).append(")");
            }
        }
        return story.toString();
    }

    /** Lines of the server's log that say a node expired: each one is a node found silent. */
    List<String> expiries() {
        try {
            return Files.readString(cluster.dir().resolve("server.log")).lines()
                    .filter(l -> l.contains("expired: silent for")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
