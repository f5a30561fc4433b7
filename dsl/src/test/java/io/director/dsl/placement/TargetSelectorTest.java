package io.director.dsl.placement;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetSelectorTest {

    @Test
    void aPlainWordNamesOneNode() {
        TargetSelector name = TargetSelector.parse("web-1");
        assertEquals(TargetSelector.Kind.NAME, name.kind());
        assertTrue(name.matches("web-1", Map.of()));
        assertFalse(name.matches("web-10", Map.of()));
    }

    @Test
    void aGlobMatchesNamesOnly() {
        TargetSelector glob = TargetSelector.parse("web-*");
        assertEquals(TargetSelector.Kind.GLOB, glob.kind());
        assertTrue(glob.matches("web-1", Map.of()));
        assertTrue(glob.matches("web-", Map.of()));
        assertFalse(glob.matches("db-1", Map.of("role", "web")));
        assertTrue(TargetSelector.parse("db-[12]").matches("db-2", Map.of()));
        assertFalse(TargetSelector.parse("db-[12]").matches("db-3", Map.of()));
        assertTrue(TargetSelector.parse("n?").matches("n7", Map.of()));
    }

    @Test
    void aLabelSelectorMatchesTheLabelsValueExactly() {
        TargetSelector label = TargetSelector.parse("label:role=web");
        assertEquals(TargetSelector.Kind.LABEL, label.kind());
        assertTrue(label.matches("anything", Map.of("role", "web", "zone", "a")));
        assertFalse(label.matches("anything", Map.of("role", "webs")));
        assertFalse(label.matches("anything", Map.of()));
        assertTrue(TargetSelector.parse("label:tier=").matches("x", Map.of("tier", "")), "an empty value is a value");
    }

    @Test
    void rejectsBadSelectorsInOneLineNamingThem() {
        assertEquals("label selector 'label:role' needs KEY=VALUE, e.g. 'label:role=web'",
                assertThrows(IllegalArgumentException.class, () -> TargetSelector.parse("label:role")).getMessage());
        assertEquals("label selector 'label:=web' needs KEY=VALUE, e.g. 'label:role=web'",
                assertThrows(IllegalArgumentException.class, () -> TargetSelector.parse("label:=web")).getMessage());
        assertEquals("label selector 'label:a b=c' has an invalid key 'a b': use letters, digits, '.', '_', '/' or '-'",
                assertThrows(IllegalArgumentException.class, () -> TargetSelector.parse("label:a b=c")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TargetSelector.parse("web-["))
                .getMessage().startsWith("target pattern 'web-[' is not a valid glob"));
        assertThrows(IllegalArgumentException.class, () -> TargetSelector.parse(" "));
    }
}
