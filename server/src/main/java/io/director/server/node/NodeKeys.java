package io.director.server.node;

import io.director.dsl.wire.CurveKeys;
import io.director.server.store.ServerStore;
import io.director.server.store.StoredKey;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Enrolment by key, like {@code salt-key}: every node's CurveZMQ public key is {@code pending}
 * until an operator accepts it (or, with a shared key, until the node proves it knows that key),
 * and may be {@code rejected}. One identity has at most one accepted key, so a node can never be
 * taken over by someone holding another key; one key speaks for one identity.
 *
 * <p>Changes run on the server loop thread and are written to the datastore at once.
 */
public final class NodeKeys {

    public static final String PENDING = "pending";
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";

    private static final Logger LOG = Logger.getLogger(NodeKeys.class.getName());

    private final ServerStore store;
    private final int maxPending;
    private final Map<String, StoredKey> byKey = new HashMap<>();
    /**
     * Identity → its accepted key, and the number of pending keys: a hello asks both, and with
     * thousands of nodes a scan of every key per hello made enrolling them all quadratic.
     */
    private final Map<String, String> acceptedKeyByIdentity = new HashMap<>();
    private int pendingKeys;
    /** The connection a pending key last said hello on, to tell it at once when it is accepted. */
    private final Map<String, String> pendingConnection = new HashMap<>();

    public NodeKeys(ServerStore store, int maxPending) {
        this.store = store;
        this.maxPending = maxPending;
    }

    /** A key as operators see it. */
    public record KeyView(String identity, String state, String publicKey, String fingerprint, String machineId,
                          String address, long firstSeen, long lastSeen) {
    }

    /** What a hello's key gets: in (with whether that was automatic), or a refusal to say to the node. */
    public record Admission(boolean accepted, boolean automatic, String refusal) {
        static Admission in(boolean automatic) {
            return new Admission(true, automatic, null);
        }

        static Admission refused(String reason) {
            return new Admission(false, false, reason);
        }
    }

    /** The outcome of an operator's request: the keys changed (with their last connection), or an error. */
    public record Change(List<Changed> changed, String error) {
        static Change failed(String error) {
            return new Change(List.of(), error);
        }
    }

    /**
     * A changed key, the state it had before, and the connection it last said hello on while
     * pending (or null).
     */
    public record Changed(KeyView key, String previousState, String connection) {
        /** Whether the key had been speaking for an enrolled node. */
        public boolean wasAccepted() {
            return ACCEPTED.equals(previousState);
        }
    }

    public void restore(List<StoredKey> keys) {
        keys.forEach(this::put);
    }

    /**
     * Decides on the key of a hello from {@code identity}. {@code sharedKeyProven}: the cluster
     * has a shared key and the hello proved it (bound to this very key), which accepts a key
     * no one has decided on yet, unless the identity already has another one.
     */
    public Admission admit(String identity, String machineId, String publicKey, String address, String connection,
                           boolean sharedKeyProven, long now) {
        StoredKey known = byKey.get(publicKey);
        Optional<StoredKey> enrolled = acceptedKeyOf(identity);
        if (known != null && ACCEPTED.equals(known.state())) {
            if (!known.identity().equals(identity)) {
                return Admission.refused("this node's key is enrolled as '" + known.identity() + "', not '" + identity
                        + "'; to rename the node, run on the server: director keys delete " + known.identity());
            }
            seen(known, machineId, address, now);
            return Admission.in(false);
        }
        if (known != null && REJECTED.equals(known.state())) {
            seen(known, machineId, address, now);
            return Admission.refused("this node's key (fingerprint " + CurveKeys.shortFingerprint(publicKey)
                    + ") was rejected by the server's operator; to let it ask again, run on the server: "
                    + "director keys delete " + known.identity());
        }
        if (enrolled.isPresent()) {
            // Another key already speaks for this identity: never replaced without an operator.
            if (known == null && !roomForPending(identity)) {
                return tooMany(identity);
            }
            remember(new StoredKey(publicKey, identity, PENDING, machineId, address,
                    known == null ? now : known.firstSeen(), now), connection);
            String fingerprint = CurveKeys.shortFingerprint(enrolled.get().publicKey());
            return Admission.refused("identity '" + identity + "' is enrolled with another key (fingerprint "
                    + fingerprint + "); if this node was reinstalled, run on the server: director keys delete "
                    + identity + " --key " + fingerprint + ", then director keys accept " + identity);
        }
        if (sharedKeyProven) {
            StoredKey accepted = new StoredKey(publicKey, identity, ACCEPTED, machineId, address,
                    known == null ? now : known.firstSeen(), now);
            save(accepted);
            pendingConnection.remove(publicKey);
            LOG.info(() -> "accepted the key of node '" + identity + "' (fingerprint "
                    + CurveKeys.shortFingerprint(publicKey) + "): it proved the shared key");
            return Admission.in(true);
        }
        if (known == null && !roomForPending(identity)) {
            return tooMany(identity);
        }
        remember(new StoredKey(publicKey, identity, PENDING, machineId, address,
                known == null ? now : known.firstSeen(), now), connection);
        if (known == null) {
            LOG.info(() -> "new key from node '" + identity + "' at " + address + " (fingerprint "
                    + CurveKeys.shortFingerprint(publicKey) + ") is pending; accept it with: director keys accept "
                    + identity);
        }
        return Admission.refused("this node's key (fingerprint " + CurveKeys.shortFingerprint(publicKey)
                + ") is pending; to accept it, run on the server: director keys accept " + identity);
    }

