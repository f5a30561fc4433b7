package io.director.dsl.verb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A parsed, validated job: its verb, the options given (by name without dashes, typed:
 * Boolean, Long, String or List of String) and the payload exactly as written (quoting kept).
 * This is what travels to nodes; {@link JobParser} is the only way to make a valid one from text.
 */
public record JobDefinition(String verb, Map<String, Object> options, String payload) {

    private static final Pattern SAFE_WORD = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    public JobDefinition {
        Objects.requireNonNull(verb, "verb");
        Map<String, Object> normalized = new TreeMap<>();
        if (options != null) {
            // JSON gives back small numbers as Integer: keep one type, so a decoded job equals the sent one.
            options.forEach((k, v) -> normalized.put(k, v instanceof Integer || v instanceof Short || v instanceof Byte
                    ? Long.valueOf(((Number) v).longValue()) : v));
        }
        options = Collections.unmodifiableMap(normalized);
        payload = payload == null ? "" : payload;
    }

    public boolean flag(String option) {
        return Boolean.TRUE.equals(options.get(option));
    }

    public long count(String option, long fallback) {
        Object value = options.get(option);
        return value instanceof Number number ? number.longValue() : fallback;
    }

    public double decimal(String option, double fallback) {
        Object value = options.get(option);
        return value instanceof Number number ? number.doubleValue() : fallback;
    }

    /**
     * The payload split into words like a shell would (quotes removed), each template kept
     * whole: before rendering, {@code /srv/{{ node.identity }}/} is one word, as it is after.
     */
    public List<String> payloadWords() {
        try {
            return ShellWords.splitKeepingTemplates(payload).stream().map(ShellWords.Word::text).toList();
        } catch (DslException e) {
            throw new IllegalStateException("payload was validated when parsed: " + e.getMessage(), e);
        }
    }

    public String text(String option) {
        Object value = options.get(option);
        return value == null ? null : value.toString();
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String option) {
        Object value = options.get(option);
        return value instanceof List<?> list ? (List<String>) list : List.of();
    }

    public boolean skipCache() {
        return flag(CommonOptions.SKIP_CACHE);
    }

    public boolean runOnce() {
        return flag(CommonOptions.RUN_ONCE);
    }

    public long timeoutSeconds() {
        return count(CommonOptions.TIMEOUT, CommonOptions.DEFAULT_TIMEOUT_SECONDS);
    }

    /**
     * An argument string that {@link JobParser} parses back to an equal definition: the options
     * in name order, then the payload as written. This is how a definition whose options came
     * from an orchestration file's {@code vars} is submitted as a line.
     */
    public String toArguments() {
        List<String> parts = new ArrayList<>();
        options.forEach((name, value) -> {
            if (value instanceof Boolean set) {
                if (set) {
                    parts.add("--" + name);
                }
            } else if (value instanceof List<?> list) {
                list.forEach(item -> parts.add("--" + name + " " + quote(String.valueOf(item))));
            } else {
                parts.add("--" + name + " " + quote(String.valueOf(value)));
            }
        });
        if (!payload.isEmpty()) {
            // a payload that starts like an option was written after "--", and must be again
            parts.add(payload.startsWith("--") ? "-- " + payload : payload);
        }
        return String.join(" ", parts);
    }

    private static String quote(String value) {
        if (SAFE_WORD.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** The definition with one option set (used for CLI-wide switches such as ignore-cache). */
    public JobDefinition withOption(String option, Object value) {
        Map<String, Object> copy = new TreeMap<>(options);
        copy.put(option, value);
        return new JobDefinition(verb, copy, payload);
    }
}
