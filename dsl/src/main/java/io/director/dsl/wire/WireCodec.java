package io.director.dsl.wire;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;

/**
 * Encodes and decodes {@link Message}s as UTF-8 JSON with snake_case field names. Unknown fields
 * are ignored (a newer peer may add some); an unknown {@code type} or malformed JSON is a
 * {@link ProtocolException}, which the receiver logs and answers, never a crash.
 */
public final class WireCodec {

    private static final ObjectMapper MAPPER = newMapper();

    /**
     * The mapper's rules for reading outside input, and numbers must be finite. Made when first
     * read: the CLI never reads outside input, and each mapper costs its start-up milliseconds.
     */
    private static final class Input {
        static final ObjectMapper INPUT = newMapper().registerModule(new SimpleModule("finite-numbers")
                .addDeserializer(Number.class, new Finite<>(Number.class, NumberDeserializers.NumberDeserializer.instance))
                .addDeserializer(Double.class, new Finite<>(Double.class,
                        new NumberDeserializers.DoubleDeserializer(Double.class, null)))
                .addDeserializer(double.class, new Finite<>(Double.class,
                        new NumberDeserializers.DoubleDeserializer(Double.TYPE, 0.0))));
    }

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
        return read(frame, Message.class, "message", Limits.MAX_MESSAGE_BYTES);
    }

    /**
     * Reads one frame of outside input (a message, an API request) as {@code type}, or refuses
     * it with a one-line reason that starts with {@code what}: empty, over {@code maxBytes}, or
     * malformed. Numbers must be finite: JSON has none that is not, and one too large for a
     * double would come back as infinity and leave as a string.
     */
    public static <T> T read(byte[] frame, Class<T> type, String what, int maxBytes) throws ProtocolException {
        if (frame == null || frame.length == 0) {
            throw new ProtocolException("empty " + what);
        }
        if (frame.length > maxBytes) {
            throw new ProtocolException(what + " of " + frame.length + " bytes exceeds the cap of " + maxBytes);
        }
        try {
            T value = Input.INPUT.readValue(frame, type);
            if (value == null) {
                throw new ProtocolException("empty " + what);
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new ProtocolException(Limits.reason("malformed " + what + ": " + reasonOf(e)));
        }
    }

    /**
     * Why JSON could not be read as a record, in words and with the path to the field at fault
     * ({@code at job.files[0].size: …}); never Jackson's multi-line message with its source excerpt.
     */
    public static String reasonOf(Exception e) {
        if (e instanceof InvalidTypeIdException invalid) {
            // the field that names the record: "type" for messages, "op" for API requests
            JsonTypeInfo info = invalid.getBaseType() == null ? null
                    : invalid.getBaseType().getRawClass().getAnnotation(JsonTypeInfo.class);
            String property = info == null || info.property().isEmpty() ? "type" : info.property();
            return invalid.getTypeId() == null ? "no '" + property + "' field"
                    : "unknown " + property + " '" + invalid.getTypeId() + "'";
        }
        String detail;
        if (e instanceof ValueInstantiationException failed && failed.getCause() != null) {
            // a record's constructor refused the values: its own words say why
            Throwable cause = failed.getCause();
            detail = cause.getMessage() == null ? "a value is missing"
                    : cause instanceof NullPointerException ? "missing " + cause.getMessage() : cause.getMessage();
        } else if (e instanceof JsonProcessingException json) {
            detail = json.getOriginalMessage();
        } else {
            detail = e.getMessage();
        }
        if (detail == null) {
            detail = e.getClass().getSimpleName();
        }
        String path = e instanceof JsonMappingException mapping ? path(mapping) : "";
        return path.isEmpty() ? detail : "at " + path + ": " + detail;
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /**
     * Refuses a number that does not fit a double (1e999 reads as infinity). Registered for
     * {@link Number} it also covers untyped values: job options, query values.
     */
    private static final class Finite<T extends Number> extends StdDeserializer<T> {

        private final JsonDeserializer<?> standard;

        Finite(Class<T> type, JsonDeserializer<?> standard) {
            super(type);
            this.standard = standard;
        }

        @Override
        @SuppressWarnings("unchecked") // the standard deserializer of T's type gives a T
        public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            T value = (T) standard.deserialize(parser, context);
            if (value instanceof Double number && !Double.isFinite(number)) {
                throw context.weirdNumberException(number, handledType(), "not a finite number");
            }
            return value;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T getNullValue(DeserializationContext context) throws JsonMappingException {
            return (T) standard.getNullValue(context);
        }
    }
}
