package io.director.dsl.verb;

/**
 * A job line that cannot be accepted. {@link #column()} is 1-based within the argument string
 * (0 when the error concerns the line as a whole), so callers can point at the exact place.
 */
public final class DslException extends Exception {

    private final int column;

    public DslException(String message, int column) {
        super(message);
        this.column = column;
    }

    public int column() {
        return column;
    }
}
