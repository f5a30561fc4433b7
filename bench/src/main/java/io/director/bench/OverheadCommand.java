package io.director.bench;

import io.director.bench.overhead.MessageOverhead;
import io.director.bench.overhead.OverheadResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code bench overhead}: per-message cost of CURVE against plaintext, in one run. */
@Command(name = "overhead", mixinStandardHelpOptions = true,
        description = {"Per-message overhead: round trips (dispatch of an ECHO job, then its result) and one-way "
                + "throughput over a CURVE ROUTER/DEALER pair and a plaintext pair on loopback."})
final class OverheadCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--round-trips", paramLabel = "N", defaultValue = "10000",
            description = "Round trips timed per round (default: ${DEFAULT-VALUE}).")
    int roundTrips;

    @Option(names = "--messages", paramLabel = "N", defaultValue = "50000",
            description = "Messages streamed each way per round (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "Rounds per transport, interleaved; figures are medians (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "20000",
            description = "Unreported round trips and messages per transport first, for the JIT "
                    + "(default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--encryption", paramLabel = "MODE", defaultValue = "both",
            description = "curve, none, or both (default: ${DEFAULT-VALUE}).")
    EncryptionModes encryption;

    @Option(names = "--output", paramLabel = "FILE", defaultValue = "bench-overhead.json",
            description = "Where the JSON results go (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--verbose", description = "Log info messages on stderr.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Bench.configureLogging(verbose);
        PrintWriter out = spec.commandLine().getOut();
        MessageOverhead overhead = new MessageOverhead(new MessageOverhead.Settings(roundTrips, messages, rounds,
                warmup));
        List<OverheadResult> runs = overhead.run(encryption.modes());
        double codec = overhead.codecMicros(Math.max(1000, Math.min(messages, 20_000)));

        List<String> header = new ArrayList<>(List.of("per message"));
        runs.forEach(run -> header.add(run.security()));
        Table table = new Table(header.toArray(String[]::new));
        row(table, runs, "round trip p50 (µs)", r -> Results.fixed(r.roundTripP50Micros(), 1));
        row(table, runs, "round trip p99 (µs)", r -> Results.fixed(r.roundTripP99Micros(), 1));
        row(table, runs, "round trip mean (µs)", r -> Results.fixed(r.roundTripMeanMicros(), 1));
        row(table, runs, "node → server (results/s)", r -> Results.fixed(r.nodeToServerPerSecond(), 0));
        row(table, runs, "server → node (dispatches/s)", r -> Results.fixed(r.serverToNodePerSecond(), 0));
        row(table, runs, "dispatch / result frame (bytes)", r -> r.dispatchBytes() + " / " + r.resultBytes());
        row(table, runs, "connections that stalled (of rounds)", r -> r.stalledConnects() + " / " + r.rounds());
        table.print(out);
        out.println("JSON encode + decode of one dispatch and one result: " + Results.fixed(codec, 1) + " µs");

        Map<String, Double> ratios = ratios(runs);
        ratios.forEach((name, value) -> out.println(name + ": " + Results.fixed(value, 2)));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("round_trips", roundTrips);
        settings.put("messages", messages);
        settings.put("rounds", rounds);
        settings.put("warmup", warmup);
        Map<String, Object> runsAndCodec = new LinkedHashMap<>();
        runsAndCodec.put("transports", runs);
        runsAndCodec.put("codec_micros_per_dispatch_and_result", codec);
        Results.write(output, "overhead", settings, runsAndCodec, ratios);
        out.println("results written to " + output);
        out.flush();
        return 0;
    }

    private static void row(Table table, List<OverheadResult> runs, String name,
                            Function<OverheadResult, String> cell) {
        List<String> cells = new ArrayList<>(List.of(name));
        runs.forEach(run -> cells.add(cell.apply(run)));
        table.row(cells.toArray());
    }

    /** How much CURVE costs per message: its latency over plaintext's, plaintext's rate over its. */
    private static Map<String, Double> ratios(List<OverheadResult> runs) {
        Map<String, Double> ratios = new LinkedHashMap<>();
        OverheadResult curve = runs.stream().filter(r -> r.security().equals("curve")).findFirst().orElse(null);
        OverheadResult none = runs.stream().filter(r -> r.security().equals("none")).findFirst().orElse(null);
        if (curve != null && none != null) {
            ratios.put("round_trip_p50_curve_over_none",
                    Results.ratio(curve.roundTripP50Micros(), none.roundTripP50Micros()));
            ratios.put("round_trip_p99_curve_over_none",
                    Results.ratio(curve.roundTripP99Micros(), none.roundTripP99Micros()));
            ratios.put("node_to_server_rate_none_over_curve",
                    Results.ratio(none.nodeToServerPerSecond(), curve.nodeToServerPerSecond()));
            ratios.put("server_to_node_rate_none_over_curve",
                    Results.ratio(none.serverToNodePerSecond(), curve.serverToNodePerSecond()));
        }
        return ratios;
    }
}
