package io.director.dsl.verb;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code JAIL [options] ACTION NAME [-- COMMAND…]}: create and control a jail on the node
 * (spec: jails-vms.md). As for every verb, options lead and the payload is the rest:
 * {@code JAIL --template busybox --hostname web1 create web1}, {@code JAIL exec web1 -- ps}.
 * Each option goes only with the actions the spec gives it; {@code stop} takes its grace from
 * the common {@code --timeout}. Always runs: the node answers {@code unchanged} when the jail
 * is already as asked.
 */
public final class JailVerb extends SimpleVerb {

    public static final String NAME = "JAIL";
    public static final String ROOT = "root";
    public static final String TEMPLATE = "template";
    public static final String HOSTNAME = "hostname";
    public static final String NETWORK = "network";
    public static final String MOUNT = "mount";
    public static final String MEMORY = "memory";
    public static final String CPUS = "cpus";
    public static final String ENV = "env";
    public static final String RESTART = "restart";
    public static final String AUTOSTART = "autostart";
    public static final String FORCE = "force";
    /** {@code --project NAME}: tags the jail as part of a project, for placement and {@code destroy PROJECT}. */
    public static final String PROJECT = "project";
    /** The rule for project names (as for jail names). */
    public static final Pattern PROJECT_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}");

    /** The actions, in the order the spec lists them. */
    public static final List<String> ACTIONS = List.of("create", "start", "exec", "stop", "destroy", "status", "list");
    public static final Pattern JAIL_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}");
    public static final Pattern SIZE = Sizes.SIZE;
    public static final List<String> NETWORKS = List.of("none", "host");
    public static final List<String> RESTARTS = List.of("no", "on-failure", "always");

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern ENV_PAIR = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*", Pattern.DOTALL);

    /** Which action each option goes with; options not listed go with every action. */
    private static final Map<String, String> ONLY_WITH = Map.ofEntries(
            Map.entry(ROOT, "create"), Map.entry(TEMPLATE, "create"), Map.entry(HOSTNAME, "create"),
            Map.entry(NETWORK, "create"), Map.entry(MOUNT, "create"), Map.entry(MEMORY, "create"),
            Map.entry(CPUS, "create"), Map.entry(ENV, "create"), Map.entry(RESTART, "create"),
            Map.entry(AUTOSTART, "create"), Map.entry(FORCE, "destroy"), Map.entry(PROJECT, "create"));

    public JailVerb() {
        super(NAME, Payload.OPTIONAL, Runs.ALWAYS,
                OptionSpec.text(ROOT, true),
                OptionSpec.text(TEMPLATE, true),
                OptionSpec.text(HOSTNAME, true),
                OptionSpec.text(NETWORK, true),
                OptionSpec.list(MOUNT, true),
                OptionSpec.text(MEMORY, true),
                OptionSpec.decimal(CPUS, true),
                OptionSpec.list(ENV, true),
                OptionSpec.text(RESTART, true),
                OptionSpec.flag(AUTOSTART, true),
                OptionSpec.flag(FORCE, true),
                OptionSpec.text(PROJECT, true));
    }

    /** The payload read: action, jail name (null for list) and the command after {@code --} (maybe empty). */
    public record Request(String action, String name, List<String> command) {
    }

    /**
     * Reads a payload ({@code ACTION [NAME] [-- COMMAND…]}); the node calls this on the rendered
     * payload, the parser (through {@link #validate}) on the written one.
     */
    public static Request request(String payload) throws DslException {
        List<ShellWords.Word> words = ShellWords.splitKeepingTemplates(payload);
        if (words.isEmpty()) {
            throw DslException.inPayload(NAME + " needs an action: " + String.join(", ", ACTIONS), 1);
        }
        ShellWords.Word actionWord = words.get(0);
        String action = actionWord.text();
        if (!ACTIONS.contains(action)) {
            throw DslException.inPayload("unknown " + NAME + " action '" + action + "' (known: "
                    + String.join(", ", ACTIONS) + ")", actionWord.start() + 1);
        }
        int dashes = -1;
        for (int i = 1; i < words.size(); i++) {
            if (payload.substring(words.get(i).start(), words.get(i).end()).equals("--")) {
                dashes = i;
                break;
            }
        }
        List<ShellWords.Word> beforeCommand = words.subList(1, dashes < 0 ? words.size() : dashes);
        List<String> command = dashes < 0 ? List.of()
                : words.subList(dashes + 1, words.size()).stream().map(ShellWords.Word::text).toList();
        for (ShellWords.Word word : beforeCommand) {
            if (word.text().startsWith("--")) {
                throw DslException.inPayload("option '" + word.text() + "' must come before the action: write '"
                        + NAME + " " + word.text() + " … " + action + " …'", word.start() + 1);
            }
        }
        String name = null;
        if (action.equals("list")) {
            if (!beforeCommand.isEmpty()) {
                throw DslException.inPayload(NAME + " list takes no jail name, found '" + beforeCommand.get(0).text()
                        + "'", beforeCommand.get(0).start() + 1);
            }
        } else {
            if (beforeCommand.isEmpty()) {
                int end = dashes < 0 ? payload.length() + 1 : words.get(dashes).start() + 1;
                throw DslException.inPayload(NAME + " " + action + " needs a jail name", end);
            }
            ShellWords.Word nameWord = beforeCommand.get(0);
            name = nameWord.text();
            if (!VerbChecks.hasTemplate(name) && !JAIL_NAME.matcher(name).matches()) {
                throw DslException.inPayload("jail name '" + name + "' is not valid: use 1 to 63 letters, digits, "
                        + "'.', '_' or '-', starting with a letter or digit", nameWord.start() + 1);
            }
            if (beforeCommand.size() > 1) {
                ShellWords.Word extra = beforeCommand.get(1);
                String hint = action.equals("start") || action.equals("exec") ? ": put the command after '--'" : "";
                throw DslException.inPayload(NAME + " " + action + " takes one jail name, found another word '"
                        + extra.text() + "'" + hint, extra.start() + 1);
            }
        }
        boolean takesCommand = action.equals("start") || action.equals("exec");
        if (dashes >= 0 && !takesCommand) {
            throw DslException.inPayload(NAME + " " + action + " takes no command", words.get(dashes).start() + 1);
        }
        if (action.equals("exec") && command.isEmpty()) {
            throw DslException.inPayload(NAME + " exec needs a command after '--'", payload.length() + 1);
        }
        return new Request(action, name, command);
    }

    @Override
    public void validate(JobDefinition definition) throws DslException {
        Request request = request(definition.payload());
        for (String option : definition.options().keySet()) {
            String only = ONLY_WITH.get(option);
            if (only != null && !only.equals(request.action())) {
                throw DslException.ofOption("option '--" + option + "' only goes with " + NAME + " " + only
                        + ", not " + request.action(), option);
            }
        }
        if (!request.action().equals("create")) {
            return;
        }
        boolean root = definition.options().containsKey(ROOT);
        boolean template = definition.options().containsKey(TEMPLATE);
        if (root == template) {
            if (root) {
                throw DslException.ofOption(NAME + " create takes only one of --root or --template, found both",
                        TEMPLATE);
            }
            throw DslException.inPayload(NAME + " create needs --root DIR or --template NAME", 1);
        }
        String rootDir = definition.text(ROOT);
        if (rootDir != null && !VerbChecks.hasTemplate(rootDir) && !rootDir.startsWith("/")) {
            throw DslException.ofOptionValue("option '--root' needs an absolute path, got '" + rootDir + "'", ROOT);
        }
        String templateName = definition.text(TEMPLATE);
        if (templateName != null && !VerbChecks.hasTemplate(templateName)
                && !JAIL_NAME.matcher(templateName).matches()) {
            throw DslException.ofOptionValue("option '--template' needs a template name (letters, digits, '.', '_', "
                    + "'-'), got '" + templateName + "'", TEMPLATE);
        }
        checkLiteral(definition, HOSTNAME, HOST, "option '--hostname' needs a host name (letters, digits, '-', "
                + "dot-separated labels), got '%s'");
        checkLiteral(definition, PROJECT, PROJECT_NAME, "option '--project' needs a project name (1 to 63 letters, "
                + "digits, '.', '_' or '-', starting with a letter or digit), got '%s'");
        checkChoice(definition, NETWORK, NETWORKS);
        checkChoice(definition, RESTART, RESTARTS);
        for (String mount : definition.list(MOUNT)) {
            if (!VerbChecks.hasTemplate(mount)) {
                checkMount(mount);
            }
        }
        String memory = definition.text(MEMORY);
        if (memory != null && !VerbChecks.hasTemplate(memory) && parseSize(memory) <= 0) {
            throw DslException.ofOptionValue("option '--memory' needs a size above 0 such as 64M or 1G, got '"
                    + memory + "'", MEMORY);
        }
        if (definition.options().containsKey(CPUS) && definition.decimal(CPUS, 0) <= 0) {
            throw DslException.ofOptionValue("option '--cpus' must be more than 0, got "
                    + definition.options().get(CPUS), CPUS);
        }
        for (String pair : definition.list(ENV)) {
            if (!VerbChecks.hasTemplate(pair) && !ENV_PAIR.matcher(pair).matches()) {
                throw DslException.ofOptionValue("option '--env' needs KEY=VALUE with KEY of letters, digits and "
                        + "'_', got '" + pair + "'", ENV);
            }
        }
    }

    /** Bytes of a size such as {@code 64M}, {@code 1G} or {@code 4096}; -1 when it is not one. */
    public static long parseSize(String size) {
        return Sizes.bytes(size);
    }

    /** {@code SRC:DST[:ro]} with absolute paths; throws an error about {@code --mount}'s value. */
    public static void checkMount(String mount) throws DslException {
        String[] parts = mount.split(":", -1);
        boolean shape = (parts.length == 2 || parts.length == 3 && parts[2].equals("ro"));
        if (!shape || !parts[0].startsWith("/") || !parts[1].startsWith("/")) {
            throw DslException.ofOptionValue("option '--mount' needs SRC:DST[:ro] with absolute paths, got '"
                    + mount + "'", MOUNT);
        }
        if (List.of(parts[1].split("/")).contains("..")) {
            throw DslException.ofOptionValue("option '--mount' destination may not contain '..', got '"
                    + mount + "'", MOUNT);
        }
    }

    private static void checkLiteral(JobDefinition definition, String option, Pattern pattern, String message)
            throws DslException {
        String value = definition.text(option);
        if (value != null && !VerbChecks.hasTemplate(value) && !pattern.matcher(value).matches()) {
            throw DslException.ofOptionValue(String.format(message, value), option);
        }
    }

    private static void checkChoice(JobDefinition definition, String option, List<String> choices)
            throws DslException {
        String value = definition.text(option);
        if (value != null && !VerbChecks.hasTemplate(value) && !choices.contains(value)) {
            throw DslException.ofOptionValue("option '--" + option + "' needs one of " + String.join(", ", choices)
                    + ", got '" + value + "'", option);
        }
    }
}
