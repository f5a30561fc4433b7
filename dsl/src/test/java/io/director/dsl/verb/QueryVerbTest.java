package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import static io.director.dsl.verb.VerbAssertions.accepts;
import static io.director.dsl.verb.VerbAssertions.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;

class QueryVerbTest {

    @Test
    void acceptsOneArgName() {
        assertEquals("ip_address", accepts("QUERY", "ip_address").payload());
        accepts("QUERY", "--timeout 30 node");
    }

    @Test
    void rejectsASecondWord() {
        rejects("QUERY", "ip hostname", "QUERY takes exactly one ARG name, found another word 'hostname'", 4);
    }

    @Test
    void rejectsANameThatIsNotAnArgName() {
        rejects("QUERY", "ip-address", "QUERY name 'ip-address' is not a valid name: use letters, digits and '_', "
                + "not starting with a digit", 1);
        rejects("QUERY", " {{ which }}", "QUERY name '{{ which }}' cannot be a template: write the name itself", 2);
    }
}
