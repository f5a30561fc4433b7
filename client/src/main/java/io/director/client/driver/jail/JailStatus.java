package io.director.client.driver.jail;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A jail as it is now.
 *
 * @param name           the jail's name
 * @param state          {@code created} (never started), {@code running} or {@code stopped}
 * @param pid            its init's pid on the host while running, else null
 * @param spec           what it was created with
 * @param limitsEnforced true while it runs inside a cgroup that holds every limit it asked for
 * @param cgroup         {@code v1} or {@code v2} when limits were applied through cgroups, else null
 * @param restarts       how often it was restarted by supervision
 */
public record JailStatus(String name, String state, Long pid, JailSpec spec, boolean limitsEnforced,
                         String cgroup, long restarts) {

    /** The JSON of {@code JAIL status}: name, state, pid, spec, limits_enforced, cgroup, restarts. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", name);
        map.put("state", state);
        map.put("pid", pid);
        map.put("spec", spec.toMap());
        map.put("limits_enforced", limitsEnforced);
        map.put("cgroup", cgroup);
        map.put("restarts", restarts);
        return map;
    }
}
