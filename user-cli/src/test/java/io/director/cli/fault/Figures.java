package io.director.cli.fault;

import java.util.Locale;

/**
 * The figures a fault case measures, printed one per line so a run can be reported
 * ({@code grep '^fault-figure'} in the test output).
 */
final class Figures {

    private Figures() {
    }

    static void print(String fault, String what, String value) {
        System.out.println("fault-figure | " + fault + " | " + what + " | " + value);
    }

    static String millis(long millis) {
        return String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
    }
}
