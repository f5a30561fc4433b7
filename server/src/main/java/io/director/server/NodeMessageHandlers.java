package io.director.server;

import io.director.dsl.DirectorVersion;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.WireCodec;
import io.director.server.dispatch.DeploymentKeeper;
import io.director.server.dispatch.JobDispatcher;
import io.director.server.dispatch.PlanCoordinator;
import io.director.server.dispatch.QueryCoordinator;
import io.director.server.node.Node;
import io.director.server.node.NodeKeys;
import io.director.server.node.NodeRegistry;
import io.director.server.store.ServerStore;
import io.director.server.transport.InboundHandler;
import io.director.server.transport.Outbound;
import io.director.server.transport.Peer;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * What the server does with each message type from nodes: a lookup table filled once, so a
 * new message type is one line here and one handler method. Runs on the loop thread.
 */
final class NodeMessageHandlers implements InboundHandler {

    private static final Logger LOG = Logger.getLogger(NodeMessageHandlers.class.getName());

    private final NodeRegistry registry;
    private final NodeKeys keys;
    private final JobDispatcher dispatcher;
    private final QueryCoordinator queries;
    private final PlanCoordinator plans;
    private final DeploymentKeeper deployments;
    private final ServerStore store;
    private final Outbound outbound;
    private final long heartbeatMillis;
    private final int outputCap;
    private final Map<Class<? extends Message>, BiConsumer<Peer, Message>> handlers;
    private long nextFlush;
    /**
     * Heartbeat answers not sent yet: connections and the {@code sent_at} each echoes. They go
     * out together on the next tick (at most 250 ms late; a node gives up on a silent server only
     * after three intervals). One burst costs JeroMQ's I/O thread one pass over its sockets where
     * an answer sent at once costs two (it re-registers every socket's interest after each change
     * of one), which grows with the node count: 10,000 nodes made that most of the server's CPU.
     */
    private String[] ackConnections = new String[64];
    private long[] ackSentAt = new long[64];
    private int acks;

    /** @param keys the enrolled keys, or null without encryption (nodes are then enrolled by hello alone) */
    NodeMessageHandlers(NodeRegistry registry, NodeKeys keys, JobDispatcher dispatcher, QueryCoordinator queries,
                        PlanCoordinator plans, DeploymentKeeper deployments, ServerStore store, Outbound outbound,
                        long heartbeatMillis, int outputCap) {
        this.deployments = deployments;
        this.registry = registry;
        this.keys = keys;
        this.dispatcher = dispatcher;
        this.queries = queries;
        this.plans = plans;
        this.store = store;
        this.outbound = outbound;
        this.heartbeatMillis = heartbeatMillis;
        this.outputCap = outputCap;
        this.handlers = Map.of(
                Message.Hello.class, (r, m) -> hello(r, (Message.Hello) m),
                Message.Heartbeat.class, (r, m) -> heartbeat(r, (Message.Heartbeat) m),
                Message.Started.class, (r, m) -> fromNode(r, node -> dispatcher.started(node, (Message.Started) m)),
                Message.Result.class, (r, m) -> fromNode(r, node -> {
                    dispatcher.result(node, ((Message.Result) m).result(), System.currentTimeMillis());
                    queries.progressed();
                }),
                Message.QueryValue.class, (r, m) -> fromNode(r, node -> queries.value(node, (Message.QueryValue) m)),
                Message.PlanReply.class, (r, m) -> fromNode(r, node -> plans.reply(node, (Message.PlanReply) m)),
                Message.Error.class, (r, m) -> LOG.warning(() -> "node " + describe(r) + " reports an error: "
                        + ((Message.Error) m).message()));
    }

    @Override
    public void onMessage(Peer peer, Message message) {
        BiConsumer<Peer, Message> handler = handlers.get(message.getClass());
        if (handler == null) {
            String type = WireCodec.typeName(message);
            LOG.warning(() -> "node " + describe(peer) + " sent a '" + type + "', which only the server sends; dropped");
            outbound.send(peer.connection(), new Message.Error("unexpected message type '" + type + "' from a node"));
            return;
        }
        handler.accept(peer, message);
    }

    @Override
    public void onMalformed(Peer peer, String reason) {
        LOG.warning(() -> "dropped a malformed message from " + describe(peer) + ": " + reason);
        outbound.send(peer.connection(), new Message.Error(reason));
    }