    /** Accepts the pending key of an identity (the one matching {@code fingerprint} when there are several). */
    public Change accept(String identity, String fingerprint, long now) {
        List<StoredKey> candidates = select(identity, fingerprint, PENDING, REJECTED);
        if (candidates.isEmpty()) {
            return Change.failed(nothingFor(identity, fingerprint, "pending or rejected"));
        }
        if (candidates.size() > 1) {
            return Change.failed("identity '" + identity + "' has " + candidates.size() + " keys to choose from ("
                    + fingerprints(candidates) + "): give one with --key");
        }
        Optional<StoredKey> enrolled = acceptedKeyOf(identity);
        if (enrolled.isPresent()) {
            String old = CurveKeys.shortFingerprint(enrolled.get().publicKey());
            return Change.failed("identity '" + identity + "' already has an accepted key (fingerprint " + old
                    + "); delete it first: director keys delete " + identity + " --key " + old);
        }
        StoredKey key = candidates.get(0);
        StoredKey accepted = new StoredKey(key.publicKey(), key.identity(), ACCEPTED, key.machineId(), key.address(),
                key.firstSeen(), key.lastSeen());
        save(accepted);
        String connection = pendingConnection.remove(key.publicKey());
        return new Change(List.of(new Changed(view(accepted), key.state(), connection)), null);
    }

    /** Rejects the pending and accepted keys of an identity (or the one matching {@code fingerprint}). */
    public Change reject(String identity, String fingerprint) {
        List<StoredKey> keys = select(identity, fingerprint, PENDING, ACCEPTED);
        if (keys.isEmpty()) {
            return Change.failed(nothingFor(identity, fingerprint, "pending or accepted"));
        }
        List<Changed> changed = new ArrayList<>();
        for (StoredKey key : keys) {
            StoredKey rejected = new StoredKey(key.publicKey(), key.identity(), REJECTED, key.machineId(),
                    key.address(), key.firstSeen(), key.lastSeen());
            save(rejected);
            changed.add(new Changed(view(rejected), key.state(), pendingConnection.remove(key.publicKey())));
        }
        return new Change(changed, null);
    }

    /** Forgets the keys of an identity (or the one matching {@code fingerprint}): they may ask again. */
    public Change delete(String identity, String fingerprint) {
        List<StoredKey> keys = select(identity, fingerprint, PENDING, ACCEPTED, REJECTED);
        if (keys.isEmpty()) {
            return Change.failed(nothingFor(identity, fingerprint, "known"));
        }
        List<Changed> changed = new ArrayList<>();
        for (StoredKey key : keys) {
            unindex(byKey.remove(key.publicKey()));
            store.deleteKey(key.publicKey());
            changed.add(new Changed(view(key), key.state(), pendingConnection.remove(key.publicKey())));
        }
        return new Change(changed, null);
    }

