package io.director.dsl.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.Map;

/**
 * Every message exchanged between server and nodes on the job port, as one JSON frame whose
 * {@code type} field names the record. The list below is the protocol's message table;
 * {@code docs/protocol.md} describes each one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Message.Hello.class, name = "hello"),
        @JsonSubTypes.Type(value = Message.Welcome.class, name = "welcome"),
        @JsonSubTypes.Type(value = Message.Refused.class, name = "refused"),
        @JsonSubTypes.Type(value = Message.HelloRequired.class, name = "hello_required"),
        @JsonSubTypes.Type(value = Message.Heartbeat.class, name = "heartbeat"),
        @JsonSubTypes.Type(value = Message.HeartbeatAck.class, name = "heartbeat_ack"),
        @JsonSubTypes.Type(value = Message.Dispatch.class, name = "dispatch"),
        @JsonSubTypes.Type(value = Message.Started.class, name = "started"),
        @JsonSubTypes.Type(value = Message.Result.class, name = "result"),
        @JsonSubTypes.Type(value = Message.ResultAck.class, name = "result_ack"),
        @JsonSubTypes.Type(value = Message.QueryValue.class, name = "query_value"),
        @JsonSubTypes.Type(value = Message.QueryAnswer.class, name = "query_answer"),
        @JsonSubTypes.Type(value = Message.PlanRequest.class, name = "plan_request"),
        @JsonSubTypes.Type(value = Message.PlanReply.class, name = "plan_reply"),
        @JsonSubTypes.Type(value = Message.ChunkRequest.class, name = "chunk_request"),
        @JsonSubTypes.Type(value = Message.Chunk.class, name = "chunk"),
        @JsonSubTypes.Type(value = Message.Error.class, name = "error"),
})
public sealed interface Message {

    /** Node → server, first message of every connection. */
    record Hello(int protocol, String identity, String machineId, String version, Map<String, String> labels,
                 long startedAt, String nonce, String keyProof, Map<String, String> facts, NodeReport report)
            implements Message {
        public Hello {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            facts = facts == null ? Map.of() : Map.copyOf(facts);
        }

        /** A hello without a capacity report (a node that does not send one). */
        public Hello(int protocol, String identity, String machineId, String version, Map<String, String> labels,
                     long startedAt, String nonce, String keyProof, Map<String, String> facts) {
            this(protocol, identity, machineId, version, labels, startedAt, nonce, keyProof, facts, null);
        }
    }

    /** Server → node: enrolled; heartbeat at least every {@code heartbeatIntervalMillis}; keep at most {@code outputCapBytes} of stdout and of stderr per job. */
    record Welcome(int protocol, String serverVersion, long heartbeatIntervalMillis, int outputCapBytes)
            implements Message {
    }

    /**
     * Server → node: not accepted, and why. With {@code retry} the cause may pass (the node's key
     * is pending or rejected, its identity is enrolled with another key or held by a node that
     * has not expired yet): the node says so and says hello again after a backoff. Otherwise
     * (wrong shared key, protocol, identity) the node stops and says so.
     */
    record Refused(String reason, boolean retry) implements Message {
    }

    /** Server → node: the server does not know this connection (it restarted); say hello again. */
    record HelloRequired(String reason) implements Message {
    }

    /**
     * Node → server, every heartbeat interval, with the node's capacity report (null: unchanged or
     * none) and whether the node wants a {@link HeartbeatAck} (null, as from a node that predates
     * the field: it does).
     */
    record Heartbeat(long sentAt, NodeReport report, Boolean answer) implements Message {
        public Heartbeat(long sentAt) {
            this(sentAt, null, null);
        }

        public Heartbeat(long sentAt, NodeReport report) {
            this(sentAt, report, null);
        }

        /** Whether the server should answer this heartbeat. */
        public boolean answerWanted() {
            return answer == null || answer;
        }
    }

    /** Server → node, answering a heartbeat so the node can tell a silent server. */
    record HeartbeatAck(long sentAt) implements Message {
    }

    /** Server → node: run this job. Sent again after a reconnect until a result arrives. */
    record Dispatch(Job job) implements Message {
        public Dispatch {
            java.util.Objects.requireNonNull(job, "job");
        }
    }

    /** Node → server: the job began executing. */
    record Started(String jobId, long startedAt) implements Message {
        public Started {
            java.util.Objects.requireNonNull(jobId, "job_id");
        }
    }

    /** Node → server: a job's final outcome; repeated until acknowledged. */
    record Result(JobResult result) implements Message {
        public Result {
            java.util.Objects.requireNonNull(result, "result");
        }
    }

    /** Server → node: the result of this job is stored; the node may forget it. */
    record ResultAck(String jobId) implements Message {
        public ResultAck {
            java.util.Objects.requireNonNull(jobId, "job_id");
        }
    }

    /** Node → server: this node's answer to a QUERY job (its ARG's value, or null). */
    record QueryValue(String jobId, Object value) implements Message {
        public QueryValue {
            java.util.Objects.requireNonNull(jobId, "job_id");
        }
    }

    /**
     * Server → node: every target's answer to a QUERY job, once all have answered or finished;
     * {@code values} maps node identity to value. The node merges them into its ARG
     * {@code query} as {@code {node: {name: value}}} and the QUERY job completes.
     */
    record QueryAnswer(String jobId, String name, Map<String, Object> values) implements Message {
        public QueryAnswer {
            java.util.Objects.requireNonNull(jobId, "job_id");
            java.util.Objects.requireNonNull(name, "name");
            values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
        }
    }

    /** Server → node: say what each of these jobs would do here, in order, running nothing. */
    record PlanRequest(String planId, java.util.List<Job> jobs) implements Message {
        public PlanRequest {
            java.util.Objects.requireNonNull(planId, "plan_id");
            jobs = jobs == null ? java.util.List.of() : java.util.List.copyOf(jobs);
        }
    }

    /**
     * Node → server: per job of the request, in order: {@code run}, {@code cached},
     * {@code unchanged} or {@code always} (the server decides {@code done-once}).
     */
    record PlanReply(String planId, java.util.List<String> outcomes) implements Message {
        public PlanReply {
            java.util.Objects.requireNonNull(planId, "plan_id");
            outcomes = outcomes == null ? java.util.List.of() : java.util.List.copyOf(outcomes);
        }
    }

    /**
     * Node → server, on the transfer port: send these bytes of a file the job names. {@code node}
     * is the asking node's identity. In an encrypted cluster {@code cipher} names how the chunk
     * is to be sealed (one of {@link ChunkCipher#CIPHERS}) and {@code mac} signs the request
     * with the job's transfer key ({@link ChunkCipher#sign}); both are null in a plaintext one.
     */
    record ChunkRequest(String node, String jobId, String source, long offset, int length,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String cipher,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String mac) implements Message {
        public ChunkRequest {
            java.util.Objects.requireNonNull(jobId, "job_id");
            java.util.Objects.requireNonNull(source, "source");
        }

        /** An unsigned request, as a plaintext cluster sends it. */
        public ChunkRequest(String node, String jobId, String source, long offset, int length) {
            this(node, jobId, source, offset, length, null, null);
        }

        /** The request asking for {@code cipher}, signed by {@code key}. */
        public ChunkRequest signed(ChunkCipher key) {
            ChunkRequest asking = new ChunkRequest(node, jobId, source, offset, length, key.cipher(), null);
            return new ChunkRequest(node, jobId, source, offset, length, key.cipher(), key.sign(asking));
        }
    }

    /**
     * Server → node, on the transfer port: the header of a chunk; the bytes follow as a second,
     * raw frame (never base64). {@code crc32c} is the CRC32C of those bytes as they were when the
     * job was submitted (see {@link TransferChunks}); the node checks the bytes against it.
     * {@code error} is set, {@code crc32c} is 0 and no bytes follow, when refused. In an
     * encrypted cluster {@code nonce} is set and the bytes are sealed ({@link ChunkCipher#seal}):
     * {@code length} bytes of the file and the tag.
     */
    record Chunk(String jobId, String source, long offset, int length, long crc32c, String error,
                 @JsonInclude(JsonInclude.Include.NON_NULL) String nonce) implements Message {

        /** A chunk served in the clear, or a refusal. */
        public Chunk(String jobId, String source, long offset, int length, long crc32c, String error) {
            this(jobId, source, offset, length, crc32c, error, null);
        }

        /** A refusal: why, and no bytes. */
        public static Chunk refused(String jobId, String source, long offset, String error) {
            return new Chunk(jobId, source, offset, 0, 0, java.util.Objects.requireNonNull(error, "error"));
        }
    }

    /** Either way: the peer's message was not understood. Logged, never fatal. */
    record Error(String message) implements Message {
    }
}
