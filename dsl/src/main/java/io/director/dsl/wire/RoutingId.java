package io.director.dsl.wire;

/**
 * The ZeroMQ routing id a node's DEALER uses: its identity and machine id. Two machines that
 * claim one identity thus hold two connections, and the server can refuse the second by name
 * instead of ZeroMQ silently handing the identity from one to the other.
 */
public final class RoutingId {

    private RoutingId() {
    }

    public static String of(String identity, String machineId) {
        return identity + "@" + machineId;
    }
}