    /** The connections of pending keys of this identity that said hello (to ask them again now). */
    public List<String> pendingConnections(String identity) {
        List<String> connections = new ArrayList<>();
        for (StoredKey key : byKey.values()) {
            String connection = pendingConnection.get(key.publicKey());
            if (connection != null && PENDING.equals(key.state()) && key.identity().equals(identity)) {
                connections.add(connection);
            }
        }
        return connections;
    }

    /** Every key, by identity then age. */
    public List<KeyView> list() {
        return byKey.values().stream()
                .sorted(Comparator.comparing(StoredKey::identity).thenComparingLong(StoredKey::firstSeen))
                .map(NodeKeys::view)
                .toList();
    }

    private Optional<StoredKey> acceptedKeyOf(String identity) {
        String key = acceptedKeyByIdentity.get(identity);
        return key == null ? Optional.empty() : Optional.ofNullable(byKey.get(key));
    }

    private List<StoredKey> select(String identity, String fingerprint, String... states) {
        List<String> wanted = List.of(states);
        return byKey.values().stream()
                .filter(k -> k.identity().equals(identity) && wanted.contains(k.state()))
                .filter(k -> fingerprint == null || CurveKeys.fingerprint(k.publicKey()).startsWith(fingerprint))
                .sorted(Comparator.comparingLong(StoredKey::firstSeen))
                .toList();
    }

    private boolean roomForPending(String identity) {
        return pendingKeys < maxPending;
    }

    private Admission tooMany(String identity) {
        LOG.warning(() -> "not recording the key of '" + identity + "': " + maxPending + " keys are already pending");
        return Admission.refused("the server already has " + maxPending
                + " pending keys; ask its operator to accept or delete some (director keys list)");
    }

    private void remember(StoredKey key, String connection) {
        save(key);
        if (connection != null) {
            pendingConnection.put(key.publicKey(), connection);
        }
    }

    private void save(StoredKey key) {
        put(key);
        store.upsertKey(key);
    }

    /** Keeps a key in memory with its indexes. */
    private void put(StoredKey key) {
        unindex(byKey.get(key.publicKey()));
        byKey.put(key.publicKey(), key);
        if (ACCEPTED.equals(key.state())) {
            acceptedKeyByIdentity.put(key.identity(), key.publicKey());
        } else if (PENDING.equals(key.state())) {
            pendingKeys++;
        }
    }

    /** Takes a key that is no longer in memory, or is about to change, out of the indexes. */
    private void unindex(StoredKey key) {
        if (key == null) {
            return;
        }
        if (ACCEPTED.equals(key.state())) {
            acceptedKeyByIdentity.remove(key.identity(), key.publicKey());
        } else if (PENDING.equals(key.state())) {
            pendingKeys--;
        }
    }

    /** Keeps when and where a decided key was last seen; written only when where changed (no write per hello). */
    private void seen(StoredKey key, String machineId, String address, long now) {
        StoredKey updated = new StoredKey(key.publicKey(), key.identity(), key.state(), machineId, address,
                key.firstSeen(), now);
        if (java.util.Objects.equals(key.machineId(), machineId) && java.util.Objects.equals(key.address(), address)) {
            put(updated);
        } else {
            save(updated);
        }
    }

    private static String nothingFor(String identity, String fingerprint, String what) {
        return "no " + what + " key for '" + identity + "'"
                + (fingerprint == null ? "" : " with a fingerprint starting with '" + fingerprint + "'")
                + " (see director keys list)";
    }

    private static String fingerprints(List<StoredKey> keys) {
        return String.join(", ", keys.stream().map(k -> CurveKeys.shortFingerprint(k.publicKey())).toList());
    }

    private static KeyView view(StoredKey key) {
        return new KeyView(key.identity(), key.state(), key.publicKey(), CurveKeys.fingerprint(key.publicKey()),
                key.machineId(), key.address(), key.firstSeen(), key.lastSeen());
    }
}
