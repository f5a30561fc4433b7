package io.director.server.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.dsl.DirectorVersion;
import io.director.dsl.wire.HelloProof;
import io.director.dsl.wire.Liveness;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.WireCodec;
import io.director.server.store.StoredNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeRegistryTest {

    private static final String KEY = "cluster-secret";
    private static final long HEARTBEAT = 1000L;
    private static final long EXPIRY = 3 * HEARTBEAT;

    private final NodeRegistry registry = new NodeRegistry(HEARTBEAT, new HelloCheck(KEY));

    private static Message.Hello hello(int protocol, String identity, String machineId, String key) {
        String nonce = HelloProof.newNonce();
        String proof = key == null ? null : HelloProof.compute(key, identity, machineId, nonce, null);
        return new Message.Hello(protocol, identity, machineId, "0.1.0", Map.of("role", "web"), 5L, nonce, proof,
                Map.of("os", "linux"));
    }

    private static Message.Hello hello(String identity, String machineId) {
        return hello(DirectorVersion.PROTOCOL, identity, machineId, KEY);
    }

    private NodeRegistry.Enrolment enrol(String identity, String machineId, long now) {
        return registry.enrol(identity + "@" + machineId, null, hello(identity, machineId), now);
    }

    private List<String> identities(List<Node> nodes) {
        return nodes.stream().map(Node::identity).toList();
    }

    @Test
    void enrolsAValidHello() {
        NodeRegistry.Enrolment enrolment = enrol("web-1", "m-1", 100L);

        assertTrue(enrolment.accepted());
        assertTrue(enrolment.firstTime());
        Node node = enrolment.node();
        assertEquals("web-1", node.identity());
        assertEquals("m-1", node.machineId());
        assertEquals("web-1@m-1", node.routingId());
        assertEquals(Map.of("role", "web"), node.labels());
        assertEquals(Map.of("os", "linux"), node.facts());
        assertEquals(100L, node.firstSeen());
        assertEquals(100L, node.lastHeartbeat());
        assertTrue(node.isAlive());
        assertTrue(node.connected());
        assertSame(node, registry.find("web-1").orElseThrow());
        assertEquals(Optional.of(node), registry.heartbeat("web-1@m-1", 200L));
        assertEquals(200L, node.lastHeartbeat());
    }

    @Test
    void aSecondHelloFromTheSameMachineIsNotTheFirstTime() {
        Node first = enrol("web-1", "m-1", 100L).node();
        NodeRegistry.Enrolment again = enrol("web-1", "m-1", 500L);

        assertTrue(again.accepted());
        assertFalse(again.firstTime());
        assertSame(first, again.node());
        assertEquals(100L, again.node().firstSeen());
        assertEquals(500L, again.node().lastHeartbeat());
        assertEquals(1, registry.size());
    }

    @Test
    void aProofMadeForAnotherKeyIsRefused() {
        String nonce = HelloProof.newNonce();
        String proof = HelloProof.compute(KEY, "web-1", "m-1", nonce, "key-of-the-node-that-proved-it");
        Message.Hello replayed = new Message.Hello(DirectorVersion.PROTOCOL, "web-1", "m-1", "0.1.0", Map.of(), 5L,
                nonce, proof, Map.of());

        NodeRegistry.Enrolment enrolment = registry.enrol("conn-2", "key-of-another-connection", replayed, 0L);

        assertFalse(enrolment.accepted());
        assertTrue(enrolment.refusal().startsWith("shared key mismatch"), enrolment.refusal());
        assertEquals(0, registry.size());
    }

    @Test
    void refusesASecondMachineForALiveIdentityByName() {
        enrol("web-1", "m-1", 0L);

        NodeRegistry.Enrolment second = enrol("web-1", "m-2", 1000L);

        assertFalse(second.accepted());
        assertTrue(second.refusal().startsWith("identity 'web-1' is already in use by another machine (m-1)"),
                second.refusal());
        assertEquals("m-1", registry.find("web-1").orElseThrow().machineId());
        assertEquals(Optional.empty(), registry.heartbeat("web-1@m-2", 1000L));
        assertTrue(registry.heartbeat("web-1@m-1", 1000L).isPresent());
    }

    @Test
    void acceptsASecondMachineOnceTheFirstHasExpired() {
        enrol("web-1", "m-1", 0L);
        assertEquals(List.of("web-1"), identities(registry.expireDue(EXPIRY)));

        NodeRegistry.Enrolment second = enrol("web-1", "m-2", EXPIRY + 10);

        assertTrue(second.accepted());
        assertFalse(second.firstTime());
        assertEquals("m-2", second.node().machineId());
        assertEquals("web-1@m-2", second.node().routingId());
        assertTrue(second.node().isAlive());
        assertEquals(Optional.empty(), registry.heartbeat("web-1@m-1", EXPIRY + 20));
        assertTrue(registry.heartbeat("web-1@m-2", EXPIRY + 20).isPresent());
    }

    @Test
    void refusesAnotherProtocol() {
        Message.Hello hello = hello(DirectorVersion.PROTOCOL + 1, "web-1", "m-1", KEY);
        NodeRegistry.Enrolment enrolment = registry.enrol("web-1@m-1", null, hello, 0L);

        assertFalse(enrolment.accepted());
        assertTrue(enrolment.refusal().startsWith("protocol " + (DirectorVersion.PROTOCOL + 1)
                + " is not supported; this server speaks protocol " + DirectorVersion.PROTOCOL), enrolment.refusal());
        assertEquals(0, registry.size());
    }

    @Test
    void refusesInvalidIdentities() {
        for (String identity : new String[] {"bad id", "-leading-dash", ".dot", "semi;colon", "", "x".repeat(129)}) {
            NodeRegistry.Enrolment enrolment = registry.enrol(identity + "@" + "m-1", null,
                    hello(identity, "m-1"), 0L);
            assertFalse(enrolment.accepted(), identity);
            assertTrue(enrolment.refusal().startsWith("invalid identity '" + identity + "'"), enrolment.refusal());
        }
        Message.Hello nullIdentity = hello(DirectorVersion.PROTOCOL, null, "m-1", null);
        assertTrue(registry.enrol("null@m-1", null, nullIdentity, 0L).refusal().startsWith("invalid identity 'null'"));
        assertEquals(0, registry.size());
    }

    @Test
    void acceptsTheLongestAllowedIdentity() {
        String identity = "a" + "b.c_d-".repeat(22).substring(0, 127);
        assertEquals(128, identity.length());
        assertTrue(enrol(identity, "m-1", 0L).accepted());
    }

    @Test
    void refusesAHelloWithoutAMachineId() {
        NodeRegistry.Enrolment enrolment = registry.enrol("web-1@ ", null, hello("web-1", " "), 0L);
        assertEquals("hello from 'web-1' has no valid machine id", enrolment.refusal());
    }

    @Test
    void refusesAWrongOrMissingKeyProof() {
        NodeRegistry.Enrolment wrong = registry.enrol("web-1@m-1", null,
                hello(DirectorVersion.PROTOCOL, "web-1", "m-1", "not-the-key"), 0L);
        assertFalse(wrong.accepted());
        assertTrue(wrong.refusal().startsWith("shared key mismatch: node 'web-1' did not prove"), wrong.refusal());

        NodeRegistry.Enrolment missing = registry.enrol("web-1@m-1", null,
                hello(DirectorVersion.PROTOCOL, "web-1", "m-1", null), 0L);
        assertFalse(missing.accepted());
        assertTrue(missing.refusal().startsWith("shared key mismatch: node 'web-1'"), missing.refusal());
        assertEquals(0, registry.size());
    }

    @Test
    void needsNoProofWithoutASharedKey() {
        NodeRegistry open = new NodeRegistry(HEARTBEAT, new HelloCheck(""));
        assertTrue(open.enrol("web-1@m-1", null, hello(DirectorVersion.PROTOCOL, "web-1", "m-1", null), 0L).accepted());
    }

    @Test
    void ignoresAHeartbeatFromAnUnknownRoutingId() {
        enrol("web-1", "m-1", 0L);
        assertEquals(Optional.empty(), registry.heartbeat("ghost@m-9", 10L));
        assertEquals(Optional.empty(), registry.connectedNode("ghost@m-9"));
    }

    @Test
    void expiresOnlyNodesSilentForThreeIntervals() {
        enrol("a", "m-a", 0L);
        enrol("b", "m-b", 1000L);
        enrol("c", "m-c", 2000L);

        assertTrue(registry.expireDue(EXPIRY - 1).isEmpty());
        assertEquals(List.of("a"), identities(registry.expireDue(EXPIRY)));
        assertTrue(registry.expireDue(EXPIRY + 999).isEmpty());
        assertEquals(List.of("b", "c"), identities(registry.expireDue(2000L + EXPIRY)));
        assertTrue(registry.expireDue(100_000L).isEmpty());
    }

    @Test
    void expiresInTheOrderNodesWereLastHeardFrom() {
        enrol("a", "m-a", 0L);
        enrol("b", "m-b", 100L);
        enrol("c", "m-c", 200L);
        registry.heartbeat("a@m-a", 300L);

        assertEquals(List.of("b"), identities(registry.expireDue(100L + EXPIRY)));
        assertEquals(List.of("c", "a"), identities(registry.expireDue(10_000L)));
    }

    @Test
    void anExpiredNodeMustSayHelloAgain() {
        Node node = enrol("a", "m-a", 0L).node();
        registry.expireDue(EXPIRY);

        assertEquals(Node.State.EXPIRED, node.state());
        assertFalse(node.connected());
        assertEquals(Optional.empty(), registry.heartbeat("a@m-a", EXPIRY + 1));
        assertTrue(registry.alive().isEmpty());

        assertTrue(enrol("a", "m-a", EXPIRY + 2).accepted());
        assertEquals(List.of(node), registry.alive());
        assertTrue(registry.heartbeat("a@m-a", EXPIRY + 3).isPresent());
    }

    @Test
    void restoredNodesGetAGraceToComeBackThenExpire() {
        StoredNode a = new StoredNode("a", "m-a", "a@m-a", "0.1.0", Map.of(), Map.of(), 1L, 2L, 3L, false);
        StoredNode b = new StoredNode("b", "m-b", "b@m-b", "0.1.0", Map.of("k", "v"), Map.of(), 1L, 2L, 4L, false);
        long now = 1_000_000L;

        registry.restore(List.of(a, b), now);

        assertEquals(List.of("a", "b"), identities(registry.alive()));
        assertEquals(now, registry.find("b").orElseThrow().lastHeartbeat());
        assertEquals(2L, registry.find("b").orElseThrow().firstSeen());
        assertTrue(registry.expireDue(now + EXPIRY).isEmpty(), "they may be reconnecting with backoff");
        long grace = Liveness.restoreGraceMillis(HEARTBEAT);
        assertTrue(registry.expireDue(now + grace - 1).isEmpty());
        assertEquals(List.of("a", "b"), identities(registry.expireDue(now + grace)));
    }

    @Test
    void aNodeHeardAfterARestoreExpiresOnItsOwnTimeDuringTheGrace() {
        long now = 1_000_000L;
        registry.restore(List.of(new StoredNode("a", "m-a", "a@m-a", "v", Map.of(), Map.of(), 1L, 2L, 3L, false),
                new StoredNode("b", "m-b", "b@m-b", "v", Map.of(), Map.of(), 1L, 2L, 3L, false)), now);
        enrol("b", "m-b", now + 100);

        assertEquals(List.of("b"), identities(registry.expireDue(now + 100 + EXPIRY)),
                "b came back and went silent: the grace is for the ones not heard yet");
        assertTrue(registry.find("a").orElseThrow().isAlive());
    }

    @Test
    void aRestoredNodeMustSayHelloBeforeItsHeartbeatsCount() {
        registry.restore(List.of(new StoredNode("a", "m-a", "a@m-a", "v", Map.of(), Map.of(), 1L, 2L, 3L, false)), 100L);

        assertEquals(Optional.empty(), registry.heartbeat("a@m-a", 200L));

        NodeRegistry.Enrolment enrolment = enrol("a", "m-a", 300L);
        assertTrue(enrolment.accepted());
        assertFalse(enrolment.firstTime());
        assertTrue(registry.heartbeat("a@m-a", 400L).isPresent());
    }

    @Test
    void snapshotShowsAliveAndExpiredNodesWithTimeLeft() throws Exception {
        enrol("a", "m-a", 0L);
        enrol("b", "m-b", 2000L);
        registry.expireDue(EXPIRY);

        List<NodeView> views = registry.snapshot(3500L);

        assertEquals(List.of("a", "b"), views.stream().map(NodeView::identity).toList());
        assertEquals("expired", views.get(0).state());
        assertEquals(0.0, views.get(0).expiresIn());
        assertEquals("alive", views.get(1).state());
        assertEquals(1.5, views.get(1).expiresIn());
        assertEquals("m-b", views.get(1).machineId());
        assertEquals(2000L, views.get(1).lastHeartbeat());

        JsonNode json = WireCodec.mapper().valueToTree(views.get(1));
        assertEquals(1.5, json.get("expires_in").asDouble());
        assertEquals("m-b", json.get("machine_id").asText());
        assertEquals("alive", json.get("state").asText());
    }

    @Test
    void snapshotNeverShowsNegativeTimeLeft() {
        enrol("a", "m-a", 0L);
        assertEquals(0.0, registry.snapshot(EXPIRY + 5000).get(0).expiresIn());
    }

    @Test
    void handsOutHeartbeatTimesToStoreOnce() {
        enrol("a", "m-a", 10L);
        enrol("b", "m-b", 20L);
        registry.heartbeat("a@m-a", 30L);

        assertEquals(Map.of("a", 30L, "b", 20L), registry.takeUnflushedHeartbeats());
        assertTrue(registry.takeUnflushedHeartbeats().isEmpty());
    }

    @Test
    void toStoredKeepsWhatANodeSaid() {
        Node node = enrol("a", "m-a", 10L).node();
        assertEquals(new StoredNode("a", "m-a", "a@m-a", "0.1.0", Map.of("role", "web"), Map.of("os", "linux"),
                5L, 10L, 10L, false), registry.toStored(node));
    }

    @Test
    void purgeForgetsEveryNode() {
        enrol("a", "m-a", 10L);
        registry.purge();

        assertEquals(0, registry.size());
        assertEquals(Optional.empty(), registry.heartbeat("a@m-a", 20L));
        assertTrue(registry.expireDue(100_000L).isEmpty());
    }

    @Test
    void aLostConnectionStopsHeartbeatsUntilHello() {
        Node node = enrol("a", "m-a", 10L).node();
        registry.lostConnection(node);

        assertEquals(Optional.empty(), registry.heartbeat("a@m-a", 20L));
        assertEquals(Optional.empty(), registry.connectedNode("a@m-a"));
        assertTrue(node.isAlive());
    }

    @Test
    void anIdentityHeldByALiveNodeIsRefusedForNowButAWrongKeyForGood() {
        enrol("web-1", "m-1", 100L);
        NodeRegistry.Enrolment taken = enrol("web-1", "m-2", 200L);
        assertFalse(taken.accepted());
        assertTrue(taken.retry(), "the holder may expire: the newcomer should try again later");

        NodeRegistry.Enrolment wrongKey = registry.enrol("db-1" + "@" + "m-3", null,
                hello(DirectorVersion.PROTOCOL, "db-1", "m-3", "not-the-key"), 300L);
        assertFalse(wrongKey.accepted());
        assertFalse(wrongKey.retry(), "a wrong key does not fix itself");
    }

    @Test
    void nodesThatHadExpiredStayExpiredAfterARestore() {
        registry.restore(List.of(
                new StoredNode("gone", "m-g", "gone@m-g", "v", Map.of(), Map.of(), 1L, 2L, 3L, true),
                new StoredNode("live", "m-l", "live@m-l", "v", Map.of(), Map.of(), 1L, 2L, 3L, false)), 1000L);
        assertEquals(List.of("live"), identities(registry.alive()));
        assertEquals(Node.State.EXPIRED, registry.find("gone").orElseThrow().state());
        long grace = Liveness.restoreGraceMillis(HEARTBEAT);
        assertEquals(List.of(), identities(registry.expireDue(1000L + grace - 1)), "live got the whole grace");
        assertEquals(List.of("live"), identities(registry.expireDue(1000L + grace)));
    }
}
