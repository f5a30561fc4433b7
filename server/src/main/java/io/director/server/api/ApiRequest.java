package io.director.server.api;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/** Requests the CLI sends on the UNIX socket; the {@code op} field names the record. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ApiRequest.Submit.class, name = "submit"),
        @JsonSubTypes.Type(value = ApiRequest.ListNodes.class, name = "list-nodes"),
        @JsonSubTypes.Type(value = ApiRequest.ListJobs.class, name = "list-jobs"),
        @JsonSubTypes.Type(value = ApiRequest.JobInfo.class, name = "job-info"),
        @JsonSubTypes.Type(value = ApiRequest.JobStatus.class, name = "job-status"),
        @JsonSubTypes.Type(value = ApiRequest.PurgeJobs.class, name = "purge-jobs"),
        @JsonSubTypes.Type(value = ApiRequest.PurgeNodes.class, name = "purge-nodes"),
})
public sealed interface ApiRequest {

    /** One job to submit: a verb and its argument string as the user wrote them. */
    record JobSubmission(String verb, String arguments, String name, List<String> targets) {
        public JobSubmission {
            targets = targets == null ? List.of() : List.copyOf(targets);
        }
    }

    /** Stores and sends jobs; the reply is {@code {"job_ids": [...]}}, sent only once they are stored. */
    record Submit(List<JobSubmission> jobs) implements ApiRequest {
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
    }

    record PurgeJobs() implements ApiRequest {
    }

    record PurgeNodes() implements ApiRequest {
    }
}
