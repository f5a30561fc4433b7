package io.director.cli;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Defaults that come from outside the command line, in the spec's order: an environment
 * variable {@code DIRECTOR_OPTION_NAME}, then the config file's {@code option-name} (or
 * {@code option_name}) key, then the option's own default. picocli asks this provider only for
 * options absent from the command line, which gives "command line > environment > file".
 */
public final class ConfigDefaults implements CommandLine.IDefaultValueProvider {

    public static final String DEFAULT_CONFIG_FILE = "/etc/director/config.yaml";

    private final Map<String, String> environment;
    private final Map<String, String> file;

    private ConfigDefaults(Map<String, String> environment, Map<String, String> file) {
        this.environment = environment;
        this.file = file;
    }

    /**
     * Reads the config file named by {@code --config-file} in {@code args}, else by
     * {@code DIRECTOR_CONFIG_FILE}, else the default path if it exists. A file named
     * explicitly must exist; an unknown key is an error naming it.
     */
    public static ConfigDefaults load(String[] args, Map<String, String> environment, Set<String> knownOptions) {
        String named = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config-file") && i + 1 < args.length) {
                named = args[i + 1];
            } else if (args[i].startsWith("--config-file=")) {
                named = args[i].substring("--config-file=".length());
            }
        }
        if (named == null) {
            named = environment.get("DIRECTOR_CONFIG_FILE");
        }
        Path path = Path.of(named == null ? DEFAULT_CONFIG_FILE : named);
        if (named == null && !Files.isReadable(path)) {
            return new ConfigDefaults(environment, Map.of());
        }
        return new ConfigDefaults(environment, readFile(path, knownOptions));
    }

    private static Map<String, String> readFile(Path path, Set<String> knownOptions) {
        Object document;
        try {
            document = new Load(LoadSettings.builder().setLabel(path.toString()).build())
                    .loadFromString(Files.readString(path));
        } catch (IOException e) {
            throw new CliException(ExitCodes.INVALID_INPUT, "cannot read the config file " + path + ": " + e.getMessage());
        } catch (YamlEngineException e) {
            throw new CliException(ExitCodes.INVALID_INPUT, "config file " + path + " is not valid YAML: "
                    + e.getMessage().replace('\n', ' '));
        }
        if (document == null) {
            return Map.of();
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new CliException(ExitCodes.INVALID_INPUT, "config file " + path
                    + " must be a map of option names to values");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey()).replace('_', '-').toLowerCase(Locale.ROOT);
            if (!knownOptions.contains(key)) {
                throw new CliException(ExitCodes.INVALID_INPUT, "config file " + path + ": unknown key '"
                        + entry.getKey() + "' (known: " + String.join(", ", new TreeSet<>(knownOptions)) + ")");
            }
            values.put(key, scalar(entry.getValue()));
        }
        return values;
    }

    private static String scalar(Object value) {
        if (value instanceof Map<?, ?> map) {
            List<String> pairs = new ArrayList<>();
            map.forEach((k, v) -> pairs.add(k + "=" + v));
            return String.join(",", pairs);
        }
        if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            list.forEach(v -> items.add(String.valueOf(v)));
            return String.join(",", items);
        }
        return value == null ? null : String.valueOf(value);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (!(argSpec instanceof CommandLine.Model.OptionSpec option) || !option.longestName().startsWith("--")) {
            return null;
        }
        String name = option.longestName().substring(2);
        String variable = "DIRECTOR_" + name.replace('-', '_').toUpperCase(Locale.ROOT);
        String fromEnvironment = environment.get(variable);
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        return file.get(name);
    }

    /** Every long option name (without dashes) of a command and its sub-commands. */
    public static Set<String> optionNames(CommandLine commandLine) {
        Set<String> names = new TreeSet<>();
        collect(commandLine, names);
        return names;
    }

    private static void collect(CommandLine commandLine, Set<String> names) {
        for (CommandLine.Model.OptionSpec option : commandLine.getCommandSpec().options()) {
            for (String name : option.names()) {
                if (name.startsWith("--")) {
                    names.add(name.substring(2));
                }
            }
        }
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            collect(sub, names);
        }
    }
}
