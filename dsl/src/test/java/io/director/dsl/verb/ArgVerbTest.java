package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.director.dsl.verb.VerbAssertions.accepts;
import static io.director.dsl.verb.VerbAssertions.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ArgVerbTest {

    @Test
    void acceptsAKeyAndAValueOfOneOrMoreWords() {
        assertEquals("greeting hello", accepts("ARG", "greeting hello").payload());
        assertEquals("_list2 [a, b, c]", accepts("ARG", "_list2 [a, b, c]").payload());
        assertEquals("Mixed_Case 'two words'", accepts("ARG", "Mixed_Case 'two words'").payload());
    }

    @Test
    void acceptsATemplateAsTheValue() {
        assertEquals("dir /srv/{{ node.identity }}", accepts("ARG", "dir /srv/{{ node.identity }}").payload());
        assertEquals("x {{ y | default('a b') }}", accepts("ARG", "x {{ y | default('a b') }}").payload());
    }

    @Test
    void keepsTheExtendArgsFlag() {
        assertEquals(Map.of("extend-args", true), accepts("ARG", "--extend-args packages [vim]").options());
    }

    @Test
    void rejectsAKeyThatIsNotAName() {
        rejects("ARG", "--extend-args 1st value", "ARG key '1st' is not a valid name: use letters, digits and '_', "
                + "not starting with a digit", 15);
        rejects("ARG", "my-key value", "ARG key 'my-key' is not a valid name: use letters, digits and '_', "
                + "not starting with a digit", 1);
        rejects("ARG", "'two words' value", "ARG key 'two words' is not a valid name: use letters, digits and '_', "
                + "not starting with a digit", 1);
    }

    @Test
    void rejectsATemplateAsTheKey() {
        rejects("ARG", "{{x}} value", "ARG key '{{x}}' cannot be a template: write the name itself", 1);
        rejects("ARG", "--run-once {{ name }} value",
                "ARG key '{{ name }}' cannot be a template: write the name itself", 12);
    }

    @Test
    void rejectsTheReadOnlyNodeVariable() {
        rejects("ARG", "node {a: 1}", "ARG key 'node' is read-only (every node sets it itself); choose another name", 1);
        rejects("ARG", "  node", "ARG key 'node' is read-only (every node sets it itself); choose another name", 3);
    }

    @Test
    void acceptsNamesThatOnlyContainNode() {
        accepts("ARG", "nodes [a]");
        accepts("ARG", "Node x");
    }

    @Test
    void rejectsAKeyWithoutAValuePointingAfterTheKey() {
        rejects("ARG", "greeting", "ARG 'greeting' needs a value after the key", 9);
        rejects("ARG", "--extend-args  greeting  ", "ARG 'greeting' needs a value after the key", 24);
    }

    @Test
    void rejectsAMissingPayloadAsEveryVerbDoes() {
        rejects("ARG", "--extend-args", "ARG needs a payload after its options", 14);
    }
}
