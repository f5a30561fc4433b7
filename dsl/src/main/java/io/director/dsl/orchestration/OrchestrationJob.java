package io.director.dsl.orchestration;

import io.director.dsl.verb.JobDefinition;

import java.util.Objects;

/**
 * One job of a block: the definition made from its line and {@code vars}, as if every option had
 * been written in the line (so it has the same fingerprint).
 *
 * @param definition the parsed, validated job; {@link JobDefinition#toArguments()} gives the line
 *                   to submit
 * @param name       the job's {@code name}, else its {@code --name} option, else null
 * @param line       the 1-based line of the job's verb
 * @param column     the 1-based column of the job's verb
 */
public record OrchestrationJob(JobDefinition definition, String name, int line, int column) {

    public OrchestrationJob {
        Objects.requireNonNull(definition, "definition");
    }
}
