package io.director.client.exec;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.wire.TransferFile;
import io.director.dsl.wire.WireCodec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What the node's cache remembers a succeeded job by: its fingerprint plus the inputs it ran
 * with — the payload and options as rendered with the node's variables, and for ADD/COPY the
 * checksums of the files — so changing an ARG the job uses, or a source file, makes it run again.
 */
public final class CacheKey {

    private CacheKey() {
    }

    public static String of(String fingerprint, JobDefinition rendered, List<TransferFile> files) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA3-224");
            update(digest, fingerprint);
            update(digest, rendered.payload());
            update(digest, WireCodec.mapper().writeValueAsString(rendered.options()));
            for (TransferFile file : files) {
                update(digest, file.source());
                update(digest, file.sha256());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("cannot compute a cache key", e);
        }
    }

    private static void update(MessageDigest digest, String part) {
        digest.update(part.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }
}
