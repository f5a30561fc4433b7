package io.director.dsl.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param transferKey in an encrypted cluster, for a job with files: the key this node signs its
 *                    chunk requests with and the server seals the chunks with
 *                    ({@link ChunkCipher}), set by the server as it dispatches the job to the
 *                    node (one per node and job, never stored on the server); null otherwise
 */
public record Job(String jobId, String parentId, String name, JobDefinition definition, String fingerprint,
                  String queue, List<TransferFile> files,
                  @JsonInclude(JsonInclude.Include.NON_NULL) String transferKey) {

    /** The queue of every job not in an async block. */
    public static final String MAIN_QUEUE = "main";

    public Job {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(fingerprint, "fingerprint");
        queue = queue == null || queue.isEmpty() ? MAIN_QUEUE : queue;
        files = files == null ? List.of() : List.copyOf(files);
    }

    /** A job as submitted: no transfer key yet. */
    public Job(String jobId, String parentId, String name, JobDefinition definition, String fingerprint,
               String queue, List<TransferFile> files) {
        this(jobId, parentId, name, definition, fingerprint, queue, files, null);
    }

    /** Never prints the transfer key: jobs end up in logs. */
    @Override
    public String toString() {
        return "Job[jobId=" + jobId + ", parentId=" + parentId + ", name=" + name + ", definition=" + definition
                + ", fingerprint=" + fingerprint + ", queue=" + queue + ", files=" + files
                + ", transferKey=" + (transferKey == null ? "none" : "(set)") + "]";
    }

    /** The same job with the transfer key of one node. */
    public Job withTransferKey(String key) {
        return new Job(jobId, parentId, name, definition, fingerprint, queue, files, key);
    }

    /** A job in the main queue with no files. */
    public Job(String jobId, String parentId, String name, JobDefinition definition, String fingerprint) {
        this(jobId, parentId, name, definition, fingerprint, MAIN_QUEUE, List.of(), null);
    }
}
