package io.director.dsl;

/**
 * Error messages that quote outside input (a job line, a YAML value, a peer's bytes) as one
 * line of bounded length, so that one bad input is one log line, and a terminal or log reader
 * sees no control characters from it.
 */
public final class OneLine {

    private OneLine() {
    }

    /**
     * The text with line breaks and tabs written as {@code \n}, {@code \r} and {@code \t}, other
     * control characters as '?', cut to {@code maxChars} with '…'; "unreadable" for no text.
     */
    public static String of(String text, int maxChars) {
        if (text == null || text.isBlank()) {
            return "unreadable";
        }
        StringBuilder line = new StringBuilder(Math.min(text.length(), maxChars) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (line.length() >= maxChars) {
                line.setLength(maxChars - 1);
                return line.append('…').toString();
            }
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> line.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
            }
        }
        if (line.length() > maxChars) {
            line.setLength(maxChars - 1);
            line.append('…');
        }
        return line.toString();
    }
}
