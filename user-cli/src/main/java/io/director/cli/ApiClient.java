package io.director.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.WireCodec;
import io.director.server.api.ApiFraming;
import io.director.server.api.ApiReply;
import io.director.server.api.ApiRequest;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** The CLI's side of the UNIX socket: one connection, request and reply frames of JSON. */
public final class ApiClient implements AutoCloseable {

    private static final ObjectMapper JSON = WireCodec.mapper();

    private final Path socketPath;
    private final SocketChannel channel;

    private ApiClient(Path socketPath, SocketChannel channel) {
        this.socketPath = socketPath;
        this.channel = channel;
    }

    /** The mapper the API's JSON is read and written with. */
    static ObjectMapper json() {
        return JSON;
    }

    /** Connects, or fails with exit code 3 and a message naming the socket. */
    public static ApiClient connect(Path socketPath) {
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socketPath));
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            return new ApiClient(socketPath, channel);
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "cannot reach the server at " + socketPath + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + " (is 'director server' running with this --socket-path?)");
        }
    }

    /** Sends a request and reads the reply as {@code type}; a server-side error becomes a CliException. */
    public <T> T call(ApiRequest request, Class<T> type) {
        JsonNode reply = call(request);
        try {
            return JSON.treeToValue(reply, type);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "unreadable reply from the server: " + e.getMessage());
        }
    }

    public JsonNode call(ApiRequest request) {
        JsonNode reply;
        try {
            ApiFraming.write(channel, JSON.writeValueAsBytes(request));
            byte[] frame = ApiFraming.read(channel, Limits.MAX_API_REPLY_BYTES);
            if (frame == null) {
                throw new IOException("the server closed the connection");
            }
            reply = JSON.readTree(frame);
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "lost the server at " + socketPath + ": " + e.getMessage());
        }
        if (reply.has("error")) {
            ApiReply.Failure failure = new ApiReply.Failure(reply.path("error").asText(), reply.path("kind").asText());
            int code = switch (failure.kind()) {
                case ApiReply.Failure.INVALID -> ExitCodes.INVALID_INPUT;
                default -> ExitCodes.FAILED;
            };
            throw new CliException(code, failure.error());
        }
        return reply;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
