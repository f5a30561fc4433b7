package io.director.bench.swarm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What a swarm's nodes did, summed over all of them; written by driver threads, read by anyone. */
final class SwarmCounters {

    final LongAdder sockets = new LongAdder();
    final LongAdder hellos = new LongAdder();
    final LongAdder welcomes = new LongAdder();
    final LongAdder helloRequired = new LongAdder();
    final LongAdder heartbeats = new LongAdder();
    final LongAdder heartbeatAcks = new LongAdder();
    final LongAdder refusals = new LongAdder();
    final LongAdder silentServer = new LongAdder();
    final LongAdder echoes = new LongAdder();
    final LongAdder resultAcks = new LongAdder();
    final LongAdder jobsIgnored = new LongAdder();
    final LongAdder unsent = new LongAdder();
    final LongAdder errors = new LongAdder();

    /** The counters by name, for reports. */
    Map<String, Long> snapshot() {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("sockets_opened", sockets.sum());
        values.put("hellos", hellos.sum());
        values.put("welcomes", welcomes.sum());
        values.put("hello_required", helloRequired.sum());
        values.put("heartbeats", heartbeats.sum());
        values.put("heartbeat_acks", heartbeatAcks.sum());
        values.put("refusals", refusals.sum());
        values.put("silent_server_reconnects", silentServer.sum());
        values.put("echo_results", echoes.sum());
        values.put("result_acks", resultAcks.sum());
        values.put("jobs_ignored", jobsIgnored.sum());
        values.put("unsent", unsent.sum());
        values.put("errors", errors.sum());
        return values;
    }
}
