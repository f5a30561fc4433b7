package io.director.dsl.orchestration;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Orchestration files that cannot be accepted, with every problem found in every file (files in
 * the order given, problems of a file by line and column). Its message is the problems, one
 * {@code FILE:LINE:COLUMN: message} line each.
 */
public final class OrchestrationException extends Exception {

    private final List<Problem> problems;

    public OrchestrationException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an orchestration exception needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Never empty. */
    public List<Problem> problems() {
        return problems;
    }
}
