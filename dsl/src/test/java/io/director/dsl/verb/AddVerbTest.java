package io.director.dsl.verb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static io.director.dsl.verb.VerbAssertions.accepts;
import static io.director.dsl.verb.VerbAssertions.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ADD and COPY share their rules; each case runs for both. */
class AddVerbTest {

    @ParameterizedTest
    @ValueSource(strings = {"ADD", "COPY"})
    void acceptsOneSourceAndAFileDestination(String verb) {
        JobDefinition definition = accepts(verb, "--chown=centos:centos --chmod 0600 id_rsa /home/centos/.ssh/id_rsa");
        assertEquals(Map.of("chown", "centos:centos", "chmod", "0600"), definition.options());
        assertEquals("id_rsa /home/centos/.ssh/id_rsa", definition.payload());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ADD", "COPY"})
    void acceptsSeveralSourcesOrAGlobIntoADirectory(String verb) {
        accepts(verb, "a.conf b.conf /etc/app/");
        accepts(verb, "--blueprint /home/centos/.ssh/* /home/centos/.ssh/");
        accepts(verb, "conf/app-?.yml conf/[ab].yml /etc/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ADD", "COPY"})
    void acceptsTemplatesInPathsOwnerAndMode(String verb) {
        accepts(verb, "app.conf /srv/{{ node.identity }}/app.conf");
        accepts(verb, "a b {{ dest_dir }}");
        accepts(verb, "{{ files[0] }} /etc/app.conf");
        accepts(verb, "--chown {{ user }}:{{ group }} --chmod '{{ mode }}' app.conf /etc/app.conf");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ADD", "COPY"})
    void acceptsNumericAndNamedOwners(String verb) {
        accepts(verb, "--chown 1000 a /b");
        accepts(verb, "--chown 1000:1000 a /b");
        accepts(verb, "--chown _svc-web:www-data a /b");
        accepts(verb, "--chmod 755 a /b");
    }

    @Test
    void rejectsASingleWordNamingTheMissingDestination() {
        rejects("ADD", "id_rsa", "ADD needs a source and a destination, found only 'id_rsa'", 7);
        rejects("COPY", "--blueprint  app.conf ", "COPY needs a source and a destination, found only 'app.conf'", 22);
    }

    @Test
    void rejectsSeveralSourcesIntoAFile() {
        rejects("ADD", "a.conf b.conf /etc/app",
                "ADD has 2 sources, so the destination '/etc/app' must end with '/'", 15);
        rejects("COPY", "--chmod 644 a b c /etc/app",
                "COPY has 3 sources, so the destination '/etc/app' must end with '/'", 19);
    }

    @Test
    void rejectsAGlobIntoAFile() {
        rejects("ADD", "--chown=centos:centos /home/centos/.ssh/* /home/centos/.ssh",
                "ADD source '/home/centos/.ssh/*' is a glob, so the destination '/home/centos/.ssh' must end with '/'", 43);
        rejects("COPY", "conf/app-?.yml /etc/app.yml",
                "COPY source 'conf/app-?.yml' is a glob, so the destination '/etc/app.yml' must end with '/'", 16);
        rejects("ADD", "'conf/[ab].yml' /etc/app.yml",
                "ADD source 'conf/[ab].yml' is a glob, so the destination '/etc/app.yml' must end with '/'", 17);
    }

    @Test
    void rejectsAnOwnerThatIsNotUserOrUserAndGroup() {
        String message = "option '--chown' needs user[:group] (names or numeric ids), got '%s'";
        rejects("ADD", "--blueprint --chown Centos a /b", message.formatted("Centos"), 13);
        rejects("ADD", "--chown=a:b:c a /b", message.formatted("a:b:c"), 1);
        rejects("COPY", "--chown centos: a /b", message.formatted("centos:"), 1);
        rejects("COPY", "--chown :wheel a /b", message.formatted(":wheel"), 1);
        rejects("ADD", "--chown 1000x a /b", message.formatted("1000x"), 1);
    }

    @Test
    void rejectsAModeThatIsNotThreeOrFourOctalDigits() {
        String message = "option '--chmod' needs an octal mode of 3 or 4 digits such as 0644, got '%s'";
        rejects("ADD", "--chown root --chmod 0688 a /b", message.formatted("0688"), 14);
        rejects("COPY", "--chmod=u+x a /b", message.formatted("u+x"), 1);
        rejects("ADD", "--chmod 64 a /b", message.formatted("64"), 1);
        rejects("ADD", "--chmod 00644 a /b", message.formatted("00644"), 1);
    }

    @Test
    void refusesSpecialModeBitsAndTreatsBracesAsAGlob() throws Exception {
        DslException special = assertThrows(DslException.class,
                () -> JobParser.standard().parse("ADD", "--chmod 1777 /src/a /dst/a"));
        assertEquals("option '--chmod' may not set setuid, setgid or sticky bits, got '1777'", special.getMessage());
        DslException braces = assertThrows(DslException.class,
                () -> JobParser.standard().parse("ADD", "/etc/conf.{a,b} /dst/x"));
        assertTrue(braces.getMessage().contains("end with '/'"), braces.getMessage());
    }
}
