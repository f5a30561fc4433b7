package io.director.server.api;

import io.director.dsl.wire.ProtocolException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiRequestTest {

    private static ApiRequest decode(String json) throws ProtocolException {
        return ApiRequest.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String refusal(String json) {
        return assertThrows(ProtocolException.class, () -> decode(json)).getMessage();
    }

    @Test
    void readsARequestAsTheCliWritesIt() throws ProtocolException {
        assertEquals(new ApiRequest.JobStatus(List.of("a", "b"), true),
                decode("{\"op\":\"job-status\",\"job_ids\":[\"a\",\"b\"],\"with_output\":true}"));
        assertEquals(new ApiRequest.ListNodes(), decode("{\"op\":\"list-nodes\",\"newer_field\":1}"));
    }

    @Test
    void givesAbsentListsAsEmptyOnes() throws ProtocolException {
        assertEquals(List.of(), ((ApiRequest.Submit) decode("{\"op\":\"submit\"}")).jobs());
        assertEquals(List.of(), ((ApiRequest.Plan) decode("{\"op\":\"plan\",\"jobs\":null}")).jobs());
        assertEquals(List.of(), ((ApiRequest.JobStatus) decode("{\"op\":\"job-status\"}")).jobIds());
    }

    // Found by ApiRequestFuzzTest: a null in a list reached the API service, which failed on it
    // with a NullPointerException, answered as a server error.
    @Test
    void refusesANullInAList() {
        assertEquals("malformed request: 'jobs' holds a null", refusal("{\"op\":\"submit\",\"jobs\":[null]}"));
        assertEquals("malformed request: 'job_ids' holds a null",
                refusal("{\"op\":\"job-status\",\"job_ids\":[\"a\",null]}"));
    }

    @Test
    void namesAMissingOrUnknownOp() {
        assertEquals("malformed request: no 'op' field", refusal("{\"jobs\":[]}"));
        assertEquals("malformed request: unknown op 'teleport'", refusal("{\"op\":\"teleport\"}"));
        assertEquals("empty request", refusal("null"));
        assertTrue(refusal("{\"op\":").startsWith("malformed request: "));
    }
}
