package io.director.dsl.orchestration;

import io.director.dsl.placement.Placement;
import io.director.dsl.placement.TargetSelector;
import io.director.dsl.verb.CommonOptions;
import io.director.dsl.verb.JailVerb;
import io.director.dsl.verb.VmVerb;
import io.director.dsl.verb.DslException;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.JobParser;
import io.director.dsl.verb.OptionSpec;
import io.director.dsl.verb.Verb;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads one orchestration file, collecting every problem instead of stopping at the first. The
 * file is composed to YAML nodes, not constructed to Java objects, so that every value keeps
 * the line and column it was written at.
 */
final class OrchestrationReader {

    static final List<String> BLOCK_KEYS = List.of("name", "targets", "async", "placement", "jobs");

    private static final String NAME = "name";
    private static final String TARGETS = "targets";
    private static final String ASYNC = "async";
    private static final String JOBS = "jobs";
    private static final String PLACEMENT = "placement";
    private static final String VARS = "vars";

    /**
     * Deepest nesting of lists and maps accepted. A real file nests about six levels; composing
     * YAML recurses once per level, so a file of a million '[' would overflow the stack.
     */
    static final int MAX_NESTING = 64;

    /**
     * Largest file read: real ones are a few kB. Reading stops there, so a huge file or a device
     * cannot exhaust the memory, and the YAML loader, slower than linear on one huge value
     * (4 s for 3 MB), takes well under a second.
     */
    static final int MAX_FILE_BYTES = 1024 * 1024;

    // non-scalar keys are allowed through, so they get a positioned problem of their own
    private static final LoadSettings SETTINGS = LoadSettings.builder()
            .setSchema(new CoreSchema())
            .setAllowNonScalarKeys(true)
            .setCodePointLimit(MAX_FILE_BYTES)
            .build();

    private final Path file;
    private final JobParser parser;
    private final List<Problem> problems = new ArrayList<>();

    OrchestrationReader(Path file, JobParser parser) {
        this.file = file;
        this.parser = parser;
    }

