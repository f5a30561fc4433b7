package io.director.server.transfer;

import io.director.dsl.wire.ChunkCipher;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.TransferFile;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which files each node may fetch on the transfer port: exactly those named by the ADD/COPY
 * jobs it has been sent and has not finished. In an encrypted cluster each grant has a key of
 * its own, which the dispatch carries to the node over the encrypted job port
 * ({@link Job#transferKey()}): the node signs its requests with it and the endpoint seals the
 * chunks with it ({@link ChunkCipher}). Thread-safe: the dispatcher grants and revokes on the
 * server loop thread, the {@link TransferEndpoint} asks on its own thread. In memory only; after
 * a restart the dispatcher grants again, with new keys, as it resends unfinished jobs.
 */
public final class TransferPermissions {

    /**
     * What a node may fetch for one job, and the key it proves it is that node with (null in
     * plaintext). Files are found by what requests call them: their path, or with a key their
     * {@linkplain ChunkCipher#handle handle}.
     */
    public record Grant(String key, Map<String, TransferFile> files, ChunkCipher cipher) {

        /**
         * The grant's key as the cipher a request asks for (null in plaintext): made once per
         * grant and cipher, not per chunk.
         */
        public ChunkCipher cipher(String name) {
            return cipher == null ? null : cipher.as(name);
        }

        /** The file a request names ({@code source}: a path, or with a key a handle), as the job names it. */
        public Optional<TransferFile> file(String source) {
            return Optional.ofNullable(files.get(source));
        }
    }

    private final boolean keyed;
    /** node identity → job id → grant. */
    private final Map<String, Map<String, Grant>> byNode = new HashMap<>();

    /** @param keyed whether the cluster is encrypted: grants then carry keys */
    public TransferPermissions(boolean keyed) {
        this.keyed = keyed;
    }

    /** Whether requests must be signed and chunks are sealed. */
    public boolean keyed() {
        return keyed;
    }

    /**
     * Lets the node with this identity fetch the job's files, and returns the job to send it: in
     * an encrypted cluster with the key of this grant (a new one, or the one the node already
     * has when the job is sent again). A job without files changes nothing and is returned as it is.
     */
    public synchronized Job grant(String identity, Job job) {
        Objects.requireNonNull(identity, "identity");
        if (job.files().isEmpty()) {
            return job;
        }
        Map<String, Grant> jobs = byNode.computeIfAbsent(identity, r -> new HashMap<>());
        Grant before = jobs.get(job.jobId());
        String key = !keyed ? null : before != null ? before.key() : ChunkCipher.newKey();
        ChunkCipher cipher = key == null ? null : ChunkCipher.of(ChunkCipher.AES_256_GCM, key);
        Map<String, TransferFile> files = new HashMap<>();
        for (TransferFile file : job.files()) {
            files.put(cipher == null ? file.source() : cipher.handle(file.source()), file);
        }
        jobs.put(job.jobId(), new Grant(key, Map.copyOf(files), cipher));
        return key == null ? job : job.withTransferKey(key);
    }

    /** The job is finished on that node: its files are no longer served to it. */
    public synchronized void revoke(String identity, String jobId) {
        Map<String, Grant> jobs = byNode.get(identity);
        if (jobs != null) {
            jobs.remove(jobId);
            if (jobs.isEmpty()) {
                byNode.remove(identity);
            }
        }
    }

    /** The node expired: nothing is served to it until it is sent a job again. */
    public synchronized void revokeAll(String identity) {
        byNode.remove(identity);
    }

    /** The grant of that job to the node with this identity, if it has one. */
    public synchronized Optional<Grant> find(String identity, String jobId) {
        Map<String, Grant> jobs = byNode.get(identity);
        return jobs == null ? Optional.empty() : Optional.ofNullable(jobs.get(jobId));
    }
}
