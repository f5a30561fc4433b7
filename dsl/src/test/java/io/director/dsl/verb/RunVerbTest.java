package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.director.dsl.verb.VerbAssertions.accepts;
import static io.director.dsl.verb.VerbAssertions.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RunVerbTest {

    @Test
    void acceptsAnyCommandWithRetries() {
        JobDefinition definition = accepts("RUN", "--retry 3 dnf install -y {{ packages | join(' ') }}");
        assertEquals(Map.of("retry", 3L), definition.options());
        assertEquals("dnf install -y {{ packages | join(' ') }}", definition.payload());
    }

    @Test
    void rejectsANegativeRetry() {
        rejects("RUN", "--retry=-1 true", "option '--retry' must be 0 or more, got -1", 1);
    }
}
