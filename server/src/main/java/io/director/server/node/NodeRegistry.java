package io.director.server.node;

import io.director.dsl.wire.Liveness;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.NodeReport;
import io.director.server.store.StoredNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Every node the server knows, fed by hellos and heartbeats. Loop thread only.
 * Live nodes sit in a map ordered by when they were last heard from, so finding the expired
 * ones looks only at its head: no scan over all nodes, whatever their number.
 */
public final class NodeRegistry {

    private static final Logger LOG = Logger.getLogger(NodeRegistry.class.getName());

    private final long expiryMillis;
    /**
     * How long nodes restored at a server start have to come back: a node reconnects with
     * backoff while the server is down (and must finish a CURVE handshake), which takes longer
     * than three short heartbeat intervals.
     */
    private final long restoreGraceMillis;
    private final HelloCheck helloCheck;
    private final Map<String, Node> byIdentity = new TreeMap<>();
    private final Map<String, Node> byRoutingId = new HashMap<>();
    private final LinkedHashMap<String, Node> aliveByLastHeard = new LinkedHashMap<>();
    private final Map<String, Long> unflushedHeartbeats = new HashMap<>();
    /** Restored nodes not heard from since; they are not expired before {@link #graceEnds}. */
    private final java.util.Set<String> awaitedAfterRestore = new java.util.HashSet<>();
    private long graceEnds;

    /** @param heartbeatMillis the interval; a node is expired after three of them in silence */
    public NodeRegistry(long heartbeatMillis, HelloCheck helloCheck) {
        this.expiryMillis = Liveness.SILENT_INTERVALS * heartbeatMillis;
        this.restoreGraceMillis = Liveness.restoreGraceMillis(heartbeatMillis);
        this.helloCheck = helloCheck;
    }

    /** The outcome of a hello: the enrolled node, or why it was refused. */
    public record Enrolment(Node node, String refusal, boolean firstTime, boolean retry) {
        static Enrolment refused(String reason, boolean retry) {
            return new Enrolment(null, reason, false, retry);
        }

        public boolean accepted() {
            return refusal == null;
        }
    }

    /**
     * Restores nodes from the datastore after a server start. Nodes that had expired stay
     * expired; the others are given one expiry period from now to come back, so results waiting
     * in their outboxes are not lost to a premature "node unreachable".
     */
    public void restore(List<StoredNode> stored, long now) {
        for (StoredNode s : stored) {
            Node node = new Node(s.identity(), s.machineId(), s.routingId(), s.version(), s.labels(), s.facts(),
                    s.startedAt(), s.firstSeen(), s.expired() ? s.lastHeartbeat() : now);
            // Not indexed by connection: connections do not outlive a server, so each node says hello again.
            byIdentity.put(node.identity(), node);
            if (s.expired()) {
                node.state(Node.State.EXPIRED);
            } else {
                aliveByLastHeard.put(node.identity(), node);
                awaitedAfterRestore.add(node.identity());
            }
        }
        graceEnds = now + restoreGraceMillis;
    }

    /**
     * Why this hello must be refused for good (protocol, identity, shared key), or empty.
     *
     * @param clientKey the connection's authenticated public key, or null without encryption
     */
    public Optional<String> check(Message.Hello hello, String clientKey) {
        return helloCheck.refusal(hello, clientKey);
    }

    /** Whether the cluster has a shared key. */
    public boolean hasSharedKey() {
        return helloCheck.hasSharedKey();
    }

    /**
     * Enrols the node that said hello on this connection (the routing id its ROUTER gave it).
     *
     * @param clientKey the connection's authenticated public key, or null without encryption
     */
    public Enrolment enrol(String routingId, String clientKey, Message.Hello hello, long now) {
        Optional<String> refusal = check(hello, clientKey);
        if (refusal.isPresent()) {
            return Enrolment.refused(refusal.get(), false);
        }
        Node node = byIdentity.get(hello.identity());
        boolean firstTime = node == null;
        if (node != null && !node.machineId().equals(hello.machineId()) && node.isAlive()) {
            return Enrolment.refused("identity '" + hello.identity() + "' is already in use by another machine ("
                    + node.machineId() + ") that is alive; stop that node or give this one another --identity",
                    true);
        }
        if (node == null) {
            node = new Node(hello.identity(), hello.machineId(), routingId, hello.version(), hello.labels(),
                    hello.facts(), hello.startedAt(), now, now);
            byIdentity.put(node.identity(), node);
        } else {
            byRoutingId.remove(node.routingId(), node);
            node.update(hello.machineId(), routingId, hello.version(), hello.labels(), hello.facts(),
                    hello.startedAt());
        }
        byRoutingId.put(routingId, node);
        node.report(hello.report());
        node.state(Node.State.ALIVE);
        node.connected(true);
        heard(node, now);
        return new Enrolment(node, null, firstTime, false);
    }

