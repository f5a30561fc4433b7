package io.director.bench.storm;

import java.util.Map;

/**
 * One reconnect storm's figures. Times are seconds; "swarm" times end when the last node received
 * its welcome, "api" times when the server's node list showed every node alive and said hello to
 * the current server instance (both from the same start instant).
 *
 * @param security             {@code curve} or {@code none}
 * @param swarmThreads         threads driving the swarm's nodes
 * @param nodesPerContext      swarm nodes sharing one ZContext (1: each its own)
 * @param coldSeconds          first start: until every new node was welcomed
 * @param coldApiSeconds       first start: until the node list showed all of them
 * @param echoSeconds          after the storm: one ECHO job to every node, until all results were stored
 * @param echoSucceeded        how many nodes' ECHO results were stored as success
 * @param closeSeconds         closing the first server
 * @param startSeconds         starting the second server on the same datastore and ports
 * @param recoverySeconds      from that start until every node was welcomed again
 * @param recoveryApiSeconds   from that start until the node list showed every node back
 * @param handshakesPerSecond  nodes ÷ recoverySeconds (each came back through one CURVE handshake, or TCP connect)
 * @param serverCpuSeconds     CPU of the restarted server's threads (and of start() itself) until recovery
 * @param serverCpuMillisPerNode serverCpuSeconds × 1000 ÷ nodes
 * @param processCpuSeconds    CPU of the whole JVM (server, swarm, GC, JIT) over the same span
 * @param serverThreads        how many threads the restarted server runs (what serverCpuSeconds sums)
 * @param stormCounters        what the swarm's nodes did from the restart until recovery
 * @param failure              why the run did not complete, or null
 */
public record StormResult(String security, int nodes, int swarmThreads, int nodesPerContext, double heartbeatSeconds,
                          double coldSeconds, double coldApiSeconds, double echoSeconds, long echoSucceeded,
                          double closeSeconds, double startSeconds, double recoverySeconds,
                          double recoveryApiSeconds, double handshakesPerSecond, double serverCpuSeconds,
                          double serverCpuMillisPerNode, double processCpuSeconds, int serverThreads,
                          Map<String, Long> stormCounters, String failure) {

    public boolean completed() {
        return failure == null;
    }
}
