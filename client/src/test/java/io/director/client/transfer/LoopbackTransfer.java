package io.director.client.transfer;

import io.director.dsl.verb.DslException;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobParser;
import io.director.client.link.LinkSecurity;
import io.director.dsl.wire.CurveKeys;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.TransferFile;
import io.director.server.transfer.ChunkChecksums;
import io.director.server.transfer.FileManifest;
import io.director.server.transfer.ManifestException;
import io.director.server.transfer.TransferEndpoint;
import io.director.server.transfer.TransferPermissions;

import java.util.Map;
import java.util.UUID;

/**
 * The server's real transfer endpoint of an encrypted cluster on an ephemeral loopback port, with
 * a node's fetcher, for tests: {@link #submit} expands an ADD/COPY line on this host, as the
 * server does, and grants its files to the node, as the dispatcher does when it sends the job,
 * which then carries the grant's transfer key. The fetcher's handshake interval is 1 s: JeroMQ
 * stalls about one new connection in fifty for that long.
 */
public final class LoopbackTransfer implements AutoCloseable {

    public static final String NODE = "web-1";
    /** An encrypted cluster's node: CURVE keys of its own and the server's public key. */
    public static final LinkSecurity SECURITY = LinkSecurity.curve(CurveKeys.generate(),
            CurveKeys.generate().publicKey());

    private final TransferPermissions permissions = new TransferPermissions(true);
    private final ChunkChecksums checksums = new ChunkChecksums();
    private final TransferEndpoint endpoint = new TransferEndpoint("127.0.0.1", 0, permissions, checksums);
    private final FileFetcher fetcher;

    public LoopbackTransfer() {
        endpoint.start();
        fetcher = new FileFetcher("127.0.0.1", endpoint.port(), NODE, SECURITY, 1000);
    }

    public FileFetcher fetcher() {
        return fetcher;
    }

    public int port() {
        return endpoint.port();
    }

    /**
     * A job for the line {@code VERB ARGUMENTS}, its sources expanded here and granted to
     * {@link #NODE}, as its dispatch carries it (with the grant's transfer key).
     */
    public Job submit(String verb, String arguments) throws DslException, ManifestException {
        return submit(JobParser.standard().parse(verb, arguments));
    }

    /**
     * A job for a definition the parser would refuse, as a node may still receive one (e.g. a
     * destination that is only known once rendered), with its sources granted to {@link #NODE}.
     */
    public Job submitUnvalidated(String verb, Map<String, Object> options, String payload) throws ManifestException {
        return submit(new JobDefinition(verb, options, payload));
    }

    private Job submit(JobDefinition definition) throws ManifestException {
        String jobId = UUID.randomUUID().toString();
        Job job = new Job(jobId, jobId, null, definition, Fingerprint.of(definition), Job.MAIN_QUEUE,
                FileManifest.of(definition, null, checksums));
        return permissions.grant(NODE, job);
    }

    /** The job granted afresh, as a restarted server sends it again: with a new transfer key. */
    public Job grantAgain(Job job) {
        permissions.revoke(NODE, job.jobId());
        return permissions.grant(NODE, job.withTransferKey(null));
    }

    /** The one file of a {@code ADD SRC DEST} job. */
    public TransferFile only(Job job) {
        if (job.files().size() != 1) {
            throw new IllegalStateException("expected one file, got " + job.files());
        }
        return job.files().get(0);
    }

    public void revoke(Job job) {
        permissions.revoke(NODE, job.jobId());
    }

    @Override
    public void close() {
        fetcher.close();
        endpoint.close();
    }
}
