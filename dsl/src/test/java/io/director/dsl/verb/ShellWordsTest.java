package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShellWordsTest {

    private static ShellWords.Word word(String text, int start, int end) {
        return new ShellWords.Word(text, start, end);
    }

    @Test
    void splitsOnSpacesTabsAndNewlinesWithOffsets() throws DslException {
        assertEquals(List.of(word("echo", 2, 6), word("a", 8, 9), word("bc", 10, 12)),
                ShellWords.split("  echo \ta\nbc\r\n"));
    }

    @Test
    void givesNoWordsForAnEmptyOrBlankString() throws DslException {
        assertTrue(ShellWords.split("").isEmpty());
        assertTrue(ShellWords.split(" \t\n ").isEmpty());
    }

    @Test
    void keepsEverythingInsideSingleQuotesLiterally() throws DslException {
        // 'a "b" \n $x' c
        assertEquals(List.of(word("a \"b\" \\n $x", 0, 13), word("c", 14, 15)),
                ShellWords.split("'a \"b\" \\n $x' c"));
    }

    @Test
    void honoursBackslashInsideDoubleQuotesOnlyBeforeSpecialCharacters() throws DslException {
        // "a \"b\" \$x \\ \n \`" -> a "b" $x \ \n `
        String source = "\"a \\\"b\\\" \\$x \\\\ \\n \\`\"";
        assertEquals(List.of(word("a \"b\" $x \\ \\n `", 0, source.length())), ShellWords.split(source));
    }

    @Test
    void dropsBackslashNewlineInsideDoubleQuotes() throws DslException {
        assertEquals(List.of(word("ab", 0, 6)), ShellWords.split("\"a\\\nb\""));
    }

    @Test
    void backslashOutsideQuotesEscapesTheNextCharacter() throws DslException {
        // a\ b c\'d
        assertEquals(List.of(word("a b", 0, 4), word("c'd", 5, 9)), ShellWords.split("a\\ b c\\'d"));
    }

    @Test
    void backslashNewlineOutsideQuotesJoinsTheLines() throws DslException {
        assertEquals(List.of(word("ab", 0, 4)), ShellWords.split("a\\\nb"));
    }

    @Test
    void trailingBackslashIsDropped() throws DslException {
        assertEquals(List.of(word("a", 0, 2)), ShellWords.split("a\\"));
    }

    @Test
    void joinsAdjacentQuotedAndBarePartsIntoOneWord() throws DslException {
        String source = "pre'x y'\"z w\"post next";
        assertEquals(List.of(word("prex yz wpost", 0, 17), word("next", 18, 22)), ShellWords.split(source));
    }

    @Test
    void emptyQuotesMakeAnEmptyWord() throws DslException {
        assertEquals(List.of(word("", 0, 2), word("", 3, 5)), ShellWords.split("'' \"\""));
    }

    @Test
    void rejectsUnterminatedSingleQuoteWithItsColumn() {
        DslException e = assertThrows(DslException.class, () -> ShellWords.split("echo 'abc"));
        assertEquals("unterminated single quote", e.getMessage());
        assertEquals(6, e.column());
    }

    @Test
    void rejectsUnterminatedDoubleQuoteWithItsColumn() {
        DslException e = assertThrows(DslException.class, () -> ShellWords.split("ab  \"cd 'e'"));
        assertEquals("unterminated double quote", e.getMessage());
        assertEquals(5, e.column());
    }

    @Test
    void escapedClosingDoubleQuoteLeavesTheQuoteOpen() {
        DslException e = assertThrows(DslException.class, () -> ShellWords.split("\"abc\\\""));
        assertEquals("unterminated double quote", e.getMessage());
        assertEquals(1, e.column());
    }

    @Test
    void keepsAnUnquotedTemplateInOneWordVerbatim() throws DslException {
        String source = "/srv/{{ node.identity }}/x {% if a %}b{% else %}c d{% endif %} {# a note #}";
        assertEquals(List.of(word("/srv/{{ node.identity }}/x", 0, 26), word("{% if a %}b{% else %}c", 27, 49),
                word("d{% endif %}", 50, 62), word("{# a note #}", 63, 75)), ShellWords.splitKeepingTemplates(source));
    }

    @Test
    void keepsQuotesInsideATemplateLiterally() throws DslException {
        assertEquals(List.of(word("{{ x | default('a b') }}", 0, 24), word("y", 25, 26)),
                ShellWords.splitKeepingTemplates("{{ x | default('a b') }} y"));
    }

    @Test
    void aClosingBraceInsideATemplateStringDoesNotEndTheTemplate() throws DslException {
        assertEquals(List.of(word("{{ '}}' }}", 0, 10)), ShellWords.splitKeepingTemplates("{{ '}}' }}"));
    }

    @Test
    void aTemplateInsideQuotesIsOrdinaryQuotedText() throws DslException {
        assertEquals(List.of(word("{{ a }}", 0, 9), word("{{", 10, 12), word("b", 13, 14)),
                ShellWords.splitKeepingTemplates("'{{ a }}' {{ b"));
    }

    @Test
    void anUnclosedTemplateIsOrdinaryText() throws DslException {
        assertEquals(List.of(word("{{", 0, 2), word("x", 3, 4)), ShellWords.splitKeepingTemplates("{{ x"));
        // {% \'a: the escaped quote is the shell's, as the template never closes
        assertEquals(List.of(word("{%", 0, 2), word("'a", 3, 6)), ShellWords.splitKeepingTemplates("{% \\'a"));
    }

    @Test
    void anUnclosedStringInsideATemplateLeavesItOpen() {
        DslException e = assertThrows(DslException.class, () -> ShellWords.splitKeepingTemplates("{{ 'x }}"));
        assertEquals("unterminated single quote", e.getMessage());
        assertEquals(4, e.column());
    }

    @Test
    void aLoneBraceIsOrdinaryText() throws DslException {
        assertEquals(List.of(word("{a,b}", 0, 5), word("{", 6, 7)), ShellWords.splitKeepingTemplates("{a,b} {"));
    }

    @Test
    void plainSplitStillSplitsInsideTemplates() throws DslException {
        assertEquals(List.of(word("/srv/{{", 0, 7), word("x", 8, 9), word("}}", 10, 12)),
                ShellWords.split("/srv/{{ x }}"));
    }

    @Test
    void splitsALineOfUnclosedTemplatesInLinearTime() {
        // Found by JobParserFuzzTest: each unclosed "{{" was scanned to the end of the line, and
        // this line took minutes; a job line must never hang the server or the CLI.
        for (String opening : List.of("{{", "{%", "{#", "{{ \"")) {
            String line = "echo " + opening.repeat(400_000 / opening.length());
            List<ShellWords.Word> words = assertTimeoutPreemptively(Duration.ofSeconds(2),
                    () -> ShellWords.splitKeepingTemplates(line), opening);
            assertEquals("echo", words.get(0).text());
        }
    }
}
