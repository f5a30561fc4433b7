package io.director.dsl.verb;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Splits a string into words the way a POSIX shell does: blanks separate words, single quotes
 * keep everything literally, double quotes keep blanks and honour backslash before
 * {@code $ ` " \} and newline, and a backslash outside quotes escapes the next character.
 * Each word remembers where it starts, so errors can name a column and payloads can be cut
 * from the original text with their quoting intact.
 *
 * <p>{@link #splitKeepingTemplates} also keeps each unquoted template ({@code {{ … }}},
 * {@code {% … %}}, {@code {# … #}}) inside one word, because templates are rendered on the node
 * before the shell sees the text: {@code /srv/{{ node.identity }}} is one path, not three words.
 */
public final class ShellWords {

    /** One word: its unquoted text and its 0-based start and end offsets in the source. */
    public record Word(String text, int start, int end) {
    }

    private ShellWords() {
    }

    public static List<Word> split(String source) throws DslException {
        return split(source, false);
    }

    /**
     * Like {@link #split}, but an unquoted template is copied into its word verbatim: blanks and
     * quotes inside it do not split or quote. An opening {@code {{} without its closing
     * {@code }}} is ordinary text (the node's template engine reports it).
     */
    public static List<Word> splitKeepingTemplates(String source) throws DslException {
        return split(source, true);
    }

    private static List<Word> split(String source, boolean keepTemplates) throws DslException {
        List<Word> words = new ArrayList<>();
        Templates templates = keepTemplates ? new Templates(source) : null;
        int i = 0;
        int n = source.length();
        while (i < n) {
            while (i < n && isBlank(source.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int start = i;
            StringBuilder text = new StringBuilder();
            while (i < n && !isBlank(source.charAt(i))) {
                char c = source.charAt(i);
                int templateEnd = templates != null ? templates.end(i) : -1;
                if (templateEnd > 0) {
                    text.append(source, i, templateEnd);
                    i = templateEnd;
                } else if (c == '\'') {
                    int close = source.indexOf('\'', i + 1);
                    if (close < 0) {
                        throw new DslException("unterminated single quote", i + 1);
                    }
                    text.append(source, i + 1, close);
                    i = close + 1;
                } else if (c == '"') {
                    int open = i;
                    i++;
                    boolean closed = false;
                    while (i < n) {
                        char d = source.charAt(i);
                        if (d == '"') {
                            closed = true;
                            i++;
                            break;
                        }
                        if (d == '\\' && i + 1 < n && "$`\"\\\n".indexOf(source.charAt(i + 1)) >= 0) {
                            if (source.charAt(i + 1) != '\n') {
                                text.append(source.charAt(i + 1));
                            }
                            i += 2;
                        } else {
                            text.append(d);
                            i++;
                        }
                    }
                    if (!closed) {
                        throw new DslException("unterminated double quote", open + 1);
                    }
                } else if (c == '\\') {
                    if (i + 1 < n) {
                        if (source.charAt(i + 1) != '\n') {
                            text.append(source.charAt(i + 1));
                        }
                        i += 2;
                    } else {
                        i++;
                    }
                } else {
                    text.append(c);
                    i++;
                }
            }
            words.add(new Word(text.toString(), start, i));
        }
        return words;
    }

    /**
     * Finds where the templates of one text end: {@link #end} gives the offset just after the
     * template opening at a position, or -1 when none opens there or it is never closed. Quoted
     * strings inside a template are skipped, so {@code {{ '}}' }}} ends at its last brace, as
     * the template engine reads it.
     *
     * <p>Time is linear in the text's length over all calls. A scan for a
     * closing that fails from some position fails from there for every later opening too, so
     * those positions are remembered: without that, a line of unclosed openings ("{{{{…") is
     * scanned to its end once per opening, and a long one takes minutes.
     */
    static final class Templates {

        private final String source;
        /** Per kind of template ({{, {%, {#): positions from which the scan is known to find no closing. */
        private final BitSet[] unclosedFrom = {new BitSet(), new BitSet(), new BitSet()};

        Templates(String source) {
            this.source = source;
        }

        int end(int start) {
            if (source.charAt(start) != '{' || start + 1 >= source.length()) {
                return -1;
            }
            char kind = source.charAt(start + 1);
            int k = "{%#".indexOf(kind);
            if (k < 0) {
                return -1;
            }
            String close = k == 0 ? "}}" : kind + "}";
            BitSet unclosed = unclosedFrom[k];
            // the stretches scanned outside quotes, to remember when the scan fails
            List<int[]> scanned = new ArrayList<>();
            int runStart = start + 2;
            int i = runStart;
            while (i < source.length()) {
                if (unclosed.get(i)) {
                    break;
                }
                if (source.startsWith(close, i)) {
                    return i + 2;
                }
                char c = source.charAt(i);
                if (kind != '#' && (c == '\'' || c == '"')) {
                    scanned.add(new int[] {runStart, i + 1});
                    int j = i + 1;
                    while (j < source.length() && source.charAt(j) != c) {
                        j += source.charAt(j) == '\\' ? 2 : 1;
                    }
                    if (j >= source.length()) {
                        break;
                    }
                    i = j + 1;
                    runStart = i;
                } else {
                    i++;
                }
            }
            scanned.add(new int[] {runStart, Math.min(i, source.length())});
            for (int[] run : scanned) {
                unclosed.set(run[0], run[1]);
            }
            return -1;
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
