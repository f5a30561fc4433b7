package io.director.dsl.verb;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ShellWords.Templates} remembers where scans for a closing failed, to read a line in
 * linear time. These properties hold it to the plain scan it replaced, on texts made of the
 * characters that matter to it, whatever order positions are asked in.
 */
class ShellWordsFuzzTest {

    @Property(tries = 1000)
    void findsTheSameTemplateEndsAsAPlainScanLeftToRight(@ForAll("templateText") String text) {
        ShellWords.Templates templates = new ShellWords.Templates(text);
        for (int i = 0; i < text.length(); i++) {
            assertEquals(plainTemplateEnd(text, i), templates.end(i), "at " + i + " of " + text);
        }
    }

    @Property(tries = 500)
    void findsTheSameTemplateEndsAsAPlainScanInAnyOrder(@ForAll("templateText") String text, @ForAll long seed) {
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            positions.add(i);
        }
        Collections.shuffle(positions, new Random(seed));
        ShellWords.Templates templates = new ShellWords.Templates(text);
        for (int i : positions) {
            assertEquals(plainTemplateEnd(text, i), templates.end(i), "at " + i + " of " + text);
        }
    }

    @Provide
    Arbitrary<String> templateText() {
        return Arbitraries.strings().withChars("{{{}}}%#'\"\\ x").ofMaxLength(60);
    }

    /** The scan as it was before positions were remembered: the reference. */
    static int plainTemplateEnd(String source, int start) {
        if (source.charAt(start) != '{' || start + 1 >= source.length()) {
            return -1;
        }
        char kind = source.charAt(start + 1);
        String close = switch (kind) {
            case '{' -> "}}";
            case '%' -> "%}";
            case '#' -> "#}";
            default -> null;
        };
        if (close == null) {
            return -1;
        }
        int i = start + 2;
        while (i < source.length()) {
            if (source.startsWith(close, i)) {
                return i + 2;
            }
            char c = source.charAt(i);
            if (kind != '#' && (c == '\'' || c == '"')) {
                int j = i + 1;
                while (j < source.length() && source.charAt(j) != c) {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                if (j >= source.length()) {
                    return -1;
                }
                i = j + 1;
            } else {
                i++;
            }
        }
        return -1;
    }
}
