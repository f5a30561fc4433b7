package io.director.dsl.wire;

import io.director.dsl.verb.JobDefinition;

import java.util.List;
import java.util.Objects;

/**
 * A job as the server sends it to a node.
 *
 * @param jobId       the job's UUID
 * @param parentId    the orchestration (or exec) it belongs to; equals jobId for a lone job
 * @param name        a human name, or null
 * @param definition  what to do
 * @param fingerprint SHA3-224 of the definition's canonical form
 * @param queue       the node queue it runs in: {@link #MAIN_QUEUE} (one job at a time, in
 *                    arrival order), or its async block's own queue
 * @param files       for ADD and COPY: the files to fetch from the server (globs already
 *                    expanded on the server host); empty for other verbs
 */
public record Job(String jobId, String parentId, String name, JobDefinition definition, String fingerprint,
                  String queue, List<TransferFile> files) {

    /** The queue of every job not in an async block. */
    public static final String MAIN_QUEUE = "main";

    public Job {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(fingerprint, "fingerprint");
        queue = queue == null || queue.isEmpty() ? MAIN_QUEUE : queue;
        files = files == null ? List.of() : List.copyOf(files);
    }

    /** A job in the main queue with no files. */
    public Job(String jobId, String parentId, String name, JobDefinition definition, String fingerprint) {
        this(jobId, parentId, name, definition, fingerprint, MAIN_QUEUE, List.of());
    }
}
