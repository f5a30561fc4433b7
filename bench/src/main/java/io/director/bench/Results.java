package io.director.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.director.dsl.wire.WireCodec;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON file a scenario leaves behind: what ran, on what, with which settings, every run's
 * figures and the ratios against the same run's plaintext baseline. Field names are snake_case,
 * like the rest of Director's JSON.
 */
final class Results {

    private static final ObjectMapper JSON = WireCodec.newMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Results() {
    }

    static void write(Path file, String scenario, Object settings, Object runs, Map<String, Double> ratios)
            throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("scenario", scenario);
        document.put("finished_at", Instant.now().toString());
        document.put("host", host());
        document.put("settings", settings);
        document.put("runs", runs);
        document.put("ratios", ratios);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), document);
    }

    private static Map<String, Object> host() {
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("cores", Runtime.getRuntime().availableProcessors());
        host.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        host.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        host.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        host.put("jvm_arguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
        // Anything else running on the machine skews the figures; this says whether something did.
        host.put("load_average_at_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        return host;
    }

    /** A ratio for the JSON file, or NaN when either side is missing. */
    static double ratio(double numerator, double denominator) {
        return denominator > 0 && !Double.isNaN(numerator) ? numerator / denominator : Double.NaN;
    }

    static String fixed(double value, int decimals) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
