package io.director.cli.command;

import io.director.dsl.verb.JobDefinition;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a parsed job back as the argument string of a job line: its options (values quoted
 * like a shell would need) then its payload exactly as written. Parsing the result gives the
 * same definition, so the server can validate what the CLI sends from orchestration files.
 */
final class JobLine {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%+,{}-]+");

    private JobLine() {
    }

    static String arguments(JobDefinition definition) {
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, Object> option : definition.options().entrySet()) {
            Object value = option.getValue();
            if (Boolean.TRUE.equals(value)) {
                append(line, "--" + option.getKey());
            } else if (value instanceof List<?> list) {
                list.forEach(item -> append(line, "--" + option.getKey() + "=" + quote(String.valueOf(item))));
            } else if (value != null && !Boolean.FALSE.equals(value)) {
                append(line, "--" + option.getKey() + "=" + quote(number(value)));
            }
        }
        if (!definition.payload().isEmpty()) {
            if (line.length() > 0) {
                line.append(' ');
            }
            if (definition.payload().startsWith("--")) {
                line.append("-- ");
            }
            line.append(definition.payload());
        }
        return line.toString();
    }

    private static String number(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(value);
    }

    private static void append(StringBuilder line, String word) {
        if (line.length() > 0) {
            line.append(' ');
        }
        line.append(word);
    }

    static String quote(String value) {
        if (!value.isEmpty() && PLAIN.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("'", "'\"'\"'") + "'";
    }
}
