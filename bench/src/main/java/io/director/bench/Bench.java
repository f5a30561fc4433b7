package io.director.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The benchmark harness (docs/performance.md): each sub-command runs one scenario against real
 * sockets in this JVM, prints a table and writes the figures as JSON.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Director benchmarks: real servers and client processes, or a swarm of simulated nodes against an in-process server.",
        subcommands = {StormCommand.class, OverheadCommand.class, ThroughputCommand.class,
                FootprintCommand.class, FanoutCommand.class, ScaleCommand.class, TransferCommand.class,
                SwarmCommand.class})
public final class Bench {

    /** A scenario ran, but did not complete (a phase timed out); its JSON says where. */
    static final int EXIT_INCOMPLETE = 1;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The parser, as main uses it (tests run it with their own writers). */
    static CommandLine commandLine() {
        return new CommandLine(new Bench());
    }

    /**
     * Logs on stderr: warnings only, unless asked for more. The server logs every node's
     * enrolment at info, which for a thousand nodes would cost more than it tells.
     */
    static void configureLogging(boolean verbose) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        LogManager.getLogManager().reset();
        Level level = verbose ? Level.INFO : Level.WARNING;
        Handler handler = new ConsoleHandler();
        handler.setLevel(level);
        handler.setFormatter(new SimpleFormatter());
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        root.setLevel(level);
        Logger.getLogger("org.zeromq").setLevel(Level.WARNING);
    }
}
