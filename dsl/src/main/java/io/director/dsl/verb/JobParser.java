package io.director.dsl.verb;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns {@code VERB} plus an argument string into a {@link JobDefinition}, or a
 * {@link DslException} naming the column at fault. Leading {@code --options} (as
 * {@code --opt value} or {@code --opt=value}) belong to the verb; {@code --} ends them; the
 * rest of the string, with its original quoting, is the payload. Templates
 * ({@code {{ … }}}, {@code {% … %}}) stay whole words even when they contain blanks.
 */
public final class JobParser {

    private final VerbRegistry registry;

    public JobParser(VerbRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public static JobParser standard() {
        return new JobParser(VerbRegistry.standard());
    }

    /** The verbs this parser knows; an orchestration file's job keys are matched against them. */
    public VerbRegistry registry() {
        return registry;
    }

    public JobDefinition parse(String verbName, String arguments) throws DslException {
        return parse(verbName, arguments, Map.of());
    }

    /**
     * Parses a line together with options given apart from it (an orchestration job's
     * {@code vars}), keyed by option name without dashes. Extra values are typed as YAML gives
     * them: flags take {@code true}/{@code false} (false leaves the flag out), counts whole
     * numbers, decimals numbers, text options strings and list options lists of strings. The
     * result equals the definition of the same options written in the line. An error about an
     * extra option names it in {@link DslException#option()} and has column 0, as it is not in
     * the line.
     */
    public JobDefinition parse(String verbName, String arguments, Map<String, ?> extraOptions) throws DslException {
        Verb verb = registry.find(verbName).orElseThrow(() -> new DslException(
                "unknown verb '" + verbName + "' (known: " + String.join(", ", registry.names()) + ")", 0));
        String source = arguments == null ? "" : arguments;
        List<ShellWords.Word> words = ShellWords.splitKeepingTemplates(source);

        Map<String, OptionSpec> specs = new LinkedHashMap<>();
        for (OptionSpec spec : verb.allOptions()) {
            specs.put(spec.name(), spec);
        }

        Map<String, Object> options = new LinkedHashMap<>();
        // where each option was written, so a verb's complaint about it can point there
        Map<String, Integer> optionColumns = new HashMap<>();
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
            try {
                put(options, spec, value);
            } catch (DslException e) {
                throw e.at(word.start() + 1);
            }
            optionColumns.putIfAbsent(spec.name(), word.start() + 1);
            i++;
        }
        if (i >= words.size() && payloadStart > source.length()) {
            payloadStart = source.length();
        }

        for (Map.Entry<String, ?> extra : extraOptions.entrySet()) {
            String name = extra.getKey();
            OptionSpec spec = specs.get(name);
            if (spec == null) {
                throw DslException.ofOption("unknown option '--" + name + "' for " + verb.name(), name);
            }
            if (optionColumns.containsKey(name)) {
                throw DslException.ofOption(
                        "option '--" + name + "' is given both in the line and in vars; keep one", name);
            }
            putTyped(options, spec, extra.getValue());
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
        try {
            checkOutputArgs(definition);
            verb.validate(definition);
        } catch (DslException e) {
            throw locate(e, payloadStart, optionColumns);
        }
        return definition;
    }

    /** {@code --stdout-arg}/{@code --stderr-arg} name an ARG: the same rule as ARG keys. */
    private static void checkOutputArgs(JobDefinition definition) throws DslException {
        for (String option : List.of(CommonOptions.STDOUT_ARG, CommonOptions.STDERR_ARG)) {
            String name = definition.text(option);
            if (name != null && (!VerbChecks.isName(name) || name.equals(ArgVerb.READ_ONLY_KEY))) {
                throw DslException.ofOptionValue("option '--" + option + "' needs an ARG name (letters, digits and _, "
                        + "not starting with a digit, not 'node'), got '" + name + "'", option);
            }
        }
    }

    /** Turns a verb's payload- or option-relative error into one placed in the argument string. */
    private static DslException locate(DslException e, int payloadStart, Map<String, Integer> optionColumns) {
        if (e.payloadRelative()) {
            return e.at(e.column() == 0 ? 0 : payloadStart + e.column());
        }
        Integer column = e.option().map(optionColumns::get).orElse(null);
        return column == null ? e : e.at(column);
    }

    /** Checks a typed (YAML) value against the option's kind, then stores it as if written in a line. */
    private static void putTyped(Map<String, Object> options, OptionSpec spec, Object value) throws DslException {
        String name = spec.name();
        String label = "option '--" + name + "'";
        switch (spec.kind()) {
            case FLAG -> {
                if (!(value instanceof Boolean set)) {
                    throw DslException.ofOptionValue(label + " needs true or false, got " + describe(value), name);
                }
                if (set) {
                    put(options, spec, null);
                }
            }
            case COUNT -> {
                if (!isWholeNumber(value)) {
                    throw DslException.ofOptionValue(label + " needs a whole number, got " + describe(value), name);
                }
                put(options, spec, value.toString());
            }
            case DECIMAL -> {
                if (!(value instanceof Number)) {
                    throw DslException.ofOptionValue(label + " needs a number, got " + describe(value), name);
                }
                put(options, spec, value.toString());
            }
            case TEXT -> {
                if (!(value instanceof String text)) {
                    String hint = value instanceof Number || value instanceof Boolean ? " (quote it)" : "";
                    throw DslException.ofOptionValue(label + " needs text, got " + describe(value) + hint, name);
                }
                put(options, spec, text);
            }
            case LIST -> {
                if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
                    throw DslException.ofOptionValue(label + " needs a list of text, got " + describe(value), name);
                }
                for (Object item : list) {
                    put(options, spec, (String) item);
                }
            }
        }
    }

    private static boolean isWholeNumber(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof BigInteger
                || value instanceof Short || value instanceof Byte;
    }

    private static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof String text) {
            return "text '" + text + "'";
        }
        if (value instanceof List<?>) {
            return "a list";
        }
        if (value instanceof Map<?, ?>) {
            return "a map";
        }
        return value.toString();
    }

    /** Stores one option given as text; errors name the option's value and have no column yet. */
    private static void put(Map<String, Object> options, OptionSpec spec, String value) throws DslException {
        String name = spec.name();
        switch (spec.kind()) {
            case FLAG -> options.put(name, Boolean.TRUE);
            case COUNT -> {
                long number;
                try {
                    number = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw DslException.ofOptionValue(
                            "option '--" + name + "' needs a whole number, got '" + value + "'", name);
                }
                if (number < 0) {
                    throw DslException.ofOptionValue("option '--" + name + "' must be 0 or more, got " + number, name);
                }
                options.put(name, number);
            }
            case DECIMAL -> {
                double number;
                try {
                    number = Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    throw DslException.ofOptionValue("option '--" + name + "' needs a number, got '" + value + "'", name);
                }
                if (!(number >= 0) || Double.isInfinite(number)) {
                    throw DslException.ofOptionValue("option '--" + name + "' must be 0 or more, got " + value, name);
                }
                options.put(name, number);
            }
            case TEXT -> {
                if (value.isEmpty()) {
                    throw DslException.ofOptionValue("option '--" + name + "' needs a non-empty value", name);
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
