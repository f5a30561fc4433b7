package io.director.dsl.placement;

import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Map;
import java.util.Objects;
import java.util.regex.PatternSyntaxException;

/**
 * One word of {@code --target} or of a block's {@code targets}: a node's name ({@code web-1}), a
 * glob over names ({@code web-*}, {@code db-[12]}), or a label selector
 * ({@code label:role=web}). The words of one list select the union of what each selects.
 */
public final class TargetSelector {

    /** How a label selector starts. */
    public static final String LABEL_PREFIX = "label:";

    /** What kind of word it is. */
    public enum Kind { NAME, GLOB, LABEL }

    private final String text;
    private final Kind kind;
    private final PathMatcher glob;
    private final String labelKey;
    private final String labelValue;

    private TargetSelector(String text, Kind kind, PathMatcher glob, String labelKey, String labelValue) {
        this.text = text;
        this.kind = kind;
        this.glob = glob;
        this.labelKey = labelKey;
        this.labelValue = labelValue;
    }

    /**
     * Reads one target word.
     *
     * @throws IllegalArgumentException with a one-line message naming the word and the fix
     */
    public static TargetSelector parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) {
            throw new IllegalArgumentException("a target must not be empty");
        }
        if (text.startsWith(LABEL_PREFIX)) {
            String pair = text.substring(LABEL_PREFIX.length());
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("label selector '" + text + "' needs KEY=VALUE, e.g. 'label:role=web'");
            }
            String key = pair.substring(0, equals);
            if (!key.matches("[A-Za-z0-9._/-]+")) {
                throw new IllegalArgumentException("label selector '" + text + "' has an invalid key '" + key
                        + "': use letters, digits, '.', '_', '/' or '-'");
            }
            return new TargetSelector(text, Kind.LABEL, null, key, pair.substring(equals + 1));
        }
        if (text.indexOf('*') >= 0 || text.indexOf('?') >= 0 || text.indexOf('[') >= 0 || text.indexOf('{') >= 0) {
            try {
                return new TargetSelector(text, Kind.GLOB, FileSystems.getDefault().getPathMatcher("glob:" + text),
                        null, null);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("target pattern '" + text + "' is not a valid glob: "
                        + e.getDescription());
            }
        }
        return new TargetSelector(text, Kind.NAME, null, null, null);
    }

    public Kind kind() {
        return kind;
    }

    public String text() {
        return text;
    }

    /** Whether a node with this identity and these labels is selected. */
    public boolean matches(String identity, Map<String, String> labels) {
        return switch (kind) {
            case NAME -> text.equals(identity);
            case LABEL -> labelValue.equals(labels.get(labelKey));
            case GLOB -> globMatches(identity);
        };
    }

    private boolean globMatches(String identity) {
        if (identity.indexOf('/') >= 0) {
            return false; // identities never hold '/'; a glob over paths would read it as a separator
        }
        try {
            return glob.matches(Path.of(identity));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
