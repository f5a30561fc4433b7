package io.director.server.transfer;

import io.director.dsl.wire.ChunkCipher;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.TransferChunks;
import io.director.dsl.wire.TransferFile;
import io.director.dsl.wire.WireCodec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Answers one chunk request: checks that the asking node may have the file for that job (in an
 * encrypted cluster: that the request is signed with the key of that node's grant) and that the
 * request is one chunk of the grid ({@link TransferChunks}), reads the bytes with a positional
 * read, and checks them against the CRC32C the chunk had when the job was submitted
 * ({@link ChunkChecksums}), which the header then carries to the node. In an encrypted cluster
 * the bytes are sealed with the grant's key and the cipher the node asked for, the header
 * (with its nonce) as associated data. Runs on the transfer endpoint's thread.
 */
final class ChunkHandler {

    /**
     * The answer: the header, as encoded, and the bytes (sealed or not) unless the header carries
     * an error; {@code path} is the file's path when the request named a file of the node's job
     * (else what it named), for the log.
     */
    record Reply(Message.Chunk header, byte[] encodedHeader, byte[] data, String path) {
        boolean refused() {
            return header.error() != null;
        }
    }

    private static final String CHANGED = "changed on the server since the job was submitted";

    private final TransferPermissions permissions;
    private final ChunkChecksums checksums;
    /** Where chunks to be sealed are read: one, as only the endpoint's thread uses the handler. */
    private ByteBuffer sealing;

    ChunkHandler(TransferPermissions permissions, ChunkChecksums checksums) {
        this.permissions = permissions;
        this.checksums = checksums;
    }

    Reply handle(Message.ChunkRequest request) {
        if (request.node() == null) {
            return refuse(request, "the request names no node");
        }
        if (request.offset() < 0 || request.length() <= 0) {
            return refuse(request, "invalid range: offset " + request.offset() + ", length " + request.length());
        }
        if (permissions.keyed() && request.cipher() == null) {
            return refuse(request, "this cluster is encrypted: a request names a cipher ("
                    + String.join(" or ", ChunkCipher.CIPHERS) + ") and is signed with the job's transfer key");
        }
        if (permissions.keyed() && !ChunkCipher.CIPHERS.contains(request.cipher())) {
            return refuse(request, "unknown cipher '" + Limits.reason(request.cipher()) + "' (known: "
                    + String.join(", ", ChunkCipher.CIPHERS) + ")");
        }
        Optional<TransferPermissions.Grant> grant = permissions.find(request.node(), request.jobId());
        Optional<TransferFile> granted = grant.flatMap(g -> g.file(request.source()));
        if (granted.isEmpty()) {
            return refuse(request, "not a file of job " + request.jobId() + " on this node");
        }
        ChunkCipher cipher = null;
        if (permissions.keyed()) {
            cipher = grant.get().cipher(request.cipher());
            if (!cipher.verify(request)) {
                return refuse(request, "not signed with the transfer key of job " + request.jobId() + " for node '"
                        + request.node() + "'");
            }
        }
        TransferFile file = granted.get();
        if (request.offset() > file.size()) {
            return refuse(request, "offset " + request.offset() + " is past the end (" + file.size() + " bytes)",
                    file.source());
        }
        // Only whole chunks of the grid have a recorded checksum to hold the bytes to.
        if (!TransferChunks.isChunk(file.size(), request.offset(), request.length())) {
            return refuse(request, "offset " + request.offset() + ", length " + request.length()
                    + " is not a whole chunk: chunks are " + TransferChunks.CHUNK_BYTES
                    + " bytes from offset 0, the last one ending at the file's end (" + file.size() + " bytes)",
                    file.source());
        }
        int length = request.length();
        // In the clear the bytes are sent as read, so each chunk needs an array of its own; sealed,
        // they are read outside the heap into one buffer, which the cipher reads directly.
        byte[] data = cipher == null ? new byte[length] : null;
        ByteBuffer buffer = cipher == null ? ByteBuffer.wrap(data) : sealingBuffer().clear().limit(length);
        OptionalLong recorded;
        try (FileChannel channel = FileChannel.open(Path.of(file.source()), StandardOpenOption.READ)) {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, request.offset() + buffer.position()) < 0) {
                    return refuse(request, "changed on the server: shorter than when the job was submitted",
                            file.source());
                }
            }
            recorded = checksums.crc32c(file, request.offset());
        } catch (IOException e) {
            return refuse(request, "cannot read it on the server ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", file.source());
        }
        if (recorded.isEmpty()) {
            return refuse(request, CHANGED + " (its SHA-256 differs)", file.source());
        }
        buffer.flip();
        long crc32c = TransferChunks.crc32c(buffer.duplicate());
        if (crc32c != recorded.getAsLong()) {
            return refuse(request, CHANGED + " (the chunk at offset " + request.offset() + " differs)", file.source());
        }
        if (cipher == null) {
            Message.Chunk header = new Message.Chunk(request.jobId(), request.source(), request.offset(), length,
                    crc32c, null);
            return new Reply(header, WireCodec.encode(header), data, file.source());
        }
        String nonce = ChunkCipher.newNonce();
        Message.Chunk header = new Message.Chunk(request.jobId(), request.source(), request.offset(), length, crc32c,
                null, nonce);
        byte[] encoded = WireCodec.encode(header);
        return new Reply(header, encoded, cipher.seal(nonce, encoded, buffer), file.source());
    }

    private ByteBuffer sealingBuffer() {
        if (sealing == null) {
            sealing = ByteBuffer.allocateDirect(TransferChunks.CHUNK_BYTES);
        }
        return sealing;
    }

    static Reply refuse(Message.ChunkRequest request, String reason) {
        return refuse(request, reason, request.source());
    }

    private static Reply refuse(Message.ChunkRequest request, String reason, String path) {
        Message.Chunk header = Message.Chunk.refused(request.jobId(), request.source(), request.offset(), reason);
        return new Reply(header, WireCodec.encode(header), null, path);
    }
}
