package io.director.cli;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Defaults that come from outside the command line, in the spec's order: an environment
 * variable {@code DIRECTOR_OPTION_NAME}, then the config file's {@code option-name} (or
 * {@code option_name}) key, then the option's own default. picocli asks this provider only for
 * options absent from the command line, which gives "command line > environment > file".
 */
public final class ConfigDefaults implements CommandLine.IDefaultValueProvider {

    public static final String DEFAULT_CONFIG_FILE = "/etc/director/config.yaml";

    /** Words a boolean option accepts from the file or the environment, as YAML 1.1 and shells write them. */
    private static final Map<String, String> BOOLEAN_WORDS = Map.of(
            "true", "true", "yes", "true", "on", "true", "1", "true",
            "false", "false", "no", "false", "off", "false", "0", "false");

    private final Map<String, String> environment;
    /** The config file read, or null. */
    private final Path path;
    private final Map<String, String> file;
    /** The key, as written, and the line that set each option in the file, for error messages. */
    private final Map<String, KeyLine> fileOrigins;

    private ConfigDefaults(Map<String, String> environment, Path path, Map<String, String> file,
                           Map<String, KeyLine> fileOrigins) {
        this.environment = environment;
        this.path = path;
        this.file = file;
        this.fileOrigins = fileOrigins;
    }

    /**
     * Reads the config file named by {@code --config-file} in {@code args}, else by
     * {@code DIRECTOR_CONFIG_FILE}, else the default path if it exists. A file named
     * explicitly must exist; an unknown key is an error naming it.
     */
    public static ConfigDefaults load(String[] args, Map<String, String> environment, Set<String> knownOptions) {
        return load(args, environment, knownOptions, () -> knownOptions);
    }

