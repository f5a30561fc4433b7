package io.director.server.node;

import io.director.dsl.wire.NodeReport;

import java.util.Map;

/**
 * A node as the server knows it now. Mutable, and only ever touched on the server loop thread.
 */
public final class Node {

    /** Whether the node answers (spec: alive / expired). */
    public enum State { ALIVE, EXPIRED }

    private final String identity;
    private String machineId;
    private String routingId;
    private String version;
    private Map<String, String> labels;
    private Map<String, String> facts;
    private long startedAt;
    private final long firstSeen;
    private long lastHeartbeat;
    private State state = State.ALIVE;
    /** Its last capacity report (kept in memory only: every heartbeat brings a new one), or null. */
    private NodeReport report;
    /** Said hello on its current connection since this server started: safe to send jobs to. */
    private boolean connected;

    Node(String identity, String machineId, String routingId, String version, Map<String, String> labels,
         Map<String, String> facts, long startedAt, long firstSeen, long lastHeartbeat) {
        this.identity = identity;
        this.machineId = machineId;
        this.routingId = routingId;
        this.version = version;
        this.labels = Map.copyOf(labels);
        this.facts = Map.copyOf(facts);
        this.startedAt = startedAt;
        this.firstSeen = firstSeen;
        this.lastHeartbeat = lastHeartbeat;
    }

    void update(String machineId, String routingId, String version, Map<String, String> labels,
                Map<String, String> facts, long startedAt) {
        this.machineId = machineId;
        this.routingId = routingId;
        this.version = version;
        this.labels = Map.copyOf(labels);
        this.facts = Map.copyOf(facts);
        this.startedAt = startedAt;
    }

    public String identity() {
        return identity;
    }

    public String machineId() {
        return machineId;
    }

    public String routingId() {
        return routingId;
    }

    public String version() {
        return version;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public Map<String, String> facts() {
        return facts;
    }

    public long startedAt() {
        return startedAt;
    }

    public long firstSeen() {
        return firstSeen;
    }

    public long lastHeartbeat() {
        return lastHeartbeat;
    }

    void heardAt(long now) {
        this.lastHeartbeat = now;
    }

    public NodeReport report() {
        return report;
    }

    void report(NodeReport report) {
        if (report != null) {
            this.report = report;
        }
    }

    public State state() {
        return state;
    }

    void state(State state) {
        this.state = state;
    }

    public boolean isAlive() {
        return state == State.ALIVE;
    }

    public boolean connected() {
        return connected;
    }

    void connected(boolean connected) {
        this.connected = connected;
    }
}
