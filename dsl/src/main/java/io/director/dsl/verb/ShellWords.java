package io.director.dsl.verb;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a string into words the way a POSIX shell does: blanks separate words, single quotes
 * keep everything literally, double quotes keep blanks and honour backslash before
 * {@code $ ` " \} and newline, and a backslash outside quotes escapes the next character.
 * Each word remembers where it starts, so errors can name a column and payloads can be cut
 * from the original text with their quoting intact.
 */
public final class ShellWords {

    /** One word: its unquoted text and its 0-based start and end offsets in the source. */
    public record Word(String text, int start, int end) {
    }

    private ShellWords() {
    }

    public static List<Word> split(String source) throws DslException {
        List<Word> words = new ArrayList<>();
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
                if (c == '\'') {
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

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
