package io.director.client.exec;

import io.director.dsl.verb.DslException;
import io.director.dsl.verb.ShellWords;

import java.util.List;

/** How the variable and path verbs read their (already rendered) payload. */
final class PayloadText {

    /** A {@code KEY VALUE…} payload: the key and the value's text. */
    record KeyValue(String key, String value) {
    }

    private PayloadText() {
    }

    /**
     * The first word is the key; the value is the rest of the text as written, except that a
     * value that is one quoted shell word ({@code 'hello world'}) loses its quotes.
     *
     * @throws IllegalArgumentException when there is no value
     */
    static KeyValue keyValue(String verb, String payload) {
        KeyValue raw = rawKeyValue(verb, payload);
        return new KeyValue(raw.key(), unquoteSingleWord(raw.value()));
    }

    /**
     * The first word is the key; the value is the rest of the text exactly as written, quotes
     * included: ARG hands it to YAML, whose own quoting then decides ({@code 'a: b'} a string,
     * {@code a: b} a map, {@code '1.10'} the text 1.10).
     */
    static KeyValue rawKeyValue(String verb, String payload) {
        String text = payload.strip();
        List<ShellWords.Word> words = words(verb, text);
        if (words.size() < 2) {
            throw new IllegalArgumentException(verb + " needs KEY VALUE, got '" + text + "'");
        }
        // The key as the shell would read it ('k' is k); the value as written.
        return new KeyValue(words.get(0).text(), text.substring(words.get(0).end()).strip());
    }

    /** The one word a payload is (a name, a target), with shell quoting removed. */
    static String oneWord(String verb, String payload) {
        List<ShellWords.Word> words = words(verb, payload);
        if (words.size() != 1) {
            throw new IllegalArgumentException(verb + " takes one word, got '" + payload.strip() + "'");
        }
        return words.get(0).text();
    }

    private static List<ShellWords.Word> words(String verb, String text) {
        try {
            return ShellWords.split(text);
        } catch (DslException e) {
            throw new IllegalArgumentException(verb + " '" + text + "': " + e.getMessage(), e);
        }
    }

    /**
     * The one path a payload names, with shell quoting removed.
     *
     * @throws IllegalArgumentException for no word, several words, or a relative path
     */
    static String absolutePath(String verb, String payload) {
        List<ShellWords.Word> words;
        try {
            words = ShellWords.split(payload);
        } catch (DslException e) {
            throw new IllegalArgumentException(verb + " path '" + payload + "': " + e.getMessage(), e);
        }
        if (words.size() != 1) {
            throw new IllegalArgumentException(verb + " takes one path, got " + words.size() + " words in '" + payload
                    + "' (quote a path with blanks)");
        }
        String path = words.get(0).text();
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException(verb + " needs an absolute path, got '" + path + "'");
        }
        return path;
    }

    private static String unquoteSingleWord(String text) {
        if (!text.startsWith("'") && !text.startsWith("\"")) {
            return text;
        }
        try {
            List<ShellWords.Word> words = ShellWords.split(text);
            return words.size() == 1 ? words.get(0).text() : text;
        } catch (DslException e) {
            return text;
        }
    }
}
