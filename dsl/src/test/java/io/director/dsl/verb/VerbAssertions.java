package io.director.dsl.verb;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/** Parses job lines with the standard parser and checks the outcome, message and column included. */
final class VerbAssertions {

    private VerbAssertions() {
    }

    static JobDefinition accepts(String verb, String arguments) {
        try {
            return JobParser.standard().parse(verb, arguments);
        } catch (DslException e) {
            return fail(verb + " " + arguments + " was rejected: " + e.getMessage() + " (column " + e.column() + ")");
        }
    }

    static void rejects(String verb, String arguments, String message, int column) {
        DslException e = assertThrows(DslException.class, () -> JobParser.standard().parse(verb, arguments),
                verb + " " + arguments);
        assertAll(verb + " " + arguments,
                () -> assertEquals(message, e.getMessage()),
                () -> assertEquals(column, e.column()));
    }
}
