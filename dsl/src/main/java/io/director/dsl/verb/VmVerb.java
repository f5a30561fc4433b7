package io.director.dsl.verb;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code VM ACTION NAME [options]}: create, start, stop, destroy, inspect a virtual machine on
 * the node (spec: jails-vms.md). ACTION is written literally, because which options go with it
 * is checked here; NAME may be a template (the node checks it after rendering). Every option
 * belongs to one or two actions and is refused with any other.
 */
public final class VmVerb extends SimpleVerb {

    public static final String NAME = "VM";

    public static final String CREATE = "create";
    public static final String START = "start";
    public static final String STOP = "stop";
    public static final String DESTROY = "destroy";
    public static final String STATUS = "status";
    public static final String LIST = "list";
    public static final String CONSOLE = "console";
    public static final List<String> ACTIONS = List.of(CREATE, START, STOP, DESTROY, STATUS, LIST, CONSOLE);

    public static final String PROFILE = "profile";
    public static final String MEMORY = "memory";
    public static final String CPUS = "cpus";
    public static final String DISK = "disk";
    public static final String IMAGE = "image";
    public static final String KERNEL = "kernel";
    public static final String INITRD = "initrd";
    public static final String APPEND = "append";
    public static final String CLOUD_INIT = "cloud-init";
    public static final String RESTART = "restart";
    public static final String AUTOSTART = "autostart";
    public static final String ACCEL = "accel";
    public static final String FORCE = "force";
    public static final String LINES = "lines";
    /** {@code --project NAME}: tags the VM as part of a project, for placement and {@code destroy PROJECT}. */
    public static final String PROJECT = JailVerb.PROJECT;

    /** Lines {@code console} shows when {@code --lines} is not given. */
    public static final long DEFAULT_LINES = 50;
    public static final List<String> PROFILES = List.of("CS0", "CS1", "CS2", "CS3", "CS4", "CS5");
    public static final List<String> RESTART_POLICIES = List.of("no", "on-failure", "always");
    public static final List<String> ACCELERATORS = List.of("auto", "kvm", "tcg");

