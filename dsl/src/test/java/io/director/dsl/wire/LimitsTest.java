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
    void capOutputKeepsTheMarkerOfTextAlreadyCutToTheCap() {
        // A node cut 100 MB to the cap: the server, capping again, must keep the node's count.
        String fromNode = "abcd" + Limits.cutMarker(99_999_996);
        assertEquals(fromNode, Limits.capOutput(fromNode, 4));
        // More than the cap before a marker is cut as any text is.
        String tooLong = "abcdef" + Limits.cutMarker(10);
        assertEquals("abcd" + Limits.cutMarker(tooLong.length() - 4), Limits.capOutput(tooLong, 4));
        // Text that only looks like a marker somewhere in the middle is not one.
        String fake = "ab\n[director: output cut, 5 more bytes not kept]\nxyz";
        assertEquals("ab\n[" + Limits.cutMarker(fake.length() - 4), Limits.capOutput(fake, 4));
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
