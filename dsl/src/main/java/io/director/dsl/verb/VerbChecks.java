package io.director.dsl.verb;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Rules several verbs share: names, owners and modes, one-word payloads. A value that holds a
 * template is only known after rendering on the node, so where a value may be a template the
 * rules check only what is written literally.
 */
final class VerbChecks {

    static final String CHOWN = "chown";
    static final String CHMOD = "chmod";

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern OWNER = Pattern.compile("([a-z_][a-z0-9_-]*|[0-9]+)(:([a-z_][a-z0-9_-]*|[0-9]+))?");
    private static final Pattern MODE = Pattern.compile("[0-7]{3,4}");

    private VerbChecks() {
    }

    /** The payload's words, templates kept whole, with offsets within the payload. */
    static List<ShellWords.Word> words(JobDefinition definition) throws DslException {
        return ShellWords.splitKeepingTemplates(definition.payload());
    }

    static boolean hasTemplate(String text) {
        return text.contains("{{") || text.contains("{%");
    }

    /** The text with every template removed, to look at what is written literally. */
    static String withoutTemplates(String text) {
        StringBuilder literal = new StringBuilder();
        ShellWords.Templates templates = new ShellWords.Templates(text);
        int i = 0;
        while (i < text.length()) {
            int end = templates.end(i);
            if (end > 0) {
                i = end;
            } else {
                literal.append(text.charAt(i));
                i++;
            }
        }
        return literal.toString();
    }

    static boolean isName(String text) {
        return NAME.matcher(text).matches();
    }

    /** A variable name for ARG, ENV and QUERY: literal, because the node stores it under that name. */
    static void checkName(String what, ShellWords.Word word) throws DslException {
        if (hasTemplate(word.text())) {
            throw DslException.inPayload(what + " '" + word.text() + "' cannot be a template: write the name itself",
                    word.start() + 1);
        }
        if (!isName(word.text())) {
            throw DslException.inPayload(what + " '" + word.text()
                    + "' is not a valid name: use letters, digits and '_', not starting with a digit", word.start() + 1);
        }
    }

    /**
     * {@code KEY VALUE}: a valid key that is not read-only, then at least one word of value
     * (the rest of the payload, which may be a template or YAML).
     */
    static void checkKeyValue(String verb, JobDefinition definition, String readOnly) throws DslException {
        List<ShellWords.Word> words = words(definition);
        if (words.isEmpty()) {
            throw DslException.inPayload(verb + " needs a key and a value", 1);
        }
        ShellWords.Word key = words.get(0);
        checkName(verb + " key", key);
        if (key.text().equals(readOnly)) {
            throw DslException.inPayload(verb + " key '" + readOnly
                    + "' is read-only (every node sets it itself); choose another name", key.start() + 1);
        }
        if (words.size() < 2) {
            throw DslException.inPayload(verb + " '" + key.text() + "' needs a value after the key", key.end() + 1);
        }
    }

    /** A payload of exactly one word, such as a path; returns it. */
    static ShellWords.Word checkOneWord(String verb, String what, String hint, JobDefinition definition)
            throws DslException {
        List<ShellWords.Word> words = words(definition);
        if (words.isEmpty()) {
            throw DslException.inPayload(verb + " needs " + what, 1);
        }
        if (words.size() > 1) {
            ShellWords.Word extra = words.get(1);
            throw DslException.inPayload(verb + " takes exactly " + what + ", found another word '" + extra.text()
                    + "'" + hint, extra.start() + 1);
        }
        return words.get(0);
    }

    /** {@code --chown user[:group]} and {@code --chmod MODE}, when given without templates. */
    static void checkOwnerAndMode(JobDefinition definition) throws DslException {
        String owner = definition.text(CHOWN);
        if (owner != null && !hasTemplate(owner) && !OWNER.matcher(owner).matches()) {
            throw DslException.ofOptionValue("option '--chown' needs user[:group] (names or numeric ids), got '"
                    + owner + "'", CHOWN);
        }
        String mode = definition.text(CHMOD);
        if (mode != null && !hasTemplate(mode) && !MODE.matcher(mode).matches()) {
            throw DslException.ofOptionValue("option '--chmod' needs an octal mode of 3 or 4 digits such as 0644, got '"
                    + mode + "'", CHMOD);
        }
        if (mode != null && mode.length() == 4 && mode.charAt(0) != '0') {
            // Nodes refuse them (a job must not hand out setuid files or sticky directories).
            throw DslException.ofOptionValue("option '--chmod' may not set setuid, setgid or sticky bits, got '"
                    + mode + "'", CHMOD);
        }
    }

    /**
     * ADD and COPY: {@code SRC… DEST}; several sources or a glob need a directory destination
     * (ending in '/'), unless the destination ends in a template and so is known only on the node.
     */
    static void checkTransfer(String verb, JobDefinition definition) throws DslException {
        List<ShellWords.Word> words = words(definition);
        if (words.size() < 2) {
            String found = words.isEmpty() ? "nothing" : "only '" + words.get(0).text() + "'";
            int end = words.isEmpty() ? 1 : words.get(0).end() + 1;
            throw DslException.inPayload(verb + " needs a source and a destination, found " + found, end);
        }
        List<ShellWords.Word> sources = words.subList(0, words.size() - 1);
        ShellWords.Word destination = words.get(words.size() - 1);
        String dest = destination.text();
        if (!dest.endsWith("/") && !dest.endsWith("}}") && !dest.endsWith("%}")) {
            if (sources.size() > 1) {
                throw DslException.inPayload(verb + " has " + sources.size() + " sources, so the destination '"
                        + dest + "' must end with '/'", destination.start() + 1);
            }
            String source = sources.get(0).text();
            if (isGlob(source)) {
                throw DslException.inPayload(verb + " source '" + source + "' is a glob, so the destination '"
                        + dest + "' must end with '/'", destination.start() + 1);
            }
        }
        checkOwnerAndMode(definition);
    }

    private static boolean isGlob(String source) {
        String literal = withoutTemplates(source);
        // The same characters the server's glob expansion treats as special.
        return literal.indexOf('*') >= 0 || literal.indexOf('?') >= 0 || literal.indexOf('[') >= 0
                || literal.indexOf('{') >= 0;
    }
}
