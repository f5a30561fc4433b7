package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import static io.director.dsl.verb.VerbAssertions.accepts;
import static io.director.dsl.verb.VerbAssertions.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;

class EchoVerbTest {

    @Test
    void acceptsAnyTextOrNothing() {
        assertEquals("hello {{ name }}, \"fine\"", accepts("ECHO", "hello {{ name }}, \"fine\"").payload());
        assertEquals("", accepts("ECHO", "").payload());
        assertEquals("", accepts("ECHO", "--skip-cache").payload());
    }

    @Test
    void rejectsAnUnterminatedQuoteOutsideTemplates() {
        rejects("ECHO", "it's", "unterminated single quote", 3);
    }

    @Test
    void acceptsQuotesInsideATemplate() {
        assertEquals("{{ x | default(\"it's\") }}", accepts("ECHO", "{{ x | default(\"it's\") }}").payload());
    }
}
