package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import static io.director.dsl.verb.VerbAssertions.accepts;
import static io.director.dsl.verb.VerbAssertions.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvVerbTest {

    @Test
    void acceptsAKeyAndAValue() {
        assertEquals("PATH /usr/local/bin:/usr/bin", accepts("ENV", "PATH /usr/local/bin:/usr/bin").payload());
        assertEquals("_X \"a b\" c", accepts("ENV", "_X \"a b\" c").payload());
        assertTrue(accepts("ENV", "HOME {{ home }}").options().isEmpty());
    }

    @Test
    void allowsTheNameNodeBecauseOnlyArgsAreTemplateVariables() {
        accepts("ENV", "node x");
    }

    @Test
    void rejectsAKeyThatIsNotAName() {
        rejects("ENV", "LC-ALL C", "ENV key 'LC-ALL' is not a valid name: use letters, digits and '_', "
                + "not starting with a digit", 1);
        rejects("ENV", "--skip-cache 9X y", "ENV key '9X' is not a valid name: use letters, digits and '_', "
                + "not starting with a digit", 14);
    }

    @Test
    void rejectsATemplateAsTheKey() {
        rejects("ENV", "{{ key }} value", "ENV key '{{ key }}' cannot be a template: write the name itself", 1);
    }

    @Test
    void rejectsAKeyWithoutAValue() {
        rejects("ENV", "--timeout 5 LANG", "ENV 'LANG' needs a value after the key", 17);
    }

    @Test
    void rejectsAnOptionOfAnotherVerb() {
        rejects("ENV", "--extend-args A b", "unknown option '--extend-args' for ENV", 1);
    }
}