    /** The problems found, by line and column; empty when {@link #read} returned an orchestration. */
    List<Problem> problems() {
        return problems.stream()
                .sorted(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column))
                .toList();
    }

    /** The orchestration, or null when the file has problems. */
    Orchestration read() {
        Optional<String> text = readText();
        if (text.isEmpty()) {
            return null;
        }
        Optional<Node> root;
        try {
            if (isBomb(text.get())) {
                return null;
            }
            root = new Compose(SETTINGS).composeString(text.get());
        } catch (YamlEngineException e) {
            Optional<Mark> mark = e instanceof MarkedYamlEngineException marked
                    ? marked.getProblemMark().or(marked::getContextMark) : Optional.empty();
            problem(mark.map(m -> m.getLine() + 1).orElse(1), mark.map(m -> m.getColumn() + 1).orElse(1),
                    "invalid YAML: " + describe(e));
            return null;
        }
        if (root.isEmpty() || isNull(root.get())) {
            problem(1, 1, "the file is empty: write a list of blocks, each with 'jobs'");
            return null;
        }
        if (!(root.get() instanceof SequenceNode list)) {
            problem(root.get(), "the top level must be a list of blocks ('- jobs: …'), found " + found(root.get()));
            return null;
        }
        if (list.getValue().isEmpty()) {
            problem(list, "the list of blocks is empty: add a block with 'jobs'");
            return null;
        }
        List<Block> blocks = new ArrayList<>();
        for (Node node : list.getValue()) {
            blocks.add(block(blocks.size() + 1, node));
        }
        return problems.isEmpty() ? new Orchestration(file, blocks) : null;
    }

    /**
     * Whether the text nests lists and maps deeper than {@link #MAX_NESTING} or refers to them
     * by more aliases than the composer allows (a "billion laughs"), with a problem where it
     * first does. Read from the parser's events, which it makes without recursing and before
     * anything is expanded; the composer would refuse too many aliases too, but not say where.
     */
    private boolean isBomb(String text) {
        int depth = 0;
        int aliases = 0;
        Set<String> collectionAnchors = new HashSet<>();
        for (Event event : new Parse(SETTINGS).parseString(text)) {
            if (event instanceof CollectionStartEvent start) {
                start.getAnchor().ifPresent(anchor -> collectionAnchors.add(anchor.getValue()));
                if (++depth > MAX_NESTING) {
                    return problemAt(event, "lists and maps nested more than " + MAX_NESTING + " levels deep");
                }
            } else if (event instanceof CollectionEndEvent) {
                depth--;
            } else if (event instanceof ScalarEvent scalar) {
                scalar.getAnchor().ifPresent(anchor -> collectionAnchors.remove(anchor.getValue()));
            } else if (event instanceof AliasEvent alias && alias.getAlias() != null
                    && collectionAnchors.contains(alias.getAlias().getValue())
                    && ++aliases > SETTINGS.getMaxAliasesForCollections()) {
                return problemAt(event, "more than " + SETTINGS.getMaxAliasesForCollections()
                        + " aliases of lists or maps");
            }
        }
        return false;
    }

    private boolean problemAt(Event event, String what) {
        Optional<Mark> mark = event.getStartMark();
        problem(mark.map(m -> m.getLine() + 1).orElse(1), mark.map(m -> m.getColumn() + 1).orElse(1),
                "invalid YAML: " + what);
        return true;
    }

    private Optional<String> readText() {
        try {
            if (Files.isDirectory(file)) {
                problem(1, 1, "is a directory, not an orchestration file");
                return Optional.empty();
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            }
            if (bytes.length > MAX_FILE_BYTES) {
                problem(1, 1, "larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MiB: not an orchestration file");
                return Optional.empty();
            }
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (NoSuchFileException e) {
            problem(1, 1, "no such file");
        } catch (CharacterCodingException e) {
            problem(1, 1, "not valid UTF-8 text");
        } catch (IOException e) {
            // the reason alone: the message of a FileSystemException repeats the path
            String reason = e instanceof FileSystemException failure && failure.getReason() != null
                    ? failure.getReason() : e.getMessage();
            problem(1, 1, "cannot read the file: " + reason);
        }
        return Optional.empty();
    }

    private Block block(int index, Node node) {
        if (!(node instanceof MappingNode map)) {
            problem(node, "a block must be a map with 'jobs', found " + found(node));
            return null;
        }
        Map<String, NodeTuple> entries = entries(map);
        entries.forEach((key, entry) -> {
            if (!BLOCK_KEYS.contains(key)) {
                problem(entry.getKeyNode(), "unknown block key '" + key + "' (known: "
                        + String.join(", ", BLOCK_KEYS) + ")");
            }
        });
        String name = entries.containsKey(NAME) ? text(entries.get(NAME)) : null;
        List<String> targets = entries.containsKey(TARGETS) ? targets(entries.get(TARGETS)) : List.of();
        boolean async = entries.containsKey(ASYNC) && async(entries.get(ASYNC));
        List<OrchestrationJob> jobs = new ArrayList<>();
        if (!entries.containsKey(JOBS)) {
            problem(map, "the block has no 'jobs': add a list of jobs");
        } else {
            jobs = jobs(entries.get(JOBS));
        }
        Placement placement = entries.containsKey(PLACEMENT) ? placement(entries.get(PLACEMENT)) : null;
        String project = project(jobs, entries.get(PLACEMENT), placement);
        return new Block(index, name, targets == null ? List.of() : targets, async, jobs, line(map), placement,
                project);
    }

    /**
     * {@code placement: STRATEGY}, {@code placement: {single: NODE}} or
     * {@code placement: {scale: {min: N, max: M, load_above: X, memory_above: Y, stabilize: S}}}.
     */
    private Placement placement(NodeTuple entry) {
        Node value = entry.getValueNode();
        try {
            if (value instanceof ScalarNode scalar && scalar.getTag().equals(Tag.STR)) {
                return Placement.parse(scalar.getValue());
            }
            if (value instanceof MappingNode map && map.getValue().size() == 1) {
                NodeTuple only = map.getValue().get(0);
                if (!(only.getKeyNode() instanceof ScalarNode)) {
                    problem(only.getKeyNode(), "a placement key must be a word, found " + found(only.getKeyNode()));
                    return null;
                }
                String strategy = keyOf(only);
                if (strategy.equals(Placement.SINGLE)) {
                    Node node = only.getValueNode();
                    if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.STR)
                            && !scalar.getValue().isBlank()) {
                        return Placement.single(scalar.getValue());
                    }
                    problem(at(only), "'single' needs a node name, found " + found(node) + quoteHint(node));
                    return null;
                }
                if (strategy.equals(Placement.SCALE)) {
                    return scale(only);
                }
                if (Placement.STRATEGIES.contains(strategy)) {
                    problem(only.getKeyNode(), "placement '" + strategy + "' takes no settings: write 'placement: "
                            + strategy + "'");
                    return null;
                }
                problem(only.getKeyNode(), "unknown placement '" + strategy + "' (known: "
                        + String.join(", ", Placement.STRATEGIES) + ")");
                return null;
            }
        } catch (IllegalArgumentException e) {
            problem(at(entry), e.getMessage());
            return null;
        }
        problem(at(entry), "'placement' must be one of " + String.join(", ", Placement.STRATEGIES)
                + " (single as 'single: NODE', scale as 'scale: {min: N, max: M}'), found " + found(value));
        return null;
    }

    private Placement scale(NodeTuple entry) {
        Node value = entry.getValueNode();
        if (!(value instanceof MappingNode map)) {
            problem(at(entry), "'scale' needs a map such as {min: 1, max: 3}, found " + found(value));
            return null;
        }
        Map<String, NodeTuple> settings = entries(map);
        boolean bad = false;
        for (Map.Entry<String, NodeTuple> setting : settings.entrySet()) {
            if (!Placement.SCALE_KEYS.contains(setting.getKey())) {
                problem(setting.getValue().getKeyNode(), "unknown key '" + setting.getKey() + "' in scale (known: "
                        + String.join(", ", Placement.SCALE_KEYS) + ")");
                bad = true;
            }
        }
        for (String required : List.of("min", "max")) {
            if (!settings.containsKey(required)) {
                problem(map, "scale needs '" + required + "': write 'scale: {min: N, max: M}'");
                bad = true;
            }
        }
        Long min = settings.containsKey("min") ? whole(settings.get("min")) : null;
        Long max = settings.containsKey("max") ? whole(settings.get("max")) : null;
        Double load = settings.containsKey("load_above") ? decimal(settings.get("load_above")) : null;
        Double memory = settings.containsKey("memory_above") ? decimal(settings.get("memory_above")) : null;
        Long stabilize = settings.containsKey("stabilize") ? whole(settings.get("stabilize")) : null;
        if (bad || min == null || max == null || (settings.containsKey("load_above") && load == null)
                || (settings.containsKey("memory_above") && memory == null)
                || (settings.containsKey("stabilize") && stabilize == null)) {
            return null;
        }
        try {
            return Placement.scale(min.intValue(), max.intValue(), load, memory, stabilize);
        } catch (IllegalArgumentException e) {
            problem(map, e.getMessage());
            return null;
        }
    }

    private Long whole(NodeTuple entry) {
        Node value = entry.getValueNode();
        if (value instanceof ScalarNode scalar && scalar.getTag().equals(Tag.INT)) {
            try {
                long number = Long.parseLong(scalar.getValue());
                if (number >= 0 && number <= Integer.MAX_VALUE) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        problem(at(entry), "'" + keyOf(entry) + "' needs a whole number, found " + found(value));
        return null;
    }

    private Double decimal(NodeTuple entry) {
        Node value = entry.getValueNode();
        if (value instanceof ScalarNode scalar && (scalar.getTag().equals(Tag.INT) || scalar.getTag().equals(Tag.FLOAT))) {
            try {
                return Double.parseDouble(scalar.getValue());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        problem(at(entry), "'" + keyOf(entry) + "' needs a number, found " + found(value));
        return null;
    }

    /**
     * The project of the block: the {@code --project} of its JAIL and VM creates (all the same).
     * Strategies that count a project's workloads need one, written literally.
     */
    private String project(List<OrchestrationJob> jobs, NodeTuple placementEntry, Placement placement) {
        java.util.Set<String> projects = new java.util.LinkedHashSet<>();
        for (OrchestrationJob job : jobs) {
            String project = job.definition().text(JailVerb.PROJECT);
            if (project != null && List.of(JailVerb.NAME, VmVerb.NAME).contains(job.definition().verb())) {
                projects.add(project);
            }
        }
        if (projects.size() > 1) {
            problem(placementEntry == null ? 1 : line(placementEntry.getKeyNode()),
                    placementEntry == null ? 1 : column(placementEntry.getKeyNode()),
                    "the block's jobs name several projects (" + String.join(", ", projects) + "): a block places one");
            return null;
        }
        String project = projects.isEmpty() ? null : projects.iterator().next();
        if (placement != null && placement.needsProject()) {
            if (project == null) {
                problem(placementEntry.getKeyNode(), "placement '" + placement.strategy() + "' counts a project's "
                        + "workloads: give the block's JAIL or VM create a --project NAME");
                return null;
            }
            if (project.contains("{{") || project.contains("{%")) {
                problem(placementEntry.getKeyNode(), "placement '" + placement.strategy() + "' needs the project "
                        + "written literally, not the template '" + project + "'");
                return null;
            }
        }
        return project;
    }

    private List<String> targets(NodeTuple entry) {
        Node value = entry.getValueNode();
        if (value instanceof ScalarNode scalar && scalar.getTag().equals(Tag.STR)) {
            problem(value, "'targets' must be a list, found '" + scalar.getValue() + "': write ["
                    + scalar.getValue() + "]");
            return null;
        }
        if (!(value instanceof SequenceNode list)) {
            problem(at(entry), "'targets' must be a list of node names, found " + found(value));
            return null;
        }
        if (list.getValue().isEmpty()) {
            problem(value, "'targets' is empty: name at least one node, or leave 'targets' out for every live node");
            return null;
        }
        List<String> targets = new ArrayList<>();
        for (Node item : list.getValue()) {
            if (item instanceof ScalarNode scalar && scalar.getTag().equals(Tag.STR) && !scalar.getValue().isEmpty()) {
                try {
                    TargetSelector.parse(scalar.getValue());
                } catch (IllegalArgumentException e) {
                    problem(item, e.getMessage());
                    continue;
                }
                targets.add(scalar.getValue());
            } else {
                problem(item, "a target must be a node name, found " + found(item) + quoteHint(item));
            }
        }
        return targets;
    }

    private boolean async(NodeTuple entry) {
        Node value = entry.getValueNode();
        if (value instanceof ScalarNode scalar && scalar.getTag().equals(Tag.BOOL)) {
            return Boolean.parseBoolean(scalar.getValue().toLowerCase(Locale.ROOT));
        }
        problem(at(entry), "'async' must be true or false, found " + found(value));
        return false;
    }

    private List<OrchestrationJob> jobs(NodeTuple entry) {
        Node value = entry.getValueNode();
        if (isNull(value) || value instanceof SequenceNode list && list.getValue().isEmpty()) {
            problem(at(entry), "'jobs' is empty: add at least one job");
            return List.of();
        }
        if (!(value instanceof SequenceNode list)) {
            problem(value, "'jobs' must be a list of jobs, found " + found(value));
            return List.of();
        }
        List<OrchestrationJob> jobs = new ArrayList<>();
        for (Node item : list.getValue()) {
            OrchestrationJob job = job(item);
            if (job != null) {
                jobs.add(job);
            }
        }
        return jobs;
    }

    private OrchestrationJob job(Node node) {
        if (!(node instanceof MappingNode map)) {
            problem(node, "a job must be a map such as 'RUN: echo hi', found " + found(node));
            return null;
        }
        Map<String, NodeTuple> entries = entries(map);
        List<NodeTuple> verbs = new ArrayList<>();
        List<NodeTuple> others = new ArrayList<>();
        entries.forEach((key, entry) -> {
            if (parser.registry().find(key).isPresent()) {
                verbs.add(entry);
            } else if (!key.equals(NAME) && !key.equals(VARS)) {
                others.add(entry);
            }
        });
        if (verbs.isEmpty()) {
            if (others.isEmpty()) {
                problem(map, "the job has no verb: add one such as 'RUN: echo hi'");
            } else {
                NodeTuple unknown = others.remove(0);
                problem(unknown.getKeyNode(), "unknown verb '" + keyOf(unknown) + "' (known: "
                        + String.join(", ", parser.registry().names()) + ")");
            }
        }
        for (int i = 1; i < verbs.size(); i++) {
            problem(verbs.get(i).getKeyNode(), "the job has two verbs, '" + keyOf(verbs.get(0)) + "' and '"
                    + keyOf(verbs.get(i)) + "': split it into two jobs");
        }
        Optional<Verb> verb = verbs.size() == 1 ? parser.registry().find(keyOf(verbs.get(0))) : Optional.empty();
        for (NodeTuple other : others) {
            String key = keyOf(other);
            boolean isOption = verb.isPresent() && option(verb.get(), key).isPresent();
            problem(other.getKeyNode(), isOption
                    ? "'" + key + "' is an option of " + verb.get().name() + ": put it under 'vars' or in the line"
                    : "unknown job key '" + key + "' (allowed: the verb, vars, name)");
        }
        String name = entries.containsKey(NAME) ? text(entries.get(NAME)) : null;
        Map<String, NodeTuple> varsByOption = new LinkedHashMap<>();
        Map<String, Object> vars = entries.containsKey(VARS)
                ? vars(verb, entries.get(VARS), varsByOption) : Map.of();
        if (verb.isEmpty()) {
            return null;
        }
        NodeTuple verbEntry = verbs.get(0);
        Node value = verbEntry.getValueNode();
        if (!(value instanceof ScalarNode line)) {
            problem(value, "the value of " + keyOf(verbEntry) + " must be its options and payload as text, found "
                    + found(value));
            return null;
        }
        String arguments = isNull(line) ? "" : line.getValue();
        JobDefinition definition;
        try {
            definition = parser.parse(keyOf(verbEntry), arguments, vars);
        } catch (DslException e) {
            NodeTuple varsEntry = e.option().map(varsByOption::get).orElse(null);
            if (varsEntry != null && e.column() == 0) {
                problem(e.aboutValue() ? at(varsEntry) : varsEntry.getKeyNode(), e.getMessage());
            } else {
                int[] position = positionInLine(verbEntry, line, e.column());
                problem(position[0], position[1], e.getMessage());
            }
            return null;
        }
        String optionName = definition.text(CommonOptions.NAME);
        if (entries.containsKey(NAME) && optionName != null) {
            problem(entries.get(NAME).getKeyNode(), "the job's name is given twice, as 'name' and as option '--name';"
                    + " keep one");
        }
        Node verbKey = verbEntry.getKeyNode();
        return new OrchestrationJob(definition, name != null ? name : optionName, line(verbKey), column(verbKey));
    }

    /**
     * The job's vars as options (dashed names) with typed values; problems for names that are not
     * options of the verb (checked only when the job has one known verb).
     */
    private Map<String, Object> vars(Optional<Verb> verb, NodeTuple entry, Map<String, NodeTuple> varsByOption) {
        Node value = entry.getValueNode();
        if (!(value instanceof MappingNode map)) {
            problem(at(entry), "'vars' must be a map of option names to values, found " + found(value));
            return Map.of();
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        Map<String, String> writtenAs = new LinkedHashMap<>();
        entries(map).forEach((key, option) -> {
            if (verb.isEmpty()) {
                return;
            }
            Optional<OptionSpec> spec = option(verb.get(), key);
            if (spec.isEmpty()) {
                problem(option.getKeyNode(), "unknown option '" + key + "' for " + verb.get().name() + " (known: "
                        + verb.get().allOptions().stream().map(s -> s.name().replace('-', '_'))
                        .collect(Collectors.joining(", ")) + ")");
                return;
            }
            String name = spec.get().name();
            if (writtenAs.containsKey(name)) {
                problem(option.getKeyNode(), "'" + key + "' repeats option '" + writtenAs.get(name) + "' in vars");
                return;
            }
            try {
                vars.put(name, new StandardConstructor(SETTINGS).constructSingleDocument(
                        Optional.of(option.getValueNode())));
                writtenAs.put(name, key);
                varsByOption.put(name, option);
            } catch (YamlEngineException e) {
                problem(at(option), "cannot read the value of '" + key + "': " + describe(e));
            }
        });
        return vars;
    }

    /** SnakeYAML's messages span lines (with a snippet); a problem is one line. */
    private static String describe(YamlEngineException e) {
        if (e instanceof MarkedYamlEngineException marked) {
            String context = marked.getContext();
            return (context == null || context.isEmpty() ? "" : context + ", ") + marked.getProblem();
        }
        // a value its tag cannot take (!!int x) fails in Java's own words: those, not the class name
        Throwable cause = e.getCause();
        return cause != null && cause.getMessage() != null ? cause.getMessage() : e.getMessage();
    }

    /** The option a vars key names: underscores stand for dashes, so {@code stdout_arg} is {@code --stdout-arg}. */
    private static Optional<OptionSpec> option(Verb verb, String key) {
        String name = key.replace('_', '-');
        return verb.allOptions().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * Where a 1-based column of a job's argument string is in the file: exact inside a one-line
     * plain or quoted scalar (shifted by the opening quote), else the scalar's start; an empty
     * value has no place of its own, so its verb key stands for it.
     */
    private static int[] positionInLine(NodeTuple verbEntry, ScalarNode line, int argumentColumn) {
        if (line.getValue().isEmpty() && line.getScalarStyle() == ScalarStyle.PLAIN) {
            Node key = verbEntry.getKeyNode();
            return new int[] {line(key), column(key)};
        }
        int startLine = line(line);
        int startColumn = column(line);
        boolean oneLine = line.getEndMark().map(m -> m.getLine() + 1 == startLine).orElse(false);
        ScalarStyle style = line.getScalarStyle();
        if (argumentColumn <= 0 || !oneLine || style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED) {
            return new int[] {startLine, startColumn};
        }
        int quote = style == ScalarStyle.SINGLE_QUOTED || style == ScalarStyle.DOUBLE_QUOTED ? 1 : 0;
        return new int[] {startLine, startColumn + quote + argumentColumn - 1};
    }

    /** The keys of a map in file order; problems for keys that are not text or appear twice. */
    private Map<String, NodeTuple> entries(MappingNode map) {
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple entry : map.getValue()) {
            Node key = entry.getKeyNode();
            if (!(key instanceof ScalarNode)) {
                problem(key, "a key must be a word, found " + found(key));
            } else if (entries.containsKey(keyOf(entry))) {
                problem(key, "duplicate key '" + keyOf(entry) + "'");
            } else {
                entries.put(keyOf(entry), entry);
            }
        }
        return entries;
    }

    private String text(NodeTuple entry) {
        Node value = entry.getValueNode();
        if (value instanceof ScalarNode scalar && scalar.getTag().equals(Tag.STR)) {
            return scalar.getValue();
        }
        problem(at(entry), "'" + keyOf(entry) + "' must be text, found " + found(value) + quoteHint(value));
        return null;
    }

    /** How a value reads in a message: quoted text, a number or boolean as written, or its kind. */
    private static String found(Node node) {
        if (node instanceof MappingNode) {
            return "a map";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode scalar = (ScalarNode) node;
        if (isNull(scalar)) {
            return "nothing";
        }
        Tag tag = scalar.getTag();
        return tag.equals(Tag.INT) || tag.equals(Tag.FLOAT) || tag.equals(Tag.BOOL)
                ? scalar.getValue() : "'" + scalar.getValue() + "'";
    }

    /** Numbers and booleans become text when quoted, the fix wherever text is expected. */
    private static String quoteHint(Node node) {
        return node instanceof ScalarNode scalar && !isNull(scalar) && !scalar.getTag().equals(Tag.STR)
                ? " (quote it)" : "";
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL);
    }

    private static String keyOf(NodeTuple entry) {
        return ((ScalarNode) entry.getKeyNode()).getValue();
    }

    /** The node to point at for a problem with an entry's value: the key, when the value is empty. */
    private static Node at(NodeTuple entry) {
        Node value = entry.getValueNode();
        return value instanceof ScalarNode scalar && scalar.getValue().isEmpty()
                && scalar.getScalarStyle() == ScalarStyle.PLAIN ? entry.getKeyNode() : value;
    }

    private static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
    }

    private static int column(Node node) {
        return node.getStartMark().map(m -> m.getColumn() + 1).orElse(1);
    }

    private void problem(Node node, String message) {
        problem(line(node), column(node), message);
    }

    private void problem(int line, int column, String message) {
        problems.add(new Problem(file.toString(), line, column, message));
    }
}