    /** A heartbeat: the live, connected node it came from, or empty when it must say hello first. */
    public Optional<Node> heartbeat(String routingId, long now) {
        return heartbeat(routingId, null, now);
    }

    /** A heartbeat with the node's capacity report (null: keep the last one). */
    public Optional<Node> heartbeat(String routingId, NodeReport report, long now) {
        Node node = byRoutingId.get(routingId);
        if (node == null || !node.connected() || !node.isAlive()) {
            return Optional.empty();
        }
        node.report(report);
        heard(node, now);
        return Optional.of(node);
    }

    /** The node behind a routing id, if it is enrolled on its current connection. */
    public Optional<Node> connectedNode(String routingId) {
        Node node = byRoutingId.get(routingId);
        return node != null && node.connected() ? Optional.of(node) : Optional.empty();
    }

    /** A send to this node failed: it must say hello again before it is sent more. */
    public void lostConnection(Node node) {
        node.connected(false);
    }

    private void heard(Node node, long now) {
        awaitedAfterRestore.remove(node.identity());
        node.heardAt(now);
        aliveByLastHeard.remove(node.identity());
        aliveByLastHeard.put(node.identity(), node);
        unflushedHeartbeats.put(node.identity(), now);
    }

    /** Marks nodes silent for three intervals as expired and returns them. */
    public List<Node> expireDue(long now) {
        List<Node> expired = new ArrayList<>();
        Iterator<Node> it = aliveByLastHeard.values().iterator();
        while (it.hasNext()) {
            Node node = it.next();
            if (now < graceEnds && awaitedAfterRestore.contains(node.identity())) {
                continue; // restored and still within the grace: the oldest entries, skipped only until it ends
            }
            if (now - node.lastHeartbeat() < expiryMillis) {
                break;
            }
            it.remove();
            awaitedAfterRestore.remove(node.identity());
            node.state(Node.State.EXPIRED);
            node.connected(false);
            expired.add(node);
            LOG.info(() -> "node " + node.identity() + " expired: silent for " + (now - node.lastHeartbeat()) + " ms");
        }
        return expired;
    }

    /** Heartbeat times not yet written to the datastore; the map is emptied. */
    public Map<String, Long> takeUnflushedHeartbeats() {
        Map<String, Long> copy = new HashMap<>(unflushedHeartbeats);
        unflushedHeartbeats.clear();
        return copy;
    }

    public Optional<Node> find(String identity) {
        return Optional.ofNullable(byIdentity.get(identity));
    }

    /** Live nodes, by identity. */
    public List<Node> alive() {
        List<Node> alive = new ArrayList<>();
        for (Node node : byIdentity.values()) {
            if (node.isAlive()) {
                alive.add(node);
            }
        }
        return alive;
    }

    public int size() {
        return byIdentity.size();
    }

    /** Forgets one node (its key was rejected or deleted); returns it when it was known. */
    public Optional<Node> remove(String identity) {
        Node node = byIdentity.remove(identity);
        if (node == null) {
            return Optional.empty();
        }
        byRoutingId.remove(node.routingId(), node);
        aliveByLastHeard.remove(identity);
        unflushedHeartbeats.remove(identity);
        return Optional.of(node);
    }

    /** Forgets every node; live ones come back at their next heartbeat (they are asked to say hello). */
    public void purge() {
        byIdentity.clear();
        byRoutingId.clear();
        aliveByLastHeard.clear();
        unflushedHeartbeats.clear();
    }

    public List<NodeView> snapshot(long now) {
        List<NodeView> views = new ArrayList<>(byIdentity.size());
        for (Node node : byIdentity.values()) {
            double expiresIn = node.isAlive()
                    ? Math.max(0, (node.lastHeartbeat() + expiryMillis - now) / 1000.0) : 0;
            views.add(new NodeView(node.identity(), node.isAlive() ? "alive" : "expired", expiresIn,
                    node.version(), node.machineId(), node.labels(), node.lastHeartbeat(), node.startedAt(),
                    node.facts(), node.report()));
        }
        return views;
    }

    public StoredNode toStored(Node node) {
        return new StoredNode(node.identity(), node.machineId(), node.routingId(), node.version(), node.labels(),
                node.facts(), node.startedAt(), node.firstSeen(), node.lastHeartbeat(), !node.isAlive());
    }
}
