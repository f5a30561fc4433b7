package io.director.dsl.verb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns {@code VERB} plus an argument string into a {@link JobDefinition}, or a
 * {@link DslException} naming the column at fault. Leading {@code --options} (as
 * {@code --opt value} or {@code --opt=value}) belong to the verb; {@code --} ends them; the
 * rest of the string, with its original quoting, is the payload.
 */
public final class JobParser {

    private final VerbRegistry registry;

    public JobParser(VerbRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public static JobParser standard() {
        return new JobParser(VerbRegistry.standard());
    }

    public JobDefinition parse(String verbName, String arguments) throws DslException {
        Verb verb = registry.find(verbName).orElseThrow(() -> new DslException(
                "unknown verb '" + verbName + "' (known: " + String.join(", ", registry.names()) + ")", 0));
        String source = arguments == null ? "" : arguments;
        List<ShellWords.Word> words = ShellWords.split(source);

        Map<String, OptionSpec> specs = new LinkedHashMap<>();
        for (OptionSpec spec : CommonOptions.ALL) {
            specs.put(spec.name(), spec);
        }
        for (OptionSpec spec : verb.options()) {
            specs.put(spec.name(), spec);
        }

        Map<String, Object> options = new LinkedHashMap<>();
        int payloadStart = source.length();
        int i = 0;
        while (i < words.size()) {
            ShellWords.Word word = words.get(i);
            String raw = source.substring(word.start(), word.end());
            if (raw.equals("--")) {
                payloadStart = i + 1 < words.size() ? words.get(i + 1).start() : source.length();
                i = words.size();
                break;
            }
            if (!raw.startsWith("--") || raw.length() == 2) {
                payloadStart = word.start();
                break;
            }
            String text = word.text().substring(2);
            String inlineValue = null;
            int eq = text.indexOf('=');
            if (eq >= 0) {
                inlineValue = text.substring(eq + 1);
                text = text.substring(0, eq);
            }
            OptionSpec spec = specs.get(text);
            if (spec == null) {
                throw new DslException("unknown option '--" + text + "' for " + verb.name(), word.start() + 1);
            }
            String value;
            if (!spec.takesValue()) {
                if (inlineValue != null) {
                    throw new DslException("option '--" + text + "' takes no value", word.start() + 1);
                }
                value = null;
            } else if (inlineValue != null) {
                value = inlineValue;
            } else {
                if (i + 1 >= words.size()) {
                    throw new DslException("option '--" + text + "' needs a value", word.start() + 1);
                }
                i++;
                value = words.get(i).text();
            }
            put(options, spec, value, word.start() + 1);
            i++;
        }
        if (i >= words.size() && payloadStart > source.length()) {
            payloadStart = source.length();
        }
        String payload = source.substring(Math.min(payloadStart, source.length())).strip();

        switch (verb.payload()) {
            case REQUIRED -> {
                if (payload.isEmpty()) {
                    throw new DslException(verb.name() + " needs a payload after its options", source.length() + 1);
                }
            }
            case NONE -> {
                if (!payload.isEmpty()) {
                    throw new DslException(verb.name() + " takes no payload, found '" + payload + "'", payloadStart + 1);
                }
            }
            case OPTIONAL -> {
            }
        }

        for (OptionSpec spec : specs.values()) {
            if (spec.defaultValue() != null && spec.defaultValue().equals(options.get(spec.name()))) {
                options.remove(spec.name());
            }
        }
        JobDefinition definition = new JobDefinition(verb.name(), options, payload);
        verb.validate(definition);
        return definition;
    }

    private static void put(Map<String, Object> options, OptionSpec spec, String value, int column)
            throws DslException {
        String name = spec.name();
        switch (spec.kind()) {
            case FLAG -> options.put(name, Boolean.TRUE);
            case COUNT -> {
                long number;
                try {
                    number = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new DslException("option '--" + name + "' needs a whole number, got '" + value + "'", column);
                }
                if (number < 0) {
                    throw new DslException("option '--" + name + "' must be 0 or more, got " + number, column);
                }
                options.put(name, number);
            }
            case DECIMAL -> {
                double number;
                try {
                    number = Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    throw new DslException("option '--" + name + "' needs a number, got '" + value + "'", column);
                }
                if (!(number >= 0) || Double.isInfinite(number)) {
                    throw new DslException("option '--" + name + "' must be 0 or more, got " + value, column);
                }
                options.put(name, number);
            }
            case TEXT -> {
                if (value.isEmpty()) {
                    throw new DslException("option '--" + name + "' needs a non-empty value", column);
                }
                options.put(name, value);
            }
            case LIST -> {
                @SuppressWarnings("unchecked")
                List<String> list = (List<String>) options.computeIfAbsent(name, k -> new ArrayList<String>());
                list.add(value);
            }
        }
    }
}
