package io.director.dsl.verb;

import io.director.dsl.OneLine;

import java.util.Optional;

/**
 * A job line that cannot be accepted. {@link #column()} is 1-based within the argument string
 * (0 when the error concerns the line as a whole), so callers can point at the exact place. The
 * message is one line (line breaks it quotes are written as {@code \n}).
 *
 * <p>An error about one option also names it ({@link #option()}), and says whether its value
 * rather than the option itself is at fault ({@link #aboutValue()}); an orchestration file uses
 * this to point into the job's {@code vars}, where the option is not part of the line at all.
 *
 * <p>{@link Verb#validate} cannot know where its payload starts in the line, so it throws
 * {@link #inPayload} or {@link #ofOption} errors and {@link JobParser} turns them into columns of
 * the argument string.
 */
public final class DslException extends Exception {

    /** Longest message: they quote the line, which may be long. */
    public static final int MAX_MESSAGE_CHARS = 500;

    private final int column;
    private final String option;
    private final boolean aboutValue;
    private final boolean payloadRelative;

    public DslException(String message, int column) {
        this(message, column, null, false, false);
    }

    private DslException(String message, int column, String option, boolean aboutValue, boolean payloadRelative) {
        // one line: a quoted payload may hold line breaks
        super(OneLine.of(message, MAX_MESSAGE_CHARS));
        this.column = column;
        this.option = option;
        this.aboutValue = aboutValue;
        this.payloadRelative = payloadRelative;
    }

    /** An error at a 1-based column of the payload (one past its end for "something is missing"). */
    public static DslException inPayload(String message, int payloadColumn) {
        return new DslException(message, payloadColumn, null, false, true);
    }

    /** An error about an option itself (given where it is not allowed, clashing with another). */
    public static DslException ofOption(String message, String option) {
        return new DslException(message, 0, option, false, false);
    }

    /** An error about the value given to an option (wrong type, bad format). */
    public static DslException ofOptionValue(String message, String option) {
        return new DslException(message, 0, option, true, false);
    }

    public int column() {
        return column;
    }

    /** The option (name without dashes) the error is about, if it is about one. */
    public Optional<String> option() {
        return Optional.ofNullable(option);
    }

    /** True when the option's value, not the option, is at fault. */
    public boolean aboutValue() {
        return aboutValue;
    }

    boolean payloadRelative() {
        return payloadRelative;
    }

    /** The same error placed at a column of the argument string. */
    DslException at(int argumentColumn) {
        DslException located = new DslException(getMessage(), argumentColumn, option, aboutValue, false);
        located.setStackTrace(getStackTrace());
        return located;
    }
}
