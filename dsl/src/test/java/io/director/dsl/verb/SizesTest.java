package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizesTest {

    @Test
    void suffixesArePowersOf1024() {
        assertEquals(4096, Sizes.bytes("4096"));
        assertEquals(2048, Sizes.bytes("2K"));
        assertEquals(64L << 20, Sizes.bytes("64M"));
        assertEquals(1L << 30, Sizes.bytes("1G"));
        assertEquals(3L << 40, Sizes.bytes("3T"));
    }

    @Test
    void whatIsNotASizeIsMinusOne() {
        for (String text : new String[] {"", "1.5G", "1g", "G", "-1M", "1 G", "1GB", "999999999999999T"}) {
            assertEquals(-1, Sizes.bytes(text), text);
        }
    }

    @Test
    void sameComparesBytesNotText() {
        assertTrue(Sizes.same("1G", "1024M"));
        assertTrue(Sizes.same("20G", "20480M"));
        assertTrue(Sizes.same("1M", "1048576"));
        assertTrue(Sizes.same(null, null));
        assertFalse(Sizes.same("1G", "1025M"));
        assertFalse(Sizes.same("1G", null));
        assertFalse(Sizes.same(null, "1G"));
        // text that is not a size is only ever equal to the same text
        assertTrue(Sizes.same("lots", "lots"));
        assertFalse(Sizes.same("lots", "1G"));
    }

    @Test
    void equalSizesHashAlike() {
        assertEquals(Sizes.hash("1G"), Sizes.hash("1024M"));
        assertEquals(Sizes.hash("20G"), Sizes.hash("20480M"));
        assertEquals(0, Sizes.hash(null));
    }
}
