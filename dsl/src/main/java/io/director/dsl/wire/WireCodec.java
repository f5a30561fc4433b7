package io.director.dsl.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;

/**
 * Encodes and decodes {@link Message}s as UTF-8 JSON with snake_case field names. Unknown fields
 * are ignored (a newer peer may add some); an unknown {@code type} or malformed JSON is a
 * {@link ProtocolException}, which the receiver logs and answers, never a crash.
 */
public final class WireCodec {

    private static final ObjectMapper MAPPER = newMapper();

    private WireCodec() {
    }

    /** The JSON mapper every module uses, so the wire and the API share one naming rule. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static ObjectMapper newMapper() {
        return JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE, true)
                .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
                .build();
    }

    /** The {@code type} a message has on the wire, e.g. {@code heartbeat_ack}. */
    public static String typeName(Message message) {
        for (com.fasterxml.jackson.annotation.JsonSubTypes.Type type
                : Message.class.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class).value()) {
            if (type.value() == message.getClass()) {
                return type.name();
            }
        }
        return message.getClass().getSimpleName();
    }

    public static byte[] encode(Message message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    public static Message decode(byte[] frame) throws ProtocolException {
        if (frame == null || frame.length == 0) {
            throw new ProtocolException("empty message");
        }
        if (frame.length > Limits.MAX_MESSAGE_BYTES) {
            throw new ProtocolException("message of " + frame.length + " bytes exceeds the cap of "
                    + Limits.MAX_MESSAGE_BYTES);
        }
        try {
            Message message = MAPPER.readValue(frame, Message.class);
            if (message == null) {
                throw new ProtocolException("empty message");
            }
            return message;
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            int newline = reason.indexOf('\n');
            throw new ProtocolException("malformed message: " + (newline > 0 ? reason.substring(0, newline) : reason));
        }
    }
}
