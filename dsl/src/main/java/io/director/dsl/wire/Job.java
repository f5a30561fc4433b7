package io.director.dsl.wire;

import io.director.dsl.verb.JobDefinition;

import java.util.Objects;

/**
 * A job as the server sends it to a node.
 *
 * @param jobId       the job's UUID
 * @param parentId    the orchestration (or exec) it belongs to; equals jobId for a lone job
 * @param name        a human name, or null
 * @param definition  what to do
 * @param fingerprint SHA3-224 of the definition's canonical form
 */
public record Job(String jobId, String parentId, String name, JobDefinition definition, String fingerprint) {

    public Job {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }
}
