package io.director.dsl.wire;

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
        @JsonSubTypes.Type(value = Message.Error.class, name = "error"),
})
public sealed interface Message {

    /** Node → server, first message of every connection. */
    record Hello(int protocol, String identity, String machineId, String version, Map<String, String> labels,
                 long startedAt, String nonce, String keyProof, Map<String, String> facts) implements Message {
        public Hello {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            facts = facts == null ? Map.of() : Map.copyOf(facts);
        }
    }

    /** Server → node: enrolled; heartbeat at least every {@code heartbeatIntervalMillis}; keep at most {@code outputCapBytes} of stdout and of stderr per job. */
    record Welcome(int protocol, String serverVersion, long heartbeatIntervalMillis, int outputCapBytes)
            implements Message {
    }

    /**
     * Server → node: not accepted, and why. With {@code retry} the cause may pass (an identity
     * held by a node that has not expired yet): the node says so and tries again with backoff.
     * Otherwise (wrong key, protocol) the node stops and says so.
     */
    record Refused(String reason, boolean retry) implements Message {
    }

    /** Server → node: the server does not know this connection (it restarted); say hello again. */
    record HelloRequired(String reason) implements Message {
    }

    /** Node → server, every heartbeat interval. */
    record Heartbeat(long sentAt) implements Message {
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

    /** Either way: the peer's message was not understood. Logged, never fatal. */
    record Error(String message) implements Message {
    }
}
