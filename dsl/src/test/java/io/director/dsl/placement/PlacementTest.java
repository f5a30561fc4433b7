package io.director.dsl.placement;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlacementTest {

    @Test
    void readsTheCommandLineForms() {
        assertEquals(Placement.of("spread"), Placement.parse("spread"));
        assertEquals(Placement.single("n1"), Placement.parse("single:n1"));
        assertEquals("single: n1", Placement.parse("single:n1").describe());
        assertTrue(Placement.parse("once").needsProject());
        assertFalse(Placement.parse("random").needsProject());
    }

    @Test
    void rejectsUnknownStrategiesAndIncompleteOnes() {
        assertEquals("unknown placement 'everywhere' (known: all, random, once, each, single, spread, scale)",
                assertThrows(IllegalArgumentException.class, () -> Placement.parse("everywhere")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Placement.parse("scale")).getMessage()
                .contains("'placement: {scale: {min: N, max: M}}'"));
        assertEquals("placement 'single' needs a node: write 'single: NODE'",
                assertThrows(IllegalArgumentException.class, () -> Placement.parse("single")).getMessage());
    }

    @Test
    void scaleChecksItsBoundsAndThresholds() {
        Placement scale = Placement.scale(1, 3, null, null, null);
        assertEquals(Placement.DEFAULT_STABILIZE_SECONDS, scale.stabilizeSeconds());
        assertEquals("scale 1..3", scale.describe());
        assertThrows(IllegalArgumentException.class, () -> Placement.scale(2, 1, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> Placement.scale(0, 0, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> Placement.scale(1, 2, null, 1.5, null));
        assertThrows(IllegalArgumentException.class, () -> Placement.scale(1, 2, -1.0, null, null));
    }
}
