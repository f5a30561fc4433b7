package io.director.bench;

import io.director.bench.swarm.FileDescriptors;
import io.director.bench.swarm.Swarm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * {@code bench swarm}: one share of a swarm, in its own process, for {@code bench scale}: each
 * process may hold only as many sockets as its file descriptor limit allows. Prints
 * {@code enrolled MILLIS} once every node of this share was welcomed, then keeps them
 * heartbeating until its standard input closes.
 */
@Command(name = "swarm", hidden = true, mixinStandardHelpOptions = true,
        description = "One share of a swarm of simulated nodes, run by 'bench scale' in a process of its own.")
final class SwarmCommand implements Callable<Integer> {

    @Option(names = "--nodes", required = true)
    int nodes;

    @Option(names = "--job-port", required = true)
    int jobPort;

    @Option(names = "--shared-key", required = true)
    String sharedKey;

    @Option(names = "--server-key", required = true)
    String serverKey;

    @Option(names = "--heartbeat-millis", required = true)
    long heartbeatMillis;

    @Option(names = "--nodes-per-thread", defaultValue = "500")
    int nodesPerThread;

    @Option(names = "--seed", required = true)
    long seed;

    @Option(names = "--first-index", defaultValue = "0")
    int firstIndex;

    @Option(names = "--timeout-millis", defaultValue = "600000")
    long timeoutMillis;

    @Override
    public Integer call() throws Exception {
        Bench.configureLogging(false);
        PrintStream out = System.out;
        int perContext = FileDescriptors.nodesPerContext(nodes, FileDescriptors.available());
        long start = System.currentTimeMillis();
        try (Swarm swarm = Swarm.start(new Swarm.Config(nodes, "127.0.0.1", jobPort, sharedKey, serverKey,
                heartbeatMillis, nodesPerThread, perContext, seed, firstIndex))) {
            OptionalLong all;
            while ((all = swarm.allWelcomedSince(start)).isEmpty()) {
                if (System.currentTimeMillis() - start > timeoutMillis) {
                    out.println("incomplete " + swarm.welcomedSince(start));
                    out.flush();
                    return Bench.EXIT_INCOMPLETE;
                }
                Thread.sleep(100);
            }
            out.println("enrolled " + all.getAsLong());
            out.flush();
            // Heartbeating goes on in the swarm's threads until the parent closes our input.
            while (System.in.read() >= 0) {
                // nothing to read; the parent never writes
            }
        }
        return 0;
    }
}
