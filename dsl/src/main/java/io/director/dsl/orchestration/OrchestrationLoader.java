package io.director.dsl.orchestration;

import io.director.dsl.verb.JobParser;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads orchestration files (spec: dsl.md, "Orchestration files") into {@link Orchestration}s.
 * Every file is validated completely before anything is returned: on any problem in any file,
 * {@link OrchestrationException} lists them all, so a user fixes a file in one pass and nothing
 * is submitted from a half-valid set.
 *
 * <p>What the files mean where the spec does not say:
 * <ul>
 *   <li>YAML 1.2 core schema: {@code async: yes} is the text "yes", not a boolean, and is refused.</li>
 *   <li>A verb's value is any scalar, taken as written: {@code ECHO: 42} echoes "42",
 *       {@code ECHO: 1.0} echoes "1.0"; an empty or null value is an empty argument string (so
 *       {@code WAIT:} with its options in {@code vars} is fine). A list or map is refused.</li>
 *   <li>Verb keys are matched ignoring case, as on the command line ({@code run: true}).</li>
 *   <li>{@code vars} keys may use underscores or dashes ({@code stdout_arg}, {@code stdout-arg});
 *       {@code false} for a flag leaves it out. Values are typed: a count in quotes is refused.</li>
 *   <li>A job's {@code name} and an option {@code --name} (in the line or in vars) together are
 *       refused as a name given twice. Without a {@code name} key the job is named by its option.</li>
 *   <li>An empty list of blocks, an empty {@code jobs} and an empty {@code targets} are refused:
 *       each is far more likely a mistake than an intent. Leave {@code targets} out for every live
 *       node.</li>
 *   <li>Columns count characters of the line. For an error inside a job's line, the column is
 *       exact for a plain or quoted scalar on one line without escapes; inside a multi-line or
 *       block scalar the error points at the scalar's start.</li>
 * </ul>
 */
public final class OrchestrationLoader {

    private final JobParser parser;

    /** A loader for the verbs of this version of Director. */
    public OrchestrationLoader() {
        this(JobParser.standard());
    }

    public OrchestrationLoader(JobParser parser) {
        this.parser = Objects.requireNonNull(parser, "parser");
    }

    /** Reads and validates one file. */
    public Orchestration load(Path file) throws OrchestrationException {
        return loadAll(List.of(file)).get(0);
    }

    /**
     * Reads and validates every file, then returns them in the order given, or throws with the
     * problems of all of them.
     */
    public List<Orchestration> loadAll(List<Path> files) throws OrchestrationException {
        Objects.requireNonNull(files, "files");
        List<Problem> problems = new ArrayList<>();
        List<Orchestration> loaded = new ArrayList<>();
        for (Path file : files) {
            OrchestrationReader reader = new OrchestrationReader(Objects.requireNonNull(file, "file"), parser);
            Orchestration orchestration = reader.read();
            problems.addAll(reader.problems());
            if (orchestration != null) {
                loaded.add(orchestration);
            }
        }
        if (!problems.isEmpty()) {
            throw new OrchestrationException(problems);
        }
        return loaded;
    }
}
