package io.director.server.transfer;

import io.director.dsl.wire.Message;
import io.director.dsl.wire.TransferFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Answers one chunk request: checks that the asking node may have the file for that job, and
 * reads the bytes with a positional read. Runs on the transfer endpoint's thread.
 */
final class ChunkHandler {

    /** The answer: the header, and the bytes unless the header carries an error. */
    record Reply(Message.Chunk header, byte[] data) {
        boolean refused() {
            return header.error() != null;
        }
    }

    private final TransferPermissions permissions;

    ChunkHandler(TransferPermissions permissions) {
        this.permissions = permissions;
    }

    /** @param identity the asking node, as {@link TransferPeers} established it */
    Reply handle(String identity, Message.ChunkRequest request) {
        if (request.offset() < 0 || request.length() <= 0) {
            return refuse(request, "invalid range: offset " + request.offset() + ", length " + request.length());
        }
        Optional<TransferFile> granted = permissions.find(identity, request.jobId(), request.source());
        if (granted.isEmpty()) {
            return refuse(request, "not a file of job " + request.jobId() + " on this node");
        }
        TransferFile file = granted.get();
        if (request.offset() > file.size()) {
            return refuse(request, "offset " + request.offset() + " is past the end (" + file.size() + " bytes)");
        }
        int length = (int) Math.min(Math.min(request.length(), TransferEndpoint.MAX_CHUNK_BYTES),
                file.size() - request.offset());
        byte[] data = new byte[length];
        try (FileChannel channel = FileChannel.open(Path.of(file.source()), StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, request.offset() + buffer.position()) < 0) {
                    return refuse(request, "changed on the server: shorter than when the job was submitted");
                }
            }
        } catch (IOException e) {
            return refuse(request, "cannot read it on the server ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        return new Reply(new Message.Chunk(request.jobId(), request.source(), request.offset(), length, null), data);
    }

    static Reply refuse(Message.ChunkRequest request, String reason) {
        return new Reply(new Message.Chunk(request.jobId(), request.source(), request.offset(), 0, reason), null);
    }
}
