package io.director.dsl.orchestration;

import io.director.dsl.OneLine;
import io.director.dsl.verb.DslException;

import java.util.Objects;

/**
 * One thing wrong in an orchestration file, at a 1-based line and column.
 *
 * @param file    the file as it was given to the loader
 * @param line    1-based line
 * @param column  1-based column (in characters of that line)
 * @param message one line naming what is wrong, quoting the user's value and, where obvious, the fix
 */
public record Problem(String file, int line, int column, String message) {

    public Problem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        // one line per problem, also when it quotes a multi-line value
        message = OneLine.of(message, DslException.MAX_MESSAGE_CHARS);
    }

    /** {@code FILE:LINE:COLUMN: message}, as {@code director orchestrate} prints it. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
