package io.director.client.exec;

import io.director.dsl.wire.Message;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the server's answers to QUERY jobs meet the jobs waiting for them. The link thread
 * delivers; a job-runner thread waits. An answer may arrive before anyone waits for it.
 */
public final class QueryAnswers {

    private static final int MAX_UNCLAIMED = 1000;

    private final Map<String, CompletableFuture<Message.QueryAnswer>> pending = new ConcurrentHashMap<>();

    /** The answer to this job, when it comes. */
    CompletableFuture<Message.QueryAnswer> expect(String jobId) {
        return pending.computeIfAbsent(jobId, id -> new CompletableFuture<>());
    }

    void forget(String jobId) {
        pending.remove(jobId);
    }

    /**
     * Link thread: the server's answer arrived. One nobody waits for is kept for a QUERY about to
     * start, but answers to finished jobs (repeats after a reconnect) are not hoarded.
     */
    public void deliver(Message.QueryAnswer answer) {
        if (pending.size() > MAX_UNCLAIMED) {
            pending.values().removeIf(CompletableFuture::isDone);
        }
        pending.computeIfAbsent(answer.jobId(), id -> new CompletableFuture<>()).complete(answer);
    }
}