    /** The rule for VM (and jail) names, as the node also checks it after rendering. */
    public static final Pattern VM_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}");
    /** Memory and disk sizes: a whole number of mebibytes, gibibytes or tebibytes, e.g. 512M, 20G. */
    public static final Pattern SIZE = Pattern.compile("[1-9][0-9]{0,6}[MGT]");

    private static final Set<String> PATHS = Set.of(IMAGE, KERNEL, INITRD, CLOUD_INIT);
    private static final Set<String> EXPLICIT_SIZE = Set.of(MEMORY, CPUS, DISK);

    /** The actions each option goes with, in the order the options are listed. */
    private static final Map<String, List<String>> ACTIONS_OF_OPTION = actionsOfOption();

    public VmVerb() {
        super(NAME, Payload.REQUIRED, Runs.ALWAYS,
                OptionSpec.text(PROFILE, true),
                OptionSpec.text(MEMORY, true),
                OptionSpec.count(CPUS, true, null),
                OptionSpec.text(DISK, true),
                OptionSpec.text(IMAGE, true),
                OptionSpec.text(KERNEL, true),
                OptionSpec.text(INITRD, true),
                OptionSpec.text(APPEND, true),
                OptionSpec.text(CLOUD_INIT, true),
                OptionSpec.text(RESTART, true),
                OptionSpec.flag(AUTOSTART, true),
                OptionSpec.text(ACCEL, true),
                OptionSpec.flag(FORCE, true),
                OptionSpec.count(LINES, true, DEFAULT_LINES),
                OptionSpec.text(PROJECT, true));
    }

    private static Map<String, List<String>> actionsOfOption() {
        Map<String, List<String>> actions = new LinkedHashMap<>();
        for (String option : List.of(PROFILE, MEMORY, CPUS, DISK, IMAGE, KERNEL, INITRD, APPEND, CLOUD_INIT, RESTART,
                AUTOSTART, ACCEL, PROJECT)) {
            actions.put(option, List.of(CREATE));
        }
        actions.put(FORCE, List.of(STOP, DESTROY));
        actions.put(LINES, List.of(CONSOLE));
        return actions;
    }

    @Override
    public void validate(JobDefinition definition) throws DslException {
        List<ShellWords.Word> words = VerbChecks.words(definition);
        ShellWords.Word action = words.get(0);
        if (VerbChecks.hasTemplate(action.text())) {
            throw DslException.inPayload(NAME + " action '" + action.text()
                    + "' cannot be a template: write one of " + String.join(", ", ACTIONS), action.start() + 1);
        }
        if (!ACTIONS.contains(action.text())) {
            throw DslException.inPayload(NAME + " action '" + action.text() + "' is not one of "
                    + String.join(", ", ACTIONS), action.start() + 1);
        }
        String verb = action.text();
        if (verb.equals(LIST)) {
            if (words.size() > 1) {
                throw DslException.inPayload(NAME + " list takes no name, found '" + words.get(1).text() + "'",
                        words.get(1).start() + 1);
            }
        } else {
            if (words.size() < 2) {
                throw DslException.inPayload(NAME + " " + verb + " needs a VM name", action.end() + 1);
            }
            ShellWords.Word name = words.get(1);
            if (!VerbChecks.hasTemplate(name.text()) && !VM_NAME.matcher(name.text()).matches()) {
                throw DslException.inPayload(NAME + " name '" + name.text() + "' is not valid: use 1 to 63 letters, "
                        + "digits, '.', '_' or '-', starting with a letter or digit", name.start() + 1);
            }
            if (words.size() > 2) {
                throw DslException.inPayload(NAME + " " + verb + " takes one name, found another word '"
                        + words.get(2).text() + "'", words.get(2).start() + 1);
            }
        }
        for (Map.Entry<String, List<String>> entry : ACTIONS_OF_OPTION.entrySet()) {
            if (definition.options().containsKey(entry.getKey()) && !entry.getValue().contains(verb)) {
                throw DslException.ofOption("option '--" + entry.getKey() + "' does not go with " + NAME + " " + verb
                        + " (only with " + String.join(" and ", entry.getValue()) + ")", entry.getKey());
            }
        }
        if (verb.equals(CREATE)) {
            checkCreate(definition);
        }
        long lines = definition.count(LINES, DEFAULT_LINES);
        if (lines < 1) {
            throw DslException.ofOptionValue("option '--lines' must be 1 or more, got " + lines, LINES);
        }
    }

    private static void checkCreate(JobDefinition definition) throws DslException {
        Map<String, Object> options = definition.options();
        if (options.containsKey(PROFILE)) {
            for (String explicit : List.of(MEMORY, CPUS, DISK)) {
                if (options.containsKey(explicit)) {
                    throw DslException.ofOption("option '--" + explicit + "' does not go with --profile: give a "
                            + "profile or --memory, --cpus and --disk", explicit);
                }
            }
            checkChoice(definition, PROFILE, PROFILES);
        } else {
            List<String> missing = EXPLICIT_SIZE.stream().filter(o -> !options.containsKey(o)).sorted().toList();
            if (!missing.isEmpty()) {
                throw DslException.inPayload(NAME + " create needs --profile CS0…CS5 or all of --memory, --cpus and "
                        + "--disk; missing --" + String.join(", --", missing), definition.payload().length() + 1);
            }
        }
        for (String size : List.of(MEMORY, DISK)) {
            String value = definition.text(size);
            if (value != null && !VerbChecks.hasTemplate(value) && !SIZE.matcher(value).matches()) {
                throw DslException.ofOptionValue("option '--" + size + "' needs a size such as 512M, 20G or 1T, got '"
                        + value + "'", size);
            }
        }
        if (options.containsKey(CPUS) && (definition.count(CPUS, 0) < 1 || definition.count(CPUS, 0) > 255)) {
            throw DslException.ofOptionValue("option '--cpus' must be 1 to 255, got " + definition.count(CPUS, 0),
                    CPUS);
        }
        if (!options.containsKey(IMAGE) && !options.containsKey(KERNEL)) {
            throw DslException.inPayload(NAME + " create needs --image PATH or --kernel PATH",
                    definition.payload().length() + 1);
        }
        for (String kernelOnly : List.of(INITRD, APPEND)) {
            if (options.containsKey(kernelOnly) && !options.containsKey(KERNEL)) {
                throw DslException.ofOption("option '--" + kernelOnly + "' only goes with --kernel", kernelOnly);
            }
        }
        for (String path : List.of(IMAGE, KERNEL, INITRD, CLOUD_INIT)) {
            String value = definition.text(path);
            if (PATHS.contains(path) && value != null && !VerbChecks.hasTemplate(value) && !value.startsWith("/")) {
                throw DslException.ofOptionValue("option '--" + path + "' needs an absolute path, got '" + value + "'",
                        path);
            }
        }
        checkChoice(definition, RESTART, RESTART_POLICIES);
        checkChoice(definition, ACCEL, ACCELERATORS);
        String project = definition.text(PROJECT);
        if (project != null && !VerbChecks.hasTemplate(project) && !JailVerb.PROJECT_NAME.matcher(project).matches()) {
            throw DslException.ofOptionValue("option '--project' needs a project name (1 to 63 letters, digits, '.', "
                    + "'_' or '-', starting with a letter or digit), got '" + project + "'", PROJECT);
        }
    }

    private static void checkChoice(JobDefinition definition, String option, List<String> choices) throws DslException {
        String value = definition.text(option);
        if (value != null && !VerbChecks.hasTemplate(value) && !choices.contains(value)) {
            throw DslException.ofOptionValue("option '--" + option + "' must be one of " + String.join(", ", choices)
                    + ", got '" + value + "'", option);
        }
    }
}
