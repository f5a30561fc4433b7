package io.director.server;

import io.director.dsl.DirectorVersion;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.WireCodec;
import io.director.server.dispatch.JobDispatcher;
import io.director.server.dispatch.PlanCoordinator;
import io.director.server.dispatch.QueryCoordinator;
import io.director.server.node.Node;
import io.director.server.node.NodeRegistry;
import io.director.server.store.ServerStore;
import io.director.server.transport.InboundHandler;
import io.director.server.transport.Outbound;

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
    private final JobDispatcher dispatcher;
    private final QueryCoordinator queries;
    private final PlanCoordinator plans;
    private final ServerStore store;
    private final Outbound outbound;
    private final long heartbeatMillis;
    private final int outputCap;
    private final Map<Class<? extends Message>, BiConsumer<String, Message>> handlers;
    private long nextFlush;

    NodeMessageHandlers(NodeRegistry registry, JobDispatcher dispatcher, QueryCoordinator queries,
                        PlanCoordinator plans, ServerStore store, Outbound outbound, long heartbeatMillis,
                        int outputCap) {
        this.registry = registry;
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
                Message.Error.class, (r, m) -> LOG.warning(() -> "node " + r + " reports an error: "
                        + ((Message.Error) m).message()));
    }

    @Override
    public void onMessage(String routingId, Message message) {
        BiConsumer<String, Message> handler = handlers.get(message.getClass());
        if (handler == null) {
            String type = WireCodec.typeName(message);
            LOG.warning(() -> "node " + routingId + " sent a '" + type + "', which only the server sends; dropped");
            outbound.send(routingId, new Message.Error("unexpected message type '" + type + "' from a node"));
            return;
        }
        handler.accept(routingId, message);
    }

    @Override
    public void onMalformed(String routingId, String reason) {
        LOG.warning(() -> "dropped a malformed message from " + routingId + ": " + reason);
        outbound.send(routingId, new Message.Error(reason));
    }

    @Override
    public void onTick(long now) {
        List<Node> expired = registry.expireDue(now);
        if (!expired.isEmpty()) {
            dispatcher.expired(expired, now);
            queries.progressed();
            plans.expired(expired);
        }
        if (now >= nextFlush) {
            // Heartbeats are kept in memory and written in one batch per interval, not one write each.
            store.touchNodes(registry.takeUnflushedHeartbeats());
            nextFlush = now + heartbeatMillis;
        }
    }

    private void hello(String routingId, Message.Hello hello) {
        long now = System.currentTimeMillis();
        NodeRegistry.Enrolment enrolment = registry.enrol(routingId, hello, now);
        if (!enrolment.accepted()) {
            LOG.warning(() -> "refused node '" + hello.identity() + "' (" + routingId + "): " + enrolment.refusal());
            outbound.send(routingId, new Message.Refused(enrolment.refusal(), enrolment.retry()));
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

    private void heartbeat(String routingId, Message.Heartbeat heartbeat) {
        Optional<Node> node = registry.heartbeat(routingId, System.currentTimeMillis());
        if (node.isPresent()) {
            outbound.send(routingId, new Message.HeartbeatAck(heartbeat.sentAt()));
        } else {
            outbound.send(routingId, new Message.HelloRequired("this server does not know the connection; say hello"));
        }
    }

    private void fromNode(String routingId, java.util.function.Consumer<Node> work) {
        Optional<Node> node = registry.connectedNode(routingId);
        if (node.isPresent()) {
            work.accept(node.get());
        } else {
            // Results are kept by the node and sent again after its hello, so nothing is lost here.
            outbound.send(routingId, new Message.HelloRequired("say hello before reporting jobs"));
        }
    }
}
