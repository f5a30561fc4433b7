package io.director.bench.overhead;

/**
 * Per-message figures of one transport, each the median over the rounds.
 *
 * @param security             {@code curve} or {@code none}
 * @param roundTripP50Micros   server sends a dispatch, node answers with the result: median round trip
 * @param roundTripP99Micros   the same, 99th percentile
 * @param nodeToServerPerSecond results a node streams to the server, per second
 * @param serverToNodePerSecond dispatches the server streams to a node, per second
 * @param dispatchBytes        size of the dispatch frame (an ECHO job, JSON)
 * @param resultBytes          size of the result frame
 * @param stalledConnects      measured rounds whose connection took over a second (a handshake interval sat out)
 */
public record OverheadResult(String security, int roundTrips, int messages, int rounds, double roundTripP50Micros,
                             double roundTripP99Micros, double roundTripMeanMicros, double nodeToServerPerSecond,
                             double serverToNodePerSecond, int dispatchBytes, int resultBytes,
                             long stalledConnects) {
}
