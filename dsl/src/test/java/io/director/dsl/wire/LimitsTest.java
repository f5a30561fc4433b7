package io.director.dsl.wire;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LimitsTest {

    @Test
    void capOutputLeavesTextUnderTheCapUnchanged() {
        assertEquals("hello", Limits.capOutput("hello", 10));
        assertEquals("", Limits.capOutput("", 0));
    }

    @Test
    void capOutputLeavesTextExactlyAtTheCapUnchanged() {
        assertEquals("hello", Limits.capOutput("hello", 5));
    }

    @Test
    void capOutputCutsTextOverTheCapAndNamesTheBytesCut() {
        assertEquals("abcd\n[director: output cut, 6 more bytes not kept]\n", Limits.capOutput("abcdefghij", 4));
    }

    @Test
    void capOutputCountsBytesNotCharacters() {
        // "é" is two bytes in UTF-8: five of them are ten bytes
        assertEquals("éé\n[director: output cut, 6 more bytes not kept]\n", Limits.capOutput("ééééé", 4));
    }

    @Test
    void capOutputTurnsNullIntoEmptyText() {
        assertEquals("", Limits.capOutput(null, 10));
    }

    @Test
    void capOutputNeverCutsInsideACharacter() {
        assertEquals("é\n[director: output cut, 4 more bytes not kept]\n", Limits.capOutput("ééé", 3));
        assertEquals("\n[director: output cut, 4 more bytes not kept]\n", Limits.capOutput("😀", 3));
    }
}
