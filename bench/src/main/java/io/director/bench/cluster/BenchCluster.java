package io.director.bench.cluster;

import io.director.cli.ApiClient;
import io.director.cli.cluster.LocalCluster;
import io.director.server.api.ApiRequest;
import io.director.server.api.ApiReply;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A real server and real client processes on loopback, started through the installation's own
 * launcher ({@code bin/director}, with its JVM flags per mode), in a temporary directory that is
 * removed on close.
 */
public final class BenchCluster implements AutoCloseable {

    private static final long START_TIMEOUT_MILLIS = 120_000;

    private final Path dir;
    private final LocalCluster cluster;
    private final List<String> identities;

    private BenchCluster(Path dir, LocalCluster cluster, List<String> identities) {
        this.dir = dir;
        this.cluster = cluster;
        this.identities = identities;
    }

    /**
     * Starts a server and {@code clients} clients named node-1 … node-N and waits until all are
     * alive; encrypted: CURVE with a shared key (the default), else {@code --encryption none}.
     */
    public static BenchCluster start(int clients, double heartbeatSeconds, boolean encrypted) throws IOException {
        Path dir = Files.createTempDirectory("director-bench-");
        List<String> plaintext = encrypted ? List.of() : List.of("--encryption", "none");
        LocalCluster cluster = new LocalCluster(dir, heartbeatSeconds, plaintext, launcherCommand());
        List<String> identities = IntStream.rangeClosed(1, clients).mapToObj(i -> "node-" + i).toList();
        BenchCluster bench = new BenchCluster(dir, cluster, identities);
        try {
            cluster.startServer(START_TIMEOUT_MILLIS);
            identities.forEach(identity -> cluster.startClient(identity, plaintext));
            cluster.awaitNodes(identities, START_TIMEOUT_MILLIS);
            return bench;
        } catch (RuntimeException e) {
            bench.close();
            throw e;
        }
    }

    /**
     * The command that starts the cluster's processes: the launcher, under {@code env} with
     * {@code DIRECTOR_JAVA_OPTS} set to {@code BENCH_DIRECTOR_JAVA_OPTS} when that is set (the
     * cluster does not pass its own environment's {@code DIRECTOR_*} on), for instance to profile
     * the server and the clients with {@code -XX:StartFlightRecording=…}.
     */
    public static List<String> launcherCommand() {
        String options = System.getenv("BENCH_DIRECTOR_JAVA_OPTS");
        if (options == null || options.isBlank()) {
            return List.of(launcher().toString());
        }
        return List.of("env", "DIRECTOR_JAVA_OPTS=" + options, launcher().toString());
    }

    /** {@code bin/director} of the tree {@code bench/run} runs from (system property {@code director.home}). */
    public static Path launcher() {
        Path home = Path.of(System.getProperty("director.home", ".")).toAbsolutePath().normalize();
        Path launcher = home.resolve("bin").resolve("director");
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException("no executable bin/director under " + home
                    + ": run the benchmark through bench/run, or set -Ddirector.home");
        }
        return launcher;
    }

    public List<String> identities() {
        return identities;
    }

    public Path socketPath() {
        return cluster.socketPath();
    }

    /** The cluster's temporary directory, deleted when it is closed. */
    public Path directory() {
        return dir;
    }

    public ApiClient api() {
        return ApiClient.connect(cluster.socketPath());
    }

    public Process server() {
        return cluster.server();
    }

    public Process client(String identity) {
        return cluster.client(identity);
    }

    /**
     * Submits {@code jobs} in one request and waits until every one has a final result on every
     * target node; returns the seconds from the request to the last result stored. Jobs on a
     * node run in submission order, so the last job finishing means all have: that one is
     * polled, then all are checked.
     */
    public Timing runAndWait(List<ApiRequest.JobSubmission> jobs, int nodesPerJob, double timeoutSeconds)
            throws InterruptedException {
        return runAndWait(jobs, nodesPerJob, timeoutSeconds, () -> { });
    }

    /**
     * As {@link #runAndWait(List, int, double)}; {@code whenFinished} runs as soon as the last
     * result is seen, before the results are checked (those queries would count as the
     * workload's CPU otherwise).
     */
    public Timing runAndWait(List<ApiRequest.JobSubmission> jobs, int nodesPerJob, double timeoutSeconds,
                             Runnable whenFinished) throws InterruptedException {
        try (ApiClient api = api()) {
            long start = System.nanoTime();
            JsonNode ids = api.call(new ApiRequest.Submit(jobs)).path("job_ids");
            List<String> jobIds = new ArrayList<>();
            ids.forEach(id -> jobIds.add(id.asText()));
            String last = jobIds.get(jobIds.size() - 1);
            long deadline = System.currentTimeMillis() + Math.round(timeoutSeconds * 1000);
            while (finished(api, List.of(last)) < nodesPerJob) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the jobs did not finish within " + timeoutSeconds + " s");
                }
                // Each poll costs the server a query and a reply on the cores the workload needs:
                // every 5 ms over a 20 s run was 2 s of the server's CPU. Polls stay 0.25 % of the
                // time elapsed apart (5 ms to 50 ms), so the figure is late by at most that.
                Thread.sleep(Math.max(5, Math.min(50, (System.nanoTime() - start) / 400_000_000L)));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            whenFinished.run();
            long successes = 0;
            double execution = 0;
            double roundtrip = 0;
            List<String> others = new ArrayList<>();
            for (int from = 0; from < jobIds.size(); from += 500) {
                List<String> part = jobIds.subList(from, Math.min(jobIds.size(), from + 500));
                for (ApiReply.JobView job : api.call(new ApiRequest.JobStatus(part, false), ApiReply.Jobs.class).jobs()) {
                    successes += job.counts().getOrDefault("success", 0L);
                    for (ApiReply.NodeResult result : job.nodes().values()) {
                        execution += result.executionTime() == null ? 0 : result.executionTime();
                        roundtrip += result.roundtripTime() == null ? 0 : result.roundtripTime();
                    }
                    job.nodes().forEach((node, result) -> {
                        if (!"success".equals(result.state()) && others.size() < 5) {
                            others.add("job " + jobIds.indexOf(job.jobId()) + " on " + node + ": " + result.state()
                                    + (result.info() == null ? "" : " (" + result.info() + ")"));
                        }
                    });
                }
            }
            long expected = (long) jobs.size() * nodesPerJob;
            if (successes != expected) {
                throw new IllegalStateException(successes + " of " + expected + " executions succeeded when the "
                        + "last job had finished everywhere; for instance " + others);
            }
            return new Timing(seconds, execution * 1000 / expected, roundtrip * 1000 / expected);
        }
    }

    /**
     * @param seconds           from the submission to the last result stored
     * @param executionMillis   mean time a node measured running one job (its process included)
     * @param roundtripMillis   mean time from dispatch to result stored, per job and node
     */
    public record Timing(double seconds, double executionMillis, double roundtripMillis) {
    }

    private static long finished(ApiClient api, List<String> jobIds) {
        JsonNode counts = api.call(new ApiRequest.JobStatus(jobIds, false)).path("jobs").path(0).path("counts");
        return counts.path("success").asLong() + counts.path("failed").asLong();
    }

    @Override
    public void close() {
        cluster.close();
        if (Boolean.getBoolean("bench.keep")) {
            System.err.println("kept the cluster's directory (logs, datastore, caches): " + dir);
            return;
        }
        try {
            TempTrees.delete(dir);
        } catch (IOException e) {
            // A leftover temporary directory is not worth failing a finished benchmark for.
        }
    }
}
