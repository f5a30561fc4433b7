package io.director.dsl.verb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's fingerprint: SHA3-224 (hex) of its canonical form, which holds the verb, the payload
 * and the options that change what the job does. Targets, {@code --skip-cache}, {@code --name}
 * and the orchestration a job belongs to are left out, so the same work has the same
 * fingerprint wherever it is written.
 */
public final class Fingerprint {

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private Fingerprint() {
    }

    public static String of(JobDefinition definition, Verb verb) {
        Map<String, Object> options = new TreeMap<>();
        for (OptionSpec spec : verb.allOptions()) {
            Object value = definition.options().get(spec.name());
            if (spec.fingerprinted() && value != null) {
                options.put(spec.name(), value);
            }
        }
        Map<String, Object> canonical = new LinkedHashMap<>();
        canonical.put("options", options);
        canonical.put("payload", definition.payload());
        canonical.put("verb", definition.verb());
        try {
            byte[] bytes = CANONICAL.writeValueAsBytes(canonical);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA3-224").digest(bytes));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot compute a fingerprint", e);
        }
    }

    /** The fingerprint of a definition made by the standard registry's verbs. */
    public static String of(JobDefinition definition) {
        Verb verb = VerbRegistry.standard().find(definition.verb())
                .orElseThrow(() -> new IllegalArgumentException("unknown verb " + definition.verb()));
        return of(definition, verb);
    }
}
