package io.director.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One-line logs on stderr: the daemons log state changes at info; user commands only warnings. */
public final class LogSetup {

    private LogSetup() {
    }

    public static void configure(Level level) {
        LogManager manager = LogManager.getLogManager();
        if (manager instanceof DirectorLogManager ours) {
            ours.resetNow();
        } else {
            manager.reset();
        }
        Logger root = Logger.getLogger("");
        Handler handler = new ConsoleHandler();
        handler.setLevel(level);
        handler.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord record) {
                String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
                String shortName = logger.substring(logger.lastIndexOf('.') + 1);
                StringBuilder line = new StringBuilder()
                        .append(java.time.Instant.ofEpochMilli(record.getMillis()))
                        .append(' ').append(record.getLevel().getName())
                        .append(' ').append(shortName).append(": ").append(formatMessage(record)).append('\n');
                if (record.getThrown() != null && level.intValue() <= Level.FINE.intValue()) {
                    java.io.StringWriter trace = new java.io.StringWriter();
                    record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                    line.append(trace);
                }
                return line.toString();
            }
        });
        root.addHandler(handler);
        root.setLevel(level);
        // JeroMQ and the JDBC driver are quiet unless debugging.
        Logger.getLogger("org.zeromq").setLevel(level.intValue() <= Level.FINE.intValue() ? level : Level.WARNING);
    }
}
