package io.director.client.exec;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.io.Reader;

/** YAML 1.2 (core schema: no yes/no booleans, no dates), of which JSON is a subset. */
final class YamlValues {

    private YamlValues() {
    }

    private static Load load() {
        // A Load is not reusable across threads; one per call is cheap next to a job.
        return new Load(LoadSettings.builder().setSchema(new CoreSchema()).setAllowDuplicateKeys(false).build());
    }

    /** The text as a YAML value ({@code [a, b]} a list, {@code 42} a number); text that is not YAML, or empty, stays a string. */
    static Object valueOf(String text) {
        if (text.isBlank()) {
            return text;
        }
        try {
            return load().loadFromString(text);
        } catch (YamlEngineException e) {
            return text;
        }
    }

    /**
     * Reads one YAML or JSON document.
     *
     * @throws IllegalArgumentException naming the problem and its line and column
     */
    static Object read(Reader reader) {
        try {
            return load().loadFromReader(reader);
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark().map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1))
                    .orElse("");
            throw new IllegalArgumentException(e.getProblem() + where, e);
        } catch (YamlEngineException e) {
            throw new IllegalArgumentException(firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable YAML";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
