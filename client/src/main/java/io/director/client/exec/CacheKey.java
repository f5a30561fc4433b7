package io.director.client.exec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.OptionSpec;
import io.director.dsl.verb.VerbRegistry;
import io.director.dsl.wire.TransferFile;
import io.director.dsl.wire.WireCodec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the node's cache remembers a succeeded job by: its fingerprint plus the inputs it ran
 * with — the payload and the options that change what it does, as rendered with the node's
 * variables, the variables a --blueprint file may use, and for ADD/COPY the checksums of the
 * files — so changing an ARG the job uses, or a source file, makes it run again.
 */
public final class CacheKey {

    private static final ObjectMapper CANONICAL = WireCodec.newMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private static final String ALGORITHM = "SHA3-224";
    private static final MessageDigest PROTOTYPE;

    static {
        try {
            PROTOTYPE = MessageDigest.getInstance(ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private CacheKey() {
    }

    /**
     * @param otherInputs variables the job reads beyond its line (a --blueprint file's), or empty
     */
    public static String of(String fingerprint, JobDefinition rendered, List<TransferFile> files,
                            Map<String, Object> otherInputs) {
        try {
            MessageDigest digest = newDigest();
            update(digest, fingerprint);
            update(digest, rendered.payload());
            update(digest, CANONICAL.writeValueAsString(fingerprinted(rendered)));
            // Most jobs have no other inputs: their JSON is a constant.
            update(digest, otherInputs.isEmpty() ? "{}" : CANONICAL.writeValueAsString(otherInputs));
            for (TransferFile file : files) {
                update(digest, file.source());
                update(digest, file.sha256());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot compute a cache key", e);
        }
    }

    /**
     * A fresh SHA3-224 digest, cloned from one made once: looking the algorithm up in the
     * providers costs about as much as hashing a job's few hundred bytes.
     */
    private static MessageDigest newDigest() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            try {
                return MessageDigest.getInstance(ALGORITHM);
            } catch (NoSuchAlgorithmException missing) {
                throw new IllegalStateException("cannot compute a cache key", missing);
            }
        }
    }

    /** Only the options that change what a job does (not --name, --skip-cache), as in its fingerprint. */
    private static Map<String, Object> fingerprinted(JobDefinition rendered) {
        Map<String, Object> options = new TreeMap<>();
        VerbRegistry.standard().find(rendered.verb()).ifPresent(verb -> {
            for (OptionSpec spec : verb.allOptions()) {
                Object value = rendered.options().get(spec.name());
                if (spec.fingerprinted() && value != null) {
                    options.put(spec.name(), value);
                }
            }
        });
        return options;
    }

    private static void update(MessageDigest digest, String part) {
        digest.update(part.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }
}
