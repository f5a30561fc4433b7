package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.director.dsl.verb.VerbAssertions.accepts;
import static io.director.dsl.verb.VerbAssertions.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkdirVerbTest {

    @Test
    void acceptsOnePathWithOwnerAndMode() {
        JobDefinition definition = accepts("WORKDIR", "--chown centos --chmod 0700 /home/centos/.ssh");
        assertEquals(Map.of("chown", "centos", "chmod", "0700"), definition.options());
        assertEquals("/home/centos/.ssh", definition.payload());
    }

    @Test
    void acceptsAQuotedPathWithBlanks() {
        assertEquals(java.util.List.of("/srv/my data"), accepts("WORKDIR", "'/srv/my data'").payloadWords());
    }

    @Test
    void acceptsATemplateWithBlanksAsOnePath() {
        JobDefinition definition = accepts("WORKDIR", "/srv/{{ node.identity }}");
        assertEquals("/srv/{{ node.identity }}", definition.payload());
        assertEquals(java.util.List.of("/srv/{{ node.identity }}"), definition.payloadWords());
        accepts("WORKDIR", "{% if x %}/a{% else %}/b{% endif %}");
    }

    @Test
    void rejectsASecondWord() {
        rejects("WORKDIR", "/srv/my data",
                "WORKDIR takes exactly one path, found another word 'data' (quote a path that contains blanks)", 9);
        rejects("WORKDIR", "--chmod 755 /srv/{{ name }} /tmp",
                "WORKDIR takes exactly one path, found another word '/tmp' (quote a path that contains blanks)", 29);
    }

    @Test
    void rejectsABadOwnerOrMode() {
        rejects("WORKDIR", "--chmod 755 --chown 'web server' /srv",
                "option '--chown' needs user[:group] (names or numeric ids), got 'web server'", 13);
        rejects("WORKDIR", "--chmod=rwx /srv",
                "option '--chmod' needs an octal mode of 3 or 4 digits such as 0644, got 'rwx'", 1);
    }

    @Test
    void rejectsOptionsOfAdd() {
        rejects("WORKDIR", "--blueprint /srv", "unknown option '--blueprint' for WORKDIR", 1);
    }
}