    /**
     * As {@link #load(String[], Map, Set)}, for a command line built with only the sub-command
     * that runs: a key none of its options knows is checked against every option of every
     * sub-command, which are only then gathered, once (a server's file sets server options, and
     * a {@code manage} on that host must accept them).
     */
    public static ConfigDefaults load(String[] args, Map<String, String> environment, Set<String> loadedOptions,
                                      Supplier<Set<String>> everyOption) {
        String named = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config-file") && i + 1 < args.length) {
                named = args[i + 1];
            } else if (args[i].startsWith("--config-file=")) {
                named = args[i].substring("--config-file=".length());
            }
        }
        if (named == null && !environment.getOrDefault("DIRECTOR_CONFIG_FILE", "").isEmpty()) {
            named = environment.get("DIRECTOR_CONFIG_FILE");
        }
        Path path = Path.of(named == null ? DEFAULT_CONFIG_FILE : named);
        if (named == null && !Files.isReadable(path)) {
            return new ConfigDefaults(environment, null, Map.of(), Map.of());
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, KeyLine> origins = new HashMap<>();
        readFile(path, loadedOptions, everyOption, values, origins);
        return new ConfigDefaults(environment, path, values, origins);
    }

    private static void readFile(Path path, Set<String> loadedOptions, Supplier<Set<String>> everyOption,
                                 Map<String, String> values, Map<String, KeyLine> origins) {
        Set<String> known = loadedOptions; // widened to every option at the first key it lacks
        boolean widened = false;
        Optional<Node> document;
        try {
            // Composed, not constructed: a value keeps the text written (identity: 007 stays "007").
            document = new Compose(LoadSettings.builder().setLabel(path.toString()).build())
                    .composeString(Files.readString(path));
        } catch (IOException e) {
            throw new CliException(ExitCodes.INVALID_INPUT, "cannot read the config file " + path + ": " + e.getMessage());
        } catch (YamlEngineException e) {
            throw new CliException(ExitCodes.INVALID_INPUT, "config file " + path + " is not valid YAML: "
                    + e.getMessage().replace('\n', ' '));
        }
        if (document.isEmpty() || isNull(document.get())) {
            return;
        }
        if (!(document.get() instanceof MappingNode map)) {
            throw new CliException(ExitCodes.INVALID_INPUT, "config file " + path
                    + " must be a map of option names to values");
        }
        for (NodeTuple entry : map.getValue()) {
            String where = path + ":" + line(entry.getKeyNode());
            if (!(entry.getKeyNode() instanceof ScalarNode keyNode)) {
                throw new CliException(ExitCodes.INVALID_INPUT, "config file " + where + ": a key must be an option name");
            }
            String written = keyNode.getValue();
            String key = written.replace('_', '-').toLowerCase(Locale.ROOT);
            if (key.equals("config-file")) {
                throw new CliException(ExitCodes.INVALID_INPUT, "config file " + where
                        + ": 'config-file' cannot be set in a config file (use --config-file or DIRECTOR_CONFIG_FILE)");
            }
            if (!known.contains(key) && !widened) {
                known = everyOption.get();
                widened = true;
            }
            if (!known.contains(key)) {
                throw new CliException(ExitCodes.INVALID_INPUT, "config file " + where + ": unknown key '" + written
                        + "' (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
            KeyLine first = origins.putIfAbsent(key, new KeyLine(written, line(keyNode)));
            if (first != null) {
                throw new CliException(ExitCodes.INVALID_INPUT, "config file " + where + ": '" + written
                        + "' sets the same option as '" + first.key() + "' on line " + first.line());
            }
            String value = scalar(entry.getValueNode());
            if (value != null) {
                values.put(key, value);
            }
        }
    }

    private record KeyLine(String key, String line) {
    }

    private static String line(Node node) {
        return node.getStartMark().map(mark -> Integer.toString(mark.getLine() + 1)).orElse("?");
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && scalar.isPlain()
                && Set.of("", "~", "null", "Null", "NULL").contains(scalar.getValue());
    }

    /** A value as option text: a map is {@code k=v,k=v} (labels), a list is {@code a,b}, null is absent. */
    private static String scalar(Node node) {
        if (isNull(node)) {
            return null;
        }
        if (node instanceof MappingNode map) {
            List<String> pairs = new ArrayList<>();
            for (NodeTuple tuple : map.getValue()) {
                pairs.add(scalar(tuple.getKeyNode()) + "=" + scalar(tuple.getValueNode()));
            }
            return String.join(",", pairs);
        }
        if (node instanceof SequenceNode list) {
            List<String> items = new ArrayList<>();
            list.getValue().forEach(item -> items.add(scalar(item)));
            return String.join(",", items);
        }
        return ((ScalarNode) node).getValue();
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (!(argSpec instanceof CommandLine.Model.OptionSpec option) || !configurable(option)) {
            return null;
        }
        String value = null;
        String variable = environmentName(option);
        if (variable != null) {
            value = environment.get(variable);
        } else {
            String key = fileKey(option);
            value = key == null ? null : file.get(key);
        }
        if (value != null && (option.type() == boolean.class || option.type() == Boolean.class)) {
            return BOOLEAN_WORDS.getOrDefault(value.trim().toLowerCase(Locale.ROOT), value);
        }
        return value;
    }

    /**
     * Where the value of an option absent from the command line came from: the environment
     * variable, or the config file and its key, or null when it is the option's own default.
     */
    public String origin(CommandLine.Model.OptionSpec option) {
        if (!configurable(option)) {
            return null;
        }
        String variable = environmentName(option);
        if (variable != null) {
            return "environment variable " + variable;
        }
        String key = fileKey(option);
        return key == null ? null
                : "config file " + path + ":" + fileOrigins.get(key).line() + ", key '" + fileOrigins.get(key).key() + "'";
    }

    /** The variable that sets this option (any of its long names), if one is set; empty counts as unset. */
    private String environmentName(CommandLine.Model.OptionSpec option) {
        for (String name : option.names()) {
            String value = name.startsWith("--") ? environment.get(variable(name.substring(2))) : null;
            if (value != null && !value.isEmpty()) {
                return variable(name.substring(2));
            }
        }
        return null;
    }

    /** The file's (normalised) key that sets this option (any of its long names), if it has one. */
    private String fileKey(CommandLine.Model.OptionSpec option) {
        for (String name : option.names()) {
            if (name.startsWith("--") && file.containsKey(name.substring(2))) {
                return name.substring(2);
            }
        }
        return null;
    }

    /** {@code DIRECTOR_} and the option name in upper snake case ({@code --shared-key} → {@code DIRECTOR_SHARED_KEY}). */
    public static String variable(String optionName) {
        return "DIRECTOR_" + optionName.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * Whether the environment and the file may set an option. Not {@code --help} and
     * {@code --version}, which print and exit, nor a command's one action out of an exclusive
     * group ({@code manage --purge-jobs}), which would then run at every call.
     * <p>A boolean flag needs {@code fallbackValue = "true"}: picocli sets a flag given on the command
     * line to the opposite of its default, so {@code debug: true} in the file would make
     * {@code --debug} turn debugging off.
     */
    public static boolean configurable(CommandLine.Model.OptionSpec option) {
        return option.longestName().startsWith("--") && !option.usageHelp() && !option.versionHelp()
                && (option.group() == null || !option.group().exclusive());
    }

    /** Every long option name (without dashes) of a command and its sub-commands that a file may set. */
    public static Set<String> optionNames(CommandLine commandLine) {
        Set<String> names = new TreeSet<>();
        collect(commandLine, names);
        names.remove("config-file");
        return names;
    }

    private static void collect(CommandLine commandLine, Set<String> names) {
        for (CommandLine.Model.OptionSpec option : commandLine.getCommandSpec().options()) {
            if (!configurable(option)) {
                continue;
            }
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
