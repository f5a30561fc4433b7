package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import static io.director.dsl.verb.VerbAssertions.accepts;
import static io.director.dsl.verb.VerbAssertions.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CachefileVerbTest {

    @Test
    void acceptsOnePathTemplatesIncluded() {
        assertEquals("/etc/facts.yaml", accepts("CACHEFILE", "/etc/facts.yaml").payload());
        accepts("CACHEFILE", "/etc/{{ node.identity }}.json");
        accepts("CACHEFILE", "\"/etc/my facts.yaml\"");
    }

    @Test
    void rejectsASecondWord() {
        rejects("CACHEFILE", "--run-once /etc/a.yaml /etc/b.yaml",
                "CACHEFILE takes exactly one path, found another word '/etc/b.yaml' (quote a path that contains blanks)",
                24);
    }

    @Test
    void rejectsAMissingPath() {
        rejects("CACHEFILE", "", "CACHEFILE needs a payload after its options", 1);
    }
}
