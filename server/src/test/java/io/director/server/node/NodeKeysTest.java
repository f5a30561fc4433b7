package io.director.server.node;

import io.director.dsl.wire.CurveKeys;
import io.director.server.store.ServerStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeKeysTest {

    @TempDir
    Path dir;

    private ServerStore store;
    private NodeKeys keys;
    private final String web1 = CurveKeys.generate().publicKey();
    private final String other = CurveKeys.generate().publicKey();

    @BeforeEach
    void open() {
        store = ServerStore.open(dir.resolve("server.db"));
        keys = new NodeKeys(store, 3);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private NodeKeys.Admission hello(String identity, String key, boolean proven) {
        return keys.admit(identity, "m-" + identity, key, "10.0.0.1", "conn-" + key.substring(0, 4), proven, 100L);
    }

    private String state(String key) {
        return keys.list().stream().filter(k -> k.publicKey().equals(key)).findFirst().map(NodeKeys.KeyView::state)
                .orElse(null);
    }

    @Test
    void anUnknownKeyIsPendingUntilAcceptedAndSaysHowToAcceptIt() {
        NodeKeys.Admission first = hello("web-1", web1, false);
        assertFalse(first.accepted());
        assertTrue(first.refusal().contains("is pending; to accept it, run on the server: director keys accept web-1"),
                first.refusal());
        assertEquals(NodeKeys.PENDING, state(web1));

        NodeKeys.Change change = keys.accept("web-1", null, 200L);
        assertNull(change.error());
        assertEquals("conn-" + web1.substring(0, 4), change.changed().get(0).connection(),
                "the waiting connection is named, to be asked for a hello at once");
        assertTrue(hello("web-1", web1, false).accepted());
        assertEquals(NodeKeys.ACCEPTED, state(web1));
    }

    @Test
    void aSharedKeyProofAcceptsANewKeyAtOnce() {
        NodeKeys.Admission admission = hello("web-1", web1, true);
        assertTrue(admission.accepted());
        assertTrue(admission.automatic());
        assertEquals(NodeKeys.ACCEPTED, state(web1));
    }

    @Test
    void anIdentityIsNeverTakenOverByAnotherKeyEvenWithTheSharedKey() {
        assertTrue(hello("web-1", web1, true).accepted());

        NodeKeys.Admission takeover = hello("web-1", other, true);
        assertFalse(takeover.accepted());
        assertTrue(takeover.refusal().startsWith("identity 'web-1' is enrolled with another key (fingerprint "
                + CurveKeys.shortFingerprint(web1) + ")"), takeover.refusal());
        assertEquals(NodeKeys.PENDING, state(other), "kept for the operator to see");
        assertTrue(keys.accept("web-1", null, 0L).error().contains("already has an accepted key"));
        assertEquals(List.of("conn-" + other.substring(0, 4)), keys.pendingConnections("web-1"));

        assertNull(keys.delete("web-1", CurveKeys.fingerprint(web1).substring(0, 8)).error());
        assertTrue(hello("web-1", other, true).accepted(), "once the old key is gone, the proof accepts the new one");
    }

    @Test
    void aKeySpeaksForOneIdentity() {
        assertTrue(hello("web-1", web1, true).accepted());
        NodeKeys.Admission renamed = hello("db-1", web1, true);
        assertFalse(renamed.accepted());
        assertTrue(renamed.refusal().startsWith("this node's key is enrolled as 'web-1', not 'db-1'"),
                renamed.refusal());
    }

    @Test
    void aRejectedKeyStaysRejectedEvenWithTheSharedKeyUntilDeleted() {
        hello("web-1", web1, false);
        NodeKeys.Change rejected = keys.reject("web-1", null);
        assertNull(rejected.error());
        assertEquals(NodeKeys.PENDING, rejected.changed().get(0).previousState());

        NodeKeys.Admission again = hello("web-1", web1, true);
        assertFalse(again.accepted());
        assertTrue(again.refusal().contains("was rejected by the server's operator"), again.refusal());

        keys.delete("web-1", null);
        assertTrue(hello("web-1", web1, true).accepted());
    }

    @Test
    void rejectingAnAcceptedKeySaysItWasAccepted() {
        hello("web-1", web1, true);
        NodeKeys.Changed changed = keys.reject("web-1", null).changed().get(0);
        assertTrue(changed.wasAccepted());
        assertEquals(NodeKeys.REJECTED, state(web1));
    }

    @Test
    void severalKeysNeedAFingerprintAndUnknownOnesAreNamed() {
        hello("web-1", web1, false);
        keys.admit("web-1", "m-2", other, "10.0.0.2", null, false, 150L);
        String error = keys.accept("web-1", null, 0L).error();
        assertTrue(error.startsWith("identity 'web-1' has 2 keys to choose from"), error);
        assertNull(keys.accept("web-1", CurveKeys.fingerprint(other).substring(0, 10), 0L).error());
        assertEquals(NodeKeys.ACCEPTED, state(other));
        assertEquals("no pending or rejected key for 'db-9' (see director keys list)", keys.accept("db-9", null, 0L).error());
    }

    @Test
    void pendingKeysAreCapped() {
        for (int i = 0; i < 3; i++) {
            hello("n" + i, CurveKeys.generate().publicKey(), false);
        }
        NodeKeys.Admission over = hello("n9", CurveKeys.generate().publicKey(), false);
        assertFalse(over.accepted());
        assertTrue(over.refusal().startsWith("the server already has 3 pending keys"), over.refusal());
        assertEquals(3, keys.list().size(), "the fourth key was not stored");
    }

    /** The count of pending keys follows every decision, and a restart counts the restored ones. */
    @Test
    void aDecidedPendingKeyMakesRoomForAnother() {
        for (int i = 0; i < 3; i++) {
            hello("n" + i, CurveKeys.generate().publicKey(), false);
        }
        assertFalse(hello("n3", CurveKeys.generate().publicKey(), false).accepted());
        assertNull(keys.accept("n0", null, 0L).error());
        assertTrue(hello("n4", CurveKeys.generate().publicKey(), false).refusal().contains("is pending"),
                "accepting one made room");
        assertNull(keys.reject("n1", null).error());
        assertTrue(hello("n5", CurveKeys.generate().publicKey(), false).refusal().contains("is pending"),
                "rejecting one made room");
        assertNull(keys.delete("n2", null).error());
        assertTrue(hello("n6", CurveKeys.generate().publicKey(), false).refusal().contains("is pending"),
                "deleting one made room");
        String over = hello("n7", CurveKeys.generate().publicKey(), false).refusal();
        assertTrue(over.startsWith("the server already has 3 pending keys"), over);

        NodeKeys restarted = new NodeKeys(store, 3);
        restarted.restore(store.loadKeys());
        String afterRestart = restarted.admit("n8", "m-n8", CurveKeys.generate().publicKey(), "10.0.0.1", null,
                false, 300L).refusal();
        assertTrue(afterRestart.startsWith("the server already has 3 pending keys"), afterRestart);
    }

    @Test
    void decisionsSurviveARestart() {
        hello("web-1", web1, true);
        hello("db-1", other, false);
        NodeKeys restarted = new NodeKeys(store, 3);
        restarted.restore(store.loadKeys());
        assertEquals(keys.list(), restarted.list());
        assertEquals(NodeKeys.ACCEPTED, restarted.list().stream().filter(k -> k.publicKey().equals(web1)).findFirst()
                .orElseThrow().state());
    }
}
