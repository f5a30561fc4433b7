package io.director.cli.command;

import io.director.dsl.verb.JobDefinition;

import java.util.List;
import java.util.Map;

/** Small text renderings shared by the commands' human output. */
final class TextRender {

    private TextRender() {
    }

    /** A definition written back as a job line: {@code RUN --timeout 5 echo hi}. */
    static String definition(JobDefinition definition) {
        StringBuilder line = new StringBuilder(definition.verb());
        for (Map.Entry<String, Object> option : definition.options().entrySet()) {
            Object value = option.getValue();
            if (Boolean.TRUE.equals(value)) {
                line.append(" --").append(option.getKey());
            } else if (value instanceof List<?> list) {
                list.forEach(item -> line.append(" --").append(option.getKey()).append(' ').append(item));
            } else {
                line.append(" --").append(option.getKey()).append(' ').append(value);
            }
        }
        if (!definition.payload().isEmpty()) {
            line.append(' ').append(definition.payload());
        }
        return line.toString();
    }

    static String seconds(Double seconds) {
        return seconds == null ? "-" : String.format("%.2fs", seconds);
    }

    static String duration(long millis) {
        long s = Math.max(0, millis / 1000);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60) + "s";
        }
        if (s < 86400) {
            return (s / 3600) + "h" + (s % 3600 / 60) + "m";
        }
        return (s / 86400) + "d" + (s % 86400 / 3600) + "h";
    }

    /** Lines of text indented for a block under a heading. */
    static String indent(String text, String prefix) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            out.append(prefix).append(line).append('\n');
        }
        return out.toString();
    }
}
