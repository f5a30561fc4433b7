package io.director.client.exec;

import io.director.dsl.wire.Job;
import io.director.dsl.wire.TransferFile;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What the node's cache remembers a succeeded job by: its fingerprint plus the inputs it ran
 * with — the payload as rendered with the node's variables, and for ADD/COPY the checksums of
 * the files — so changing an ARG the job uses, or a source file, makes it run again.
 */
public final class CacheKey {

    private CacheKey() {
    }

    public static String of(Job job, String renderedPayload) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA3-224");
            update(digest, job.fingerprint());
            update(digest, renderedPayload);
            for (TransferFile file : job.files()) {
                update(digest, file.source());
                update(digest, file.sha256());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA3-224 is not available", e);
        }
    }

    private static void update(MessageDigest digest, String part) {
        digest.update(part.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }
}
