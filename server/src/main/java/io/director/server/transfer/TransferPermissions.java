package io.director.server.transfer;

import io.director.dsl.wire.Job;
import io.director.dsl.wire.TransferFile;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which files each node may fetch on the transfer port: exactly those named by the ADD/COPY
 * jobs it has been sent and has not finished. Thread-safe: the dispatcher grants and revokes
 * on the server loop thread, the {@link TransferEndpoint} asks on its own thread. In memory
 * only; after a restart the dispatcher grants again as it resends unfinished jobs.
 */
public final class TransferPermissions {

    /** node identity → job id → source path → file. */
    private final Map<String, Map<String, Map<String, TransferFile>>> byNode = new HashMap<>();

    /** Lets the node with this identity fetch the job's files; a job without files changes nothing. */
    public synchronized void grant(String identity, Job job) {
        Objects.requireNonNull(identity, "identity");
        if (job.files().isEmpty()) {
            return;
        }
        Map<String, TransferFile> files = new HashMap<>();
        for (TransferFile file : job.files()) {
            files.put(file.source(), file);
        }
        byNode.computeIfAbsent(identity, r -> new HashMap<>()).put(job.jobId(), Map.copyOf(files));
    }

    /** The job is finished on that node: its files are no longer served to it. */
    public synchronized void revoke(String identity, String jobId) {
        Map<String, Map<String, TransferFile>> jobs = byNode.get(identity);
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

    /** The file, as the job names it, if the node with this identity may fetch it for that job. */
    public synchronized Optional<TransferFile> find(String identity, String jobId, String source) {
        Map<String, Map<String, TransferFile>> jobs = byNode.get(identity);
        if (jobs == null) {
            return Optional.empty();
        }
        Map<String, TransferFile> files = jobs.get(jobId);
        return files == null ? Optional.empty() : Optional.ofNullable(files.get(source));
    }
}
