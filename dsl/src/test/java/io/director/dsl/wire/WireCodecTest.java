package io.director.dsl.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.dsl.verb.DslException;
import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.JobParser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireCodecTest {

    private static Message roundTrip(Message message) throws ProtocolException {
        return WireCodec.decode(WireCodec.encode(message));
    }

    private static JsonNode json(Message message) throws IOException {
        return WireCodec.mapper().readTree(WireCodec.encode(message));
    }

    private static Message decode(String json) throws ProtocolException {
        return WireCodec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Job job(String arguments) throws DslException {
        JobDefinition definition = JobParser.standard().parse("RUN", arguments);
        return new Job("job-1", "parent-1", "build", definition, Fingerprint.of(definition));
    }

    private static JobResult result() {
        return new JobResult("job-1", NodeState.FAILED, 2, "out\n", "err\n", "timeout after 5 s", 5.25,
                1_700_000_000_000L, 1_700_000_005_250L);
    }

    @Test
    void roundTripsEveryMessageWithoutAJob() throws ProtocolException {
        List<Message> messages = List.of(
                new Message.Hello(1, "web-1", "m-1", "0.1.0", Map.of("role", "web"), 1234L, "abcd", "proof",
                        Map.of("os", "linux")),
                new Message.Welcome(1, "0.1.0", 5000L, 1024),
                new Message.Refused("shared key mismatch", false),
                new Message.HelloRequired("server restarted"),
                new Message.Heartbeat(42L),
                new Message.Heartbeat(42L, null, false),
                new Message.Heartbeat(42L, null, true),
                new Message.HeartbeatAck(43L),
                new Message.Started("job-1", 44L),
                new Message.Result(result()),
                new Message.ResultAck("job-1"),
                new Message.Error("not understood"));
        for (Message message : messages) {
            assertEquals(message, roundTrip(message));
        }
    }

    @Test
    void roundTripsADispatchCarryingAJobDefinition() throws Exception {
        Message.Dispatch dispatch = new Message.Dispatch(job("--skip-cache --run-once --name build echo -e \"a b\""));
        assertEquals(dispatch, roundTrip(dispatch));
    }

    @Test
    void keepsCountOptionsOfADispatchedJob() throws Exception {
        Job job = job("--timeout 5 --retry 2 echo hi");
        Job decoded = ((Message.Dispatch) roundTrip(new Message.Dispatch(job))).job();
        assertEquals(5, decoded.definition().timeoutSeconds());
        assertEquals(job, decoded, "number options keep their type through JSON");
        assertEquals(2, decoded.definition().count("retry", 0));
        assertEquals(job.fingerprint(), decoded.fingerprint());
        assertEquals(job.fingerprint(), Fingerprint.of(decoded.definition()));
    }

    @Test
    void roundTripsAResultCarryingAJobResult() throws ProtocolException {
        Message decoded = roundTrip(new Message.Result(result()));
        JobResult back = assertInstanceOf(Message.Result.class, decoded).result();
        assertEquals(result(), back);
        assertEquals(NodeState.FAILED, back.state());
        assertEquals(2, back.exitCode());
        assertEquals(5.25, back.executionTime());
    }

    @Test
    void roundTripsAHelloWithoutLabelsOrFacts() throws ProtocolException {
        Message.Hello hello = new Message.Hello(1, "a", "m", "v", null, 5, "n", null, null);
        Message.Hello back = assertInstanceOf(Message.Hello.class, roundTrip(hello));
        assertEquals(Map.of(), back.labels());
        assertEquals(Map.of(), back.facts());
        assertEquals(null, back.keyProof());
    }

    @Test
    void writesTheTypeAndSnakeCaseFieldNames() throws Exception {
        JsonNode hello = json(new Message.Hello(1, "web-1", "m-1", "0.1.0", Map.of(), 7L, "n", "p", Map.of()));
        assertEquals("hello", hello.get("type").asText());
        assertEquals("m-1", hello.get("machine_id").asText());
        assertEquals("p", hello.get("key_proof").asText());
        assertEquals(7L, hello.get("started_at").asLong());
        assertFalse(hello.has("machineId"));

        JsonNode welcome = json(new Message.Welcome(1, "0.1.0", 5000L, 1024));
        assertEquals(5000L, welcome.get("heartbeat_interval_millis").asLong());
        assertEquals(1024, welcome.get("output_cap_bytes").asInt());

        JsonNode dispatch = json(new Message.Dispatch(job("--skip-cache echo hi")));
        assertEquals("dispatch", dispatch.get("type").asText());
        assertEquals("job-1", dispatch.get("job").get("job_id").asText());
        assertEquals("parent-1", dispatch.get("job").get("parent_id").asText());
        assertTrue(dispatch.get("job").get("definition").get("options").get("skip-cache").asBoolean());

        JsonNode result = json(new Message.Result(result()));
        assertEquals("failed", result.get("result").get("state").asText());
        assertEquals(2, result.get("result").get("exit_code").asInt());
        assertEquals(5.25, result.get("result").get("execution_time").asDouble());
        assertEquals("job-1", json(new Message.ResultAck("job-1")).get("job_id").asText());
        assertEquals("heartbeat_ack", json(new Message.HeartbeatAck(1)).get("type").asText());
        assertEquals("hello_required", json(new Message.HelloRequired("x")).get("type").asText());
    }

    @Test
    void aChunkHeaderCarriesItsCrc32cAsAnUnsignedNumber() throws Exception {
        Message.Chunk chunk = new Message.Chunk("job-3", "/srv/app.conf", 262144, 12, 0xFFFFFFFFL, null);

        assertEquals(4294967295L, json(chunk).get("crc32c").asLong());
        assertEquals(chunk, roundTrip(chunk));
        assertEquals(chunk, decode("{\"type\":\"chunk\",\"job_id\":\"job-3\",\"source\":\"/srv/app.conf\","
                + "\"offset\":262144,\"length\":12,\"crc32c\":4294967295,\"error\":null}"));
        assertEquals(Message.Chunk.refused("job-3", "/srv/app.conf", 0, "no"), roundTrip(
                Message.Chunk.refused("job-3", "/srv/app.conf", 0, "no")));
    }

    @Test
    void readsSnakeCaseJsonWrittenByHand() throws ProtocolException {
        Message message = decode("{\"type\":\"started\",\"job_id\":\"j-9\",\"started_at\":99}");
        assertEquals(new Message.Started("j-9", 99L), message);
    }

    @Test
    void ignoresUnknownFields() throws ProtocolException {
        Message message = decode("{\"type\":\"heartbeat\",\"sent_at\":5,\"newer_field\":{\"a\":[1,2]},\"x\":true}");
        assertEquals(new Message.Heartbeat(5L), message);
    }

    @Test
    void aHeartbeatAsksForAnAnswerUnlessItSaysItDoesNot() throws Exception {
        assertEquals(false, json(new Message.Heartbeat(1, null, false)).get("answer").asBoolean(true));
        assertFalse(((Message.Heartbeat) decode("{\"type\":\"heartbeat\",\"sent_at\":5,\"answer\":false}"))
                .answerWanted());
        assertTrue(((Message.Heartbeat) decode("{\"type\":\"heartbeat\",\"sent_at\":5,\"answer\":true}"))
                .answerWanted());
        // A node from before the field asks for every one.
        assertTrue(((Message.Heartbeat) decode("{\"type\":\"heartbeat\",\"sent_at\":5}")).answerWanted());
    }

    @Test
    void rejectsAnUnknownType() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> decode("{\"type\":\"teleport\"}"));
        assertTrue(e.getMessage().startsWith("malformed message: "), e.getMessage());
        assertTrue(e.getMessage().contains("'teleport'"), e.getMessage());
    }

    @Test
    void rejectsAMessageWithoutType() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> decode("{\"sent_at\":5}"));
        assertTrue(e.getMessage().startsWith("malformed message: "), e.getMessage());
    }

    @Test
    void rejectsMalformedJsonOnOneLine() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> decode("{\"type\":\"heartbeat\","));
        assertTrue(e.getMessage().startsWith("malformed message: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void rejectsAnEmptyFrame() {
        assertEquals("empty message",
                assertThrows(ProtocolException.class, () -> WireCodec.decode(new byte[0])).getMessage());
        assertEquals("empty message",
                assertThrows(ProtocolException.class, () -> WireCodec.decode(null)).getMessage());
        assertEquals("empty message", assertThrows(ProtocolException.class, () -> decode("null")).getMessage());
    }

    @Test
    void rejectsAFrameOverTheCap() {
        byte[] frame = new byte[Limits.MAX_MESSAGE_BYTES + 1];
        ProtocolException e = assertThrows(ProtocolException.class, () -> WireCodec.decode(frame));
        assertEquals("message of " + (Limits.MAX_MESSAGE_BYTES + 1) + " bytes exceeds the cap of "
                + Limits.MAX_MESSAGE_BYTES, e.getMessage());
    }

    @Test
    void rejectsAResultWithANonFinalState() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> decode(
                "{\"type\":\"result\",\"result\":{\"job_id\":\"j\",\"state\":\"processing\"}}"));
        assertTrue(e.getMessage().startsWith("malformed message: "), e.getMessage());
        assertTrue(e.getMessage().contains("a result needs a final state, not processing"), e.getMessage());
    }

    @Test
    void jobResultRefusesANonFinalState() {
        for (NodeState state : List.of(NodeState.QUEUED, NodeState.PROCESSING)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new JobResult("j", state, null, null, null, null, 0, 0, 0));
            assertEquals("a result needs a final state, not " + state.wireName(), e.getMessage());
        }
    }

    @Test
    void jobResultTurnsMissingOutputIntoEmptyText() {
        JobResult result = new JobResult("j", NodeState.SKIPPED, null, null, null, "cached", 0, 0, 0);
        assertEquals("", result.stdout());
        assertEquals("", result.stderr());
    }

    @Test
    void aMessageMissingARequiredFieldIsAProtocolErrorNotANullLaterOn() {
        for (String frame : List.of("{\"type\":\"result\"}", "{\"type\":\"dispatch\"}",
                "{\"type\":\"started\"}", "{\"type\":\"result_ack\"}")) {
            ProtocolException error = org.junit.jupiter.api.Assertions.assertThrows(ProtocolException.class,
                    () -> WireCodec.decode(frame.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertTrue(error.getMessage().startsWith("malformed message"), error.getMessage());
        }
    }

    @Test
    void namesMessagesByTheirWireType() {
        assertEquals("heartbeat_ack", WireCodec.typeName(new Message.HeartbeatAck(1)));
        assertEquals("hello_required", WireCodec.typeName(new Message.HelloRequired("why")));
    }

    // Found by WireCodecFuzzTest: reasons echoed the sender's control characters and ran to
    // hundreds of characters; they go to logs and back to the sender as they are.
    @Test
    void aRefusalIsOneShortLineWhateverTheInput() {
        for (String frame : List.of("A\u0007\n\u001b[31m", "{\"type\":\"iello\"}", "{\"type\":\"" + "x".repeat(5000) + "\"}",
                "{\"type\":\"error\",\"message\":[\"\n\"]}")) {
            String reason = assertThrows(ProtocolException.class, () -> decode(frame)).getMessage();
            assertTrue(reason.startsWith("malformed message: "), reason);
            assertTrue(reason.length() <= Limits.MAX_REASON_CHARS, reason);
            assertTrue(reason.chars().noneMatch(Character::isISOControl), reason);
        }
        assertEquals("malformed message: unknown type 'iello'",
                assertThrows(ProtocolException.class, () -> decode("{\"type\":\"iello\"}")).getMessage());
        assertEquals("malformed message: no 'type' field",
                assertThrows(ProtocolException.class, () -> decode("{\"job_id\":\"j\"}")).getMessage());
    }

    @Test
    void aRefusalNamesTheFieldAtFault() {
        assertEquals("malformed message: at result: missing state", assertThrows(ProtocolException.class,
                () -> decode("{\"type\":\"result\",\"result\":{\"job_id\":\"j\"}}")).getMessage());
        String reason = assertThrows(ProtocolException.class,
                () -> decode("{\"type\":\"heartbeat\",\"sent_at\":\"soon\"}")).getMessage();
        assertTrue(reason.startsWith("malformed message: at sent_at: "), reason);
    }

    // Found by WireCodecFuzzTest: 1e400 read as infinity, which is sent on as the string "Infinity".
    @Test
    void refusesANumberTooLargeForADouble() {
        for (String frame : List.of("{\"type\":\"query_value\",\"job_id\":\"j\",\"value\":1e400}",
                "{\"type\":\"query_value\",\"job_id\":\"j\",\"value\":{\"a\":[-1e999]}}",
                "{\"type\":\"result\",\"result\":{\"job_id\":\"j\",\"state\":\"success\",\"execution_time\":1e400}}")) {
            String reason = assertThrows(ProtocolException.class, () -> decode(frame)).getMessage();
            assertTrue(reason.contains("not a finite number"), reason);
        }
    }

    @Test
    void stillReadsOrdinaryNumbersInUntypedValues() throws ProtocolException {
        Message message = decode("{\"type\":\"query_value\",\"job_id\":\"j\",\"value\":[1,2.5,12345678901,"
                + "123456789012345678901234567890,-0.0,1e300]}");
        assertEquals(List.of(1, 2.5, 12345678901L, new java.math.BigInteger("123456789012345678901234567890"), -0.0,
                1e300), ((Message.QueryValue) message).value());
    }
}
