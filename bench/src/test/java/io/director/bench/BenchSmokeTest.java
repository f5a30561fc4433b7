package io.director.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.dsl.wire.WireCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs each scenario small, through the same command line as a person would, so the harness
 * keeps working as the server and the protocol change: real server, real sockets, real swarm.
 */
class BenchSmokeTest {

    @TempDir
    Path dir;

    /** The process benchmarks start this tree's own launcher (bin/director), one directory up. */
    @BeforeAll
    static void launcherOfThisTree() {
        System.setProperty("director.home", Path.of("..").toAbsolutePath().normalize().toString());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void stormBringsEveryNodeBackWithAndWithoutCurve() throws Exception {
        Path output = dir.resolve("storm.json");
        Run run = run("storm", "--nodes", "20", "--heartbeat", "1", "--nodes-per-thread", "8",
                "--warmup-nodes", "0", "--timeout", "60", "--output", output.toString());

        assertEquals(0, run.exitCode, run.out);
        assertTrue(run.out.contains("all welcomed again"), run.out);
        JsonNode runs = WireCodec.mapper().readTree(output.toFile()).path("runs");
        assertEquals(2, runs.size());
        assertEquals("none", runs.get(0).path("security").asText());
        assertEquals("curve", runs.get(1).path("security").asText());
        for (JsonNode storm : runs) {
            String security = storm.path("security").asText();
            assertTrue(storm.path("failure").isNull(), security + ": " + storm.path("failure").asText());
            assertEquals(3, storm.path("swarm_threads").asInt(), security);
            assertEquals(20, storm.path("echo_succeeded").asLong(), security + ": every node answers its ECHO job");
            for (String figure : new String[]{"cold_seconds", "recovery_seconds", "recovery_api_seconds",
                    "handshakes_per_second", "server_cpu_seconds", "process_cpu_seconds", "echo_seconds"}) {
                assertTrue(storm.path(figure).asDouble() > 0, security + ": " + figure + " = " + storm.path(figure));
            }
            assertTrue(storm.path("recovery_api_seconds").asDouble() >= storm.path("recovery_seconds").asDouble(),
                    security + ": the server lists a node back only after it was welcomed");
            assertTrue(storm.path("storm_counters").path("welcomes").asLong() >= 20, security);
        }
        assertTrue(WireCodec.mapper().readTree(output.toFile()).path("ratios")
                .path("server_cpu_curve_over_none").asDouble() > 0);
    }

    /** Real server and client processes, through the launcher of this tree (bin/director). */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void throughputRunsEveryJobOnEveryClientAndMeasuresTheSpawnFloor() throws Exception {
        Path output = dir.resolve("throughput.json");
        Run run = run("throughput", "--jobs", "30", "--clients", "2", "--rounds", "2", "--heartbeat", "1",
                "--timeout", "120", "--output", output.toString());

        assertEquals(0, run.exitCode, run.out);
        JsonNode results = WireCodec.mapper().readTree(output.toFile());
        JsonNode runs = results.path("runs");
        assertEquals(2, runs.size());
        assertEquals(1, runs.get(0).path("round").asInt());
        assertEquals(2, runs.get(1).path("round").asInt());
        assertTrue(results.path("ratios").path("director_over_floor_2_clients_round_2").asDouble() > 0, run.out);
        for (JsonNode round : runs) {
            // What the compiler threads took is a part of each process's CPU: within the two clock
            // ticks (10 ms each) per process by which readings of /proc a moment apart may differ.
            double ticks = 2 * 2 * 10.0 / round.path("executions").asDouble(); // two clients
            assertTrue(round.path("server_compiler_cpu_millis").asDouble() >= 0);
            assertTrue(round.path("server_compiler_cpu_millis").asDouble()
                    <= round.path("server_cpu_millis").asDouble() + ticks, round.toString());
            assertTrue(round.path("client_compiler_cpu_millis").asDouble() >= 0);
            assertTrue(round.path("client_compiler_cpu_millis").asDouble()
                    <= round.path("client_cpu_millis").asDouble() + ticks, round.toString());
        }
        JsonNode measured = runs.get(0);
        assertEquals(60, measured.path("executions").asLong());
        for (String figure : new String[]{"floor_seconds", "floor_before_seconds", "floor_after_seconds",
                "director_seconds", "executions_per_second", "director_over_floor", "node_execution_millis",
                "floor_cpu_millis", "server_cpu_millis", "client_cpu_millis"}) {
            assertTrue(measured.path(figure).asDouble() > 0, figure + " = " + measured.path(figure));
        }
        assertEquals((measured.path("floor_before_seconds").asDouble() + measured.path("floor_after_seconds")
                .asDouble()) / 2, measured.path("floor_seconds").asDouble(), 1e-9, "the floor is the mean of both");
        assertEquals(measured.path("director_seconds").asDouble() / measured.path("floor_seconds").asDouble(),
                measured.path("director_over_floor").asDouble(), 1e-9);
        assertTrue(run.out.contains("CPU per execution (ms)"), run.out);
        assertTrue(run.out.contains("2 clients, round 2"), run.out);
    }

    @Test
    void throughputRefusesCountsBelowOneWithOneLineBeforeStartingAnything() {
        Run rounds = run("throughput", "--rounds", "0");
        assertEquals(2, rounds.exitCode, rounds.out);
        assertTrue(rounds.out.startsWith("--rounds must be at least 1, got 0"), rounds.out);
        Run clients = run("throughput", "--clients", "2,0");
        assertEquals(2, clients.exitCode, clients.out);
        assertTrue(clients.out.startsWith("--clients must be at least 1, got 0"), clients.out);
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void footprintMeasuresTheIdleProcessesAndTheCliAgainstTheirBaselines() throws Exception {
        Path output = dir.resolve("footprint.json");
        Run run = run("footprint", "--idle", "1", "--cpu-window", "1", "--cli-runs", "2", "--heartbeat", "1",
                "--jobs", "5", "--output", output.toString());

        assertEquals(0, run.exitCode, run.out);
        JsonNode figures = WireCodec.mapper().readTree(output.toFile()).path("runs").get(0);
        for (String figure : new String[]{"client_rss_mib", "client_rss_after_jobs_mib", "idle_jvm_rss_mib", "server_rss_mib",
                "cli_median_seconds", "cli_without_archive_median_seconds", "jvm_start_median_seconds"}) {
            assertTrue(figures.path(figure).asDouble() > 0, figure + " = " + figures.path(figure));
        }
        assertTrue(figures.path("client_rss_mib").asDouble() > figures.path("idle_jvm_rss_mib").asDouble(),
                "a client holds more than an empty JVM: " + figures);
        assertTrue(figures.path("server_cpu_percent").asDouble() >= 0, figures.toString());
        assertTrue(figures.path("cli_archive_made").asBoolean(), "the launcher made the CLI's class-data archive: "
                + figures);
        assertTrue(figures.path("client_archive").asBoolean(), "the measured client mapped the archive the first "
                + "client recorded when it stopped: " + figures);
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void fanoutTimesOneJobToEveryCount() throws Exception {
        Path output = dir.resolve("fanout.json");
        Run run = run("fanout", "--clients", "1,2", "--repeats", "2", "--heartbeat", "1", "--output", output.toString());

        assertEquals(0, run.exitCode, run.out);
        JsonNode runs = WireCodec.mapper().readTree(output.toFile()).path("runs");
        assertEquals(2, runs.size());
        for (JsonNode fanout : runs) {
            assertEquals(2, fanout.path("seconds").size());
            assertTrue(fanout.path("p50_seconds").asDouble() > 0, fanout.toString());
            assertTrue(fanout.path("max_seconds").asDouble() >= fanout.path("p50_seconds").asDouble(), fanout.toString());
        }
    }

    /** Both transports; the command itself fails unless every node's copy has the file's size and SHA-256. */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void transferCopiesTheFileToEveryNodeAndMeasuresTheCopyFloor() throws Exception {
        Path output = dir.resolve("transfer.json");
        Run run = run("transfer", "--size-mib", "4", "--nodes", "2", "--repeats", "2", "--warm-up", "2",
                "--heartbeat", "1", "--timeout", "120", "--output", output.toString());

        assertEquals(0, run.exitCode, run.out);
        JsonNode document = WireCodec.mapper().readTree(output.toFile());
        assertEquals(2, document.path("settings").path("warm_up").asInt(), document.toString());
        JsonNode runs = document.path("runs");
        assertEquals(2, runs.size());
        assertEquals("none", runs.get(0).path("security").asText());
        assertEquals("curve", runs.get(1).path("security").asText());
        for (JsonNode transfer : runs) {
            String security = transfer.path("security").asText();
            assertEquals(4L * 1024 * 1024, transfer.path("bytes").asLong(), security);
            assertEquals(4, transfer.path("verified_copies").asLong(), security + ": 2 nodes x 2 repeats checked");
            assertEquals(2, transfer.path("director_seconds").size(), security);
            for (String figure : new String[]{"floor_p50_mb_per_second", "director_p50_mb_per_second",
                    "director_min_mb_per_second", "director_over_floor_seconds", "server_cpu_seconds",
                    "clients_cpu_seconds", "client_max_rss_mib"}) {
                assertTrue(transfer.path(figure).asDouble() > 0, security + ": " + figure + " = " + transfer.path(figure));
            }
            // 2 nodes x 4 MiB in the median time, in MB/s
            assertEquals(2 * 4.0 * 1024 * 1024 / 1e6 / transfer.path("director_p50_seconds").asDouble(),
                    transfer.path("director_p50_mb_per_second").asDouble(), 1e-6, security);
            assertTrue(transfer.path("director_min_mb_per_second").asDouble()
                    <= transfer.path("director_p50_mb_per_second").asDouble(), security);
        }
        assertTrue(document.path("ratios").path("seconds_curve_over_none").asDouble() > 0);
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void scaleHoldsASwarmSplitOverProcessesAndMeasuresTheServer() throws Exception {
        Path output = dir.resolve("scale.json");
        Run run = run("scale", "--nodes", "20", "--nodes-per-process", "10", "--heartbeat", "1", "--idle", "1",
                "--cpu-window", "1", "--timeout", "120", "--output", output.toString());

        assertEquals(0, run.exitCode, run.out);
        JsonNode figures = WireCodec.mapper().readTree(output.toFile()).path("runs").get(0);
        assertEquals(20, figures.path("alive").asLong(), "every node of both swarm processes is listed alive");
        assertTrue(figures.path("server_rss_mib").asDouble() > 0, figures.toString());
        assertTrue(figures.path("enrol_seconds").asDouble() > 0, figures.toString());
        assertTrue(figures.path("server_cpu_percent").asDouble() >= 0, figures.toString());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void overheadMeasuresBothTransportsBothWays() throws Exception {
        Path output = dir.resolve("overhead.json");
        Run run = run("overhead", "--round-trips", "300", "--messages", "500", "--rounds", "1", "--warmup", "100",
                "--output", output.toString());

        assertEquals(0, run.exitCode, run.out);
        assertTrue(run.out.contains("round trip p50"), run.out);
        JsonNode document = WireCodec.mapper().readTree(output.toFile());
        JsonNode transports = document.path("runs").path("transports");
        assertEquals(2, transports.size());
        for (JsonNode transport : transports) {
            String security = transport.path("security").asText();
            for (String figure : new String[]{"round_trip_p50_micros", "round_trip_p99_micros",
                    "node_to_server_per_second", "server_to_node_per_second", "dispatch_bytes", "result_bytes"}) {
                assertTrue(transport.path(figure).asDouble() > 0, security + ": " + figure);
            }
        }
        assertTrue(document.path("runs").path("codec_micros_per_dispatch_and_result").asDouble() > 0);
        assertTrue(document.path("ratios").path("round_trip_p50_curve_over_none").asDouble() > 0);
    }

    private record Run(int exitCode, String out) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Bench.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out + err.toString());
    }
}
