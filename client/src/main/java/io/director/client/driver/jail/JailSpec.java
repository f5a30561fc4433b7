package io.director.client.driver.jail;

import io.director.dsl.verb.Sizes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code JAIL create} asked for, as rendered on the node; kept with the jail so that a
 * second create can be compared with it.
 *
 * @param root      an existing directory to use as the root (null with a template)
 * @param template  the template the root was made from (null with a root)
 * @param hostname  the jail's host name (default: its name)
 * @param network   {@code none} (a private network namespace with only {@code lo}) or {@code host}
 * @param mounts    {@code SRC:DST[:ro]} bind mounts, in order
 * @param memory    memory limit as written (e.g. {@code 64M}), or null; compared by value, so
 *                  {@code 1G} and {@code 1024M} are the same spec
 * @param cpus      CPU limit in CPUs, or null
 * @param env       {@code K=V} for every process of the jail, in order
 * @param restart   {@code no}, {@code on-failure} or {@code always}
 * @param autostart start it when the client daemon starts
 */
public record JailSpec(String root, String template, String hostname, String network, List<String> mounts,
                       String memory, Double cpus, List<String> env, String restart, boolean autostart) {

    public JailSpec {
        if ((root == null) == (template == null)) {
            throw new IllegalArgumentException("a jail needs exactly one of root and template");
        }
        Objects.requireNonNull(hostname, "hostname");
        network = network == null ? "none" : network;
        mounts = List.copyOf(mounts == null ? List.of() : mounts);
        env = List.copyOf(env == null ? List.of() : env);
        restart = restart == null ? "no" : restart;
    }

    /** The spec as a JSON-ready map, every field present, in a fixed order. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("root", root);
        map.put("template", template);
        map.put("hostname", hostname);
        map.put("network", network);
        map.put("mounts", mounts);
        map.put("memory", memory);
        map.put("cpus", cpus);
        map.put("env", env);
        map.put("restart", restart);
        map.put("autostart", autostart);
        return map;
    }

    @SuppressWarnings("unchecked")
    static JailSpec fromMap(Map<String, Object> map) {
        Object cpus = map.get("cpus");
        return new JailSpec((String) map.get("root"), (String) map.get("template"), (String) map.get("hostname"),
                (String) map.get("network"), (List<String>) map.get("mounts"), (String) map.get("memory"),
                cpus == null ? null : ((Number) cpus).doubleValue(), (List<String>) map.get("env"),
                (String) map.get("restart"), Boolean.TRUE.equals(map.get("autostart")));
    }

    /** Each field that differs, as {@code FIELD is X, asked Y}; empty when the specs are the same. */
    public List<String> differencesFrom(JailSpec asked) {
        List<String> differences = new ArrayList<>();
        Map<String, Object> mine = toMap();
        asked.toMap().forEach((field, value) -> {
            boolean same = field.equals("memory") ? Sizes.same(memory, asked.memory)
                    : Objects.equals(mine.get(field), value);
            if (!same) {
                differences.add(field + " is " + show(mine.get(field)) + ", asked " + show(value));
            }
        });
        return differences;
    }

    /** Equal when they ask for the same jail: {@code memory} is compared by bytes, not as written. */
    @Override
    public boolean equals(Object other) {
        return other instanceof JailSpec asked && differencesFrom(asked).isEmpty();
    }

    @Override
    public int hashCode() {
        return Objects.hash(root, template, hostname, network, mounts, Sizes.hash(memory), cpus, env, restart,
                autostart);
    }

    private static String show(Object value) {
        return value == null ? "unset" : value instanceof String ? "'" + value + "'" : value.toString();
    }
}
