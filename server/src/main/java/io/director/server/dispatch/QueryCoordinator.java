package io.director.server.dispatch;

import io.director.dsl.wire.Message;
import io.director.dsl.wire.NodeState;
import io.director.server.node.Node;
import io.director.server.node.NodeRegistry;
import io.director.server.store.ServerStore;
import io.director.server.transport.Outbound;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Gathers the answers of a QUERY job's targets and, once every target has answered or
 * finished otherwise (failed, expired), sends all of them the collected values. Loop thread
 * only. State is in memory: after a server restart the nodes, which repeat their value until
 * answered, rebuild it.
 */
public final class QueryCoordinator {

    private static final Logger LOG = Logger.getLogger(QueryCoordinator.class.getName());

    private final ServerStore store;
    private final NodeRegistry registry;
    private final Outbound outbound;
    private final Map<String, Round> rounds = new HashMap<>();

    public QueryCoordinator(ServerStore store, NodeRegistry registry, Outbound outbound) {
        this.store = store;
        this.registry = registry;
        this.outbound = outbound;
    }

    /** One QUERY job's answers so far. */
    private static final class Round {
        final String name;
        final Map<String, Object> values = new LinkedHashMap<>();
        Message.QueryAnswer answer;

        Round(String name) {
            this.name = name;
        }
    }

    public void value(Node node, Message.QueryValue value) {
        Round round = rounds.get(value.jobId());
        if (round == null) {
            var job = store.findJob(value.jobId(), false);
            if (job.isEmpty() || !job.get().nodes().containsKey(node.identity())
                    || !job.get().job().definition().verb().equals("QUERY")) {
                LOG.warning(() -> "node " + node.identity() + " answered QUERY " + value.jobId()
                        + ", which is not a QUERY job sent to it; dropped");
                return;
            }
            round = new Round(job.get().job().definition().payloadWords().get(0));
            rounds.put(value.jobId(), round);
        }
        if (!store.targetStates(value.jobId()).containsKey(node.identity())) {
            LOG.warning(() -> "node " + node.identity() + " is no target of QUERY " + value.jobId() + "; dropped");
            return;
        }
        if (round.answer != null) {
            // It asked again: the answer was lost (reconnect); send it once more.
            outbound.send(node.routingId(), round.answer);
            return;
        }
        round.values.put(node.identity(), value.value());
        complete(value.jobId(), round);
    }

    /** A result arrived or nodes expired: rounds waiting for those nodes may now be complete. */
    public void progressed() {
        Iterator<Map.Entry<String, Round>> it = rounds.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Round> entry = it.next();
            Map<String, NodeState> states = store.targetStates(entry.getKey());
            if (states.isEmpty() || states.values().stream().allMatch(NodeState::isFinal)) {
                it.remove();
            } else if (entry.getValue().answer == null) {
                complete(entry.getKey(), entry.getValue());
            }
        }
    }

    private void complete(String jobId, Round round) {
        Map<String, NodeState> states = store.targetStates(jobId);
        for (Map.Entry<String, NodeState> target : states.entrySet()) {
            if (!round.values.containsKey(target.getKey()) && !target.getValue().isFinal()) {
                return; // still waiting for this one
            }
        }
        round.answer = new Message.QueryAnswer(jobId, round.name, round.values);
        for (String identity : List.copyOf(round.values.keySet())) {
            registry.find(identity).ifPresent(n -> outbound.send(n.routingId(), round.answer));
        }
        LOG.info(() -> "QUERY " + jobId + " answered by " + round.values.size() + " node(s)");
    }
}
