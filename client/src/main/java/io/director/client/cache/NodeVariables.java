package io.director.client.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.director.dsl.wire.WireCodec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The node's ARGs (template variables: strings, numbers, booleans, null, lists and maps) and
 * ENVs (environment variables for processes), kept in its {@link NodeCache} so they survive
 * restarts. Every call reads or writes the cache, so instances on the same cache (one per job
 * queue) always agree. Values read back are what JSON gives: {@code Integer}/{@code Long},
 * {@code Double}, {@code Boolean}, {@code String}, {@code List}, {@code Map}, or null.
 */
public final class NodeVariables {

    /** The read-only template variable holding the node's identity and labels. */
    public static final String NODE = "node";

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-fA-F]{56}");
    private static final ObjectMapper JSON = WireCodec.mapper();

    private final NodeCache cache;

    public NodeVariables(NodeCache cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    /** Every ARG, by name. */
    public Map<String, Object> args() {
        Map<String, Object> args = new LinkedHashMap<>();
        cache.args().forEach((name, json) -> args.put(name, decode(name, json)));
        return args;
    }

    /** One ARG's value; null when it is not set (or set to null). */
    public Object arg(String name) {
        String json = cache.arg(name);
        return json == null ? null : decode(name, json);
    }

    /** Sets one ARG. */
    public void setArg(String name, Object value) {
        checkArgName(name);
        cache.putArgs(Map.of(name, encode(name, value)));
    }

    /** Sets several ARGs at once: all are stored, or (on a bad name) none. */
    public void setArgs(Map<String, ?> values) {
        Map<String, String> encoded = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            checkArgName(name);
            encoded.put(name, encode(name, value));
        });
        cache.putArgs(encoded);
    }

    /**
     * Adds to an ARG: a list is appended to a list, a map merged into a map (its keys win), and
     * an unset (or null) ARG is simply set.
     *
     * @throws IllegalArgumentException when the old and new values are not both lists or both maps
     */
    public void extendArg(String name, Object value) {
        checkArgName(name);
        Object addition = decode(name, encode(name, value));
        cache.updateArg(name, current -> encode(name, extended(name, current == null ? null : decode(name, current),
                addition)));
    }

    private static Object extended(String name, Object current, Object addition) {
        if (current == null) {
            return addition;
        }
        if (current instanceof List<?> list && addition instanceof List<?> more) {
            List<Object> joined = new ArrayList<>(list);
            joined.addAll(more);
            return joined;
        }
        if (current instanceof Map<?, ?> map && addition instanceof Map<?, ?> more) {
            Map<Object, Object> merged = new LinkedHashMap<>(map);
            merged.putAll(more);
            return merged;
        }
        throw new IllegalArgumentException("cannot extend ARG '" + name + "': it holds " + kind(current)
                + " and the new value is " + kind(addition) + "; both must be lists or both maps");
    }

    /** Sets one ENV for later processes. */
    public void setEnv(String name, String value) {
        checkName("ENV", name);
        cache.putEnv(name, Objects.requireNonNull(value, "value"));
    }

    /** The stored ENVs only. */
    public Map<String, String> envs() {
        return cache.envs();
    }

    /** The environment for a process: the daemon's own, with the stored ENVs on top. */
    public Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(cache.envs());
        return environment;
    }

    /**
     * What templates see: every ARG, plus {@value #NODE} = {@code {identity, labels}}, which no
     * ARG can replace. The returned map and the {@code node} map are read-only.
     */
    public Map<String, Object> templateContext(String identity, Map<String, String> labels) {
        return templateContext(args(), identity, labels);
    }

    /** The same over given ARGs (the planner's what-if copy). */
    public static Map<String, Object> templateContext(Map<String, Object> args, String identity,
                                                      Map<String, String> labels) {
        Map<String, Object> context = new HashMap<>(args);
        Map<String, Object> node = new HashMap<>();
        node.put("identity", identity);
        node.put("labels", labels == null ? Map.of() : Map.copyOf(labels));
        context.put(NODE, Collections.unmodifiableMap(node));
        return Collections.unmodifiableMap(context);
    }

    /**
     * CACHEEVICT: forgets {@code all} (ARGs, ENVs and cached job results), {@code args},
     * {@code envs}, {@code jobs}, or the cached result of the job with that fingerprint.
     *
     * @return one line saying what was removed, for the job's stdout
     * @throws IllegalArgumentException for any other target
     */
    public String evict(String what) {
        String target = what == null ? "" : what.strip();
        switch (target) {
            case "all" -> {
                int args = cache.clearArgs();
                int envs = cache.clearEnvs();
                int jobs = cache.clearSucceeded();
                return "evicted " + count(args, "ARG") + ", " + count(envs, "ENV") + " and "
                        + count(jobs, "cached job");
            }
            case "args" -> {
                return "evicted " + count(cache.clearArgs(), "ARG");
            }
            case "envs" -> {
                return "evicted " + count(cache.clearEnvs(), "ENV");
            }
            case "jobs" -> {
                return "evicted " + count(cache.clearSucceeded(), "cached job");
            }
            default -> {
                if (!FINGERPRINT.matcher(target).matches()) {
                    throw new IllegalArgumentException("unknown CACHEEVICT target '" + target
                            + "': use all, args, envs, jobs or a job fingerprint (56 hex digits)");
                }
                String fingerprint = target.toLowerCase(Locale.ROOT);
                return cache.forgetSucceeded(fingerprint) > 0
                        ? "evicted the cached job " + fingerprint
                        : "no cached job has fingerprint " + fingerprint;
            }
        }
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static void checkArgName(String name) {
        checkName("ARG", name);
        if (NODE.equals(name)) {
            throw new IllegalArgumentException("ARG '" + NODE + "' is read-only: it holds the node's identity and labels");
        }
    }

    private static void checkName(String kind, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(kind + " name '" + name
                    + "' is not valid: use letters, digits and _, not starting with a digit");
        }
    }

    private static String encode(String name, Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("ARG '" + name + "' cannot be stored as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Object decode(String name, String json) {
        try {
            return JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("node cache: ARG '" + name + "' is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String kind(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof List<?>) {
            return "a list";
        }
        if (value instanceof Map<?, ?>) {
            return "a map";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Number) {
            return "a number";
        }
        return "a " + value.getClass().getSimpleName();
    }
}
