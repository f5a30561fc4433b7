package io.director.server.api;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.director.dsl.placement.Placement;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.ProtocolException;
import io.director.dsl.wire.WireCodec;

import java.util.List;

/**
 * Requests the CLI sends on the UNIX socket; the {@code op} field names the record. Lists are
 * never null and hold no nulls: a request that has one is malformed, refused when decoded.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ApiRequest.Submit.class, name = "submit"),
        @JsonSubTypes.Type(value = ApiRequest.Plan.class, name = "plan"),
        @JsonSubTypes.Type(value = ApiRequest.ListNodes.class, name = "list-nodes"),
        @JsonSubTypes.Type(value = ApiRequest.ListJobs.class, name = "list-jobs"),
        @JsonSubTypes.Type(value = ApiRequest.JobInfo.class, name = "job-info"),
        @JsonSubTypes.Type(value = ApiRequest.JobStatus.class, name = "job-status"),
        @JsonSubTypes.Type(value = ApiRequest.PurgeJobs.class, name = "purge-jobs"),
        @JsonSubTypes.Type(value = ApiRequest.PurgeNodes.class, name = "purge-nodes"),
        @JsonSubTypes.Type(value = ApiRequest.ListKeys.class, name = "list-keys"),
        @JsonSubTypes.Type(value = ApiRequest.ChangeKey.class, name = "change-key"),
        @JsonSubTypes.Type(value = ApiRequest.ListWorkloads.class, name = "list-workloads"),
        @JsonSubTypes.Type(value = ApiRequest.DestroyProject.class, name = "destroy-project"),
        @JsonSubTypes.Type(value = ApiRequest.ListDeployments.class, name = "list-deployments"),
        @JsonSubTypes.Type(value = ApiRequest.DropDeployment.class, name = "drop-deployment"),
})
public sealed interface ApiRequest {

    /**
     * One request frame, or a {@link ProtocolException} whose message (one line) says why it is
     * malformed; never any other exception.
     */
    static ApiRequest decode(byte[] frame) throws ProtocolException {
        return WireCodec.read(frame, ApiRequest.class, "request", Limits.MAX_API_REQUEST_BYTES);
    }

    /** The list, empty when absent; a null in it makes the request malformed. */
    private static <T> List<T> listOf(List<T> list, String field) {
        if (list == null) {
            return List.of();
        }
        if (list.stream().anyMatch(java.util.Objects::isNull)) { // contains(null) throws on immutable lists
            throw new IllegalArgumentException("'" + field + "' holds a null");
        }
        return List.copyOf(list);
    }

    /**
     * One job to submit: a verb and its argument string (options and payload, as a job line),
     * an optional name, its targets (empty: every live node), its node queue (null: the main
     * queue; an orchestration's async block names its own), and the directory relative ADD/COPY
     * sources are resolved against (the orchestration file's; for exec the CLI's working
     * directory; null: the request's). Targets may be names, globs ({@code web-*}) or label
     * selectors ({@code label:role=web}). {@code placement} (null: every target) chooses among
     * the targets; jobs with the same {@code group} (an orchestration block) are placed together.
     */
    record JobSubmission(String verb, String arguments, String name, List<String> targets, String queue,
                         String sourceDirectory, Placement placement, String group) {
        public JobSubmission {
            targets = targets == null ? List.of() : List.copyOf(targets);
        }

        public JobSubmission(String verb, String arguments, String name, List<String> targets, String queue,
                             String sourceDirectory) {
            this(verb, arguments, name, targets, queue, sourceDirectory, null, null);
        }

        public JobSubmission(String verb, String arguments, String name, List<String> targets) {
            this(verb, arguments, name, targets, null, null);
        }
    }

    /**
     * Stores and sends jobs, all under one parent (the first job's id); the reply is
     * {@code {"job_ids": [...]}}, sent only once they are stored. {@code workingDirectory} is
     * the CLI's, for relative ADD/COPY sources. With {@code keep}, every block placed with
     * {@code scale} becomes a kept deployment ({@code orchestrate --keep}).
     */
    record Submit(List<JobSubmission> jobs, String workingDirectory, boolean keep) implements ApiRequest {
        public Submit {
            jobs = listOf(jobs, "jobs");
        }

        public Submit(List<JobSubmission> jobs, String workingDirectory) {
            this(jobs, workingDirectory, false);
        }

        public Submit(List<JobSubmission> jobs) {
            this(jobs, null);
        }
    }

    /** Asks the targets what these jobs would do, running and storing nothing. */
    record Plan(List<JobSubmission> jobs, String workingDirectory) implements ApiRequest {
        public Plan {
            jobs = listOf(jobs, "jobs");
        }
    }

    record ListNodes() implements ApiRequest {
    }

    /** @param filter success, failed (also partial) or processing; null for all */
    record ListJobs(String filter) implements ApiRequest {
    }

    /** @param jobId a job UUID or {@code last} */
    record JobInfo(String jobId) implements ApiRequest {
    }

    /** The jobs with these ids; with output only when asked (a wait loop polls without it). */
    record JobStatus(List<String> jobIds, boolean withOutput) implements ApiRequest {
        public JobStatus {
            jobIds = listOf(jobIds, "job_ids");
        }
    }

    record PurgeJobs() implements ApiRequest {
    }

    record PurgeNodes() implements ApiRequest {
    }

    /** Every node key, and the server's own public key. */
    record ListKeys() implements ApiRequest {
    }

    /**
     * An operator's decision on the keys of a node: {@code accept}, {@code reject} or
     * {@code delete}; {@code fingerprint} (a prefix of one) picks one key when there are several.
     */
    record ChangeKey(String action, String identity, String fingerprint) implements ApiRequest {
    }

    /** Every jail and VM the nodes report, with where it runs; only those of {@code project} when given. */
    record ListWorkloads(String project) implements ApiRequest {
    }

    /** The kept deployments ({@code orchestrate --keep}). */
    record ListDeployments() implements ApiRequest {
    }

    /** Stops keeping a deployment (its id, or an unambiguous prefix of at least 4 characters); its workloads stay. */
    record DropDeployment(String id) implements ApiRequest {
    }

    /** Destroys every jail and VM of a project on every live node that reports one: {@code director destroy}. */
    record DestroyProject(String project) implements ApiRequest {
    }
}