    /** For logs: the node's identity when the connection is enrolled, and where it comes from. */
    private String describe(Peer peer) {
        return registry.connectedNode(peer.connection()).map(n -> "'" + n.identity() + "' (" + peer.describe() + ")")
                .orElse(peer.describe());
    }

    @Override
    public void onTick(long now) {
        sendAcks();
        List<Node> expired = registry.expireDue(now);
        if (!expired.isEmpty()) {
            dispatcher.expired(expired, now);
            queries.progressed();
            plans.expired(expired);
        }
        deployments.tick(now);
        if (now >= nextFlush) {
            // Heartbeats are kept in memory and written in one batch per interval, not one write each.
            store.touchNodes(registry.takeUnflushedHeartbeats());
            nextFlush = now + heartbeatMillis;
        }
    }

    private void hello(Peer peer, Message.Hello hello) {
        long now = System.currentTimeMillis();
        String routingId = peer.connection();
        if (keys != null) {
            if (peer.publicKey() == null) {
                // Cannot happen on a CURVE socket; refuse rather than enrol a node with no key.
                outbound.send(routingId, new Message.Refused("this server requires encryption", false));
                return;
            }
            java.util.Optional<String> invalid = registry.check(hello, peer.publicKey());
            if (invalid.isPresent()) {
                refuse(peer, hello, invalid.get(), false);
                return;
            }
            NodeKeys.Admission admission = keys.admit(hello.identity(), hello.machineId(), peer.publicKey(),
                    peer.address(), routingId, registry.hasSharedKey(), now);
            if (!admission.accepted()) {
                refuse(peer, hello, admission.refusal(), true);
                return;
            }
        }
        NodeRegistry.Enrolment enrolment = registry.enrol(routingId, peer.publicKey(), hello, now);
        if (!enrolment.accepted()) {
            refuse(peer, hello, enrolment.refusal(), enrolment.retry());
            return;
        }
        Node node = enrolment.node();
        store.upsertNode(registry.toStored(node));
        LOG.info(() -> "node " + node.identity() + (enrolment.firstTime() ? " enrolled" : " connected")
                + " (version " + hello.version() + ", machine " + hello.machineId() + ")");
        outbound.send(routingId, new Message.Welcome(DirectorVersion.PROTOCOL, DirectorVersion.version(),
                heartbeatMillis, outputCap));
        dispatcher.resend(node, now);
    }

    private void refuse(Peer peer, Message.Hello hello, String reason, boolean retry) {
        LOG.warning(() -> "refused node '" + hello.identity() + "' (" + peer.describe() + "): " + reason);
        outbound.send(peer.connection(), new Message.Refused(reason, retry));
    }

    private void heartbeat(Peer peer, Message.Heartbeat heartbeat) {
        Optional<Node> node = registry.heartbeat(peer.connection(), heartbeat.report(), System.currentTimeMillis());
        if (node.isPresent()) {
            if (heartbeat.answerWanted()) {
                queueAck(peer.connection(), heartbeat.sentAt());
            }
        } else {
            outbound.send(peer.connection(),
                    new Message.HelloRequired("this server does not know the connection; say hello"));
        }
    }

    private void queueAck(String connection, long sentAt) {
        if (acks == ackConnections.length) {
            ackConnections = java.util.Arrays.copyOf(ackConnections, acks * 2);
            ackSentAt = java.util.Arrays.copyOf(ackSentAt, acks * 2);
        }
        ackConnections[acks] = connection;
        ackSentAt[acks] = sentAt;
        acks++;
    }

    /** Sends the queued heartbeat answers in one burst (a node gone meanwhile just misses its own). */
    private void sendAcks() {
        for (int i = 0; i < acks; i++) {
            outbound.send(ackConnections[i], new Message.HeartbeatAck(ackSentAt[i]));
            ackConnections[i] = null;
        }
        acks = 0;
    }

    private void fromNode(Peer peer, java.util.function.Consumer<Node> work) {
        // The connection is the ROUTER's own routing id, enrolled by a hello whose key was checked.
        Optional<Node> node = registry.connectedNode(peer.connection());
        if (node.isPresent()) {
            work.accept(node.get());
        } else {
            // Results are kept by the node and sent again after its hello, so nothing is lost here.
            outbound.send(peer.connection(), new Message.HelloRequired("say hello before reporting jobs"));
        }
    }
}
