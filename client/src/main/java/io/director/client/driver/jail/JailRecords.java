package io.director.client.driver.jail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.director.client.cache.NodeCache;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Each jail's recorded spec and state, kept in the node cache's workloads as kind {@code jail}. */
final class JailRecords {

    static final String KIND = "jail";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One jail's record.
     *
     * @param pid       host pid of its init while running (else null)
     * @param startTime that process's start time (field 22 of /proc/PID/stat), so a reused pid
     *                  is not taken for the jail
     * @param pidNs     its PID namespace ({@code pid:[N]})
     * @param cgroups   cgroup directories it was placed in
     * @param cgroup    {@code v1}/{@code v2} when every asked limit was written there, else null
     * @param restarts  how often supervision started it again
     * @param command   the start command of its last start (empty: the default init), which a
     *                  restart runs again
     */
    record Jail(String name, JailSpec spec, String state, Long pid, Long startTime, String pidNs,
                List<String> cgroups, String cgroup, long restarts, List<String> command) {

        Jail {
            Objects.requireNonNull(spec, "spec");
            cgroups = List.copyOf(cgroups == null ? List.of() : cgroups);
            command = List.copyOf(command == null ? List.of() : command);
        }

        /** A jail without a recorded start command (the default init), for drivers that keep none. */
        Jail(String name, JailSpec spec, String state, Long pid, Long startTime, String pidNs,
             List<String> cgroups, String cgroup, long restarts) {
            this(name, spec, state, pid, startTime, pidNs, cgroups, cgroup, restarts, List.of());
        }

        Jail running(long newPid, long newStartTime, String newPidNs, List<String> newCgroups, String version,
                     List<String> newCommand) {
            return new Jail(name, spec, "running", newPid, newStartTime, newPidNs, newCgroups, version, restarts,
                    newCommand);
        }

        Jail stopped() {
            return new Jail(name, spec, "stopped", null, null, null, List.of(), null, restarts, command);
        }

        Jail restarted() {
            return new Jail(name, spec, state, pid, startTime, pidNs, cgroups, cgroup, restarts + 1, command);
        }
    }

    private final NodeCache cache;

    JailRecords(NodeCache cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    Jail find(String name) {
        String json = cache.workload(KIND, name);
        return json == null ? null : read(name, json);
    }

    List<Jail> all() {
        List<Jail> jails = new ArrayList<>();
        cache.workloads(KIND).forEach((name, json) -> jails.add(read(name, json)));
        return jails;
    }

    void put(Jail jail) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("spec", jail.spec().toMap());
        map.put("state", jail.state());
        map.put("pid", jail.pid());
        map.put("start_time", jail.startTime());
        map.put("pid_ns", jail.pidNs());
        map.put("cgroups", jail.cgroups());
        map.put("cgroup", jail.cgroup());
        map.put("restarts", jail.restarts());
        map.put("command", jail.command());
        try {
            cache.putWorkload(KIND, jail.name(), JSON.writeValueAsString(map));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the record of jail " + jail.name(), e);
        }
    }

    void delete(String name) {
        cache.deleteWorkload(KIND, name);
    }

    @SuppressWarnings("unchecked")
    private static Jail read(String name, String json) {
        try {
            Map<String, Object> map = JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
            return new Jail(name, JailSpec.fromMap((Map<String, Object>) map.get("spec")), (String) map.get("state"),
                    asLong(map.get("pid")), asLong(map.get("start_time")), (String) map.get("pid_ns"),
                    (List<String>) map.get("cgroups"), (String) map.get("cgroup"),
                    map.get("restarts") instanceof Number n ? n.longValue() : 0, (List<String>) map.get("command"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the record of jail " + name + " is not JSON: " + e.getMessage(), e);
        }
    }

    private static Long asLong(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }
}
