package io.director.bench.storm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.WireCodec;
import io.director.server.api.ApiFraming;
import io.director.server.api.ApiRequest;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** The server's CLI socket, as the {@code director} command uses it: length-prefixed JSON frames. */
final class ServerApi implements AutoCloseable {

    private static final ObjectMapper JSON = WireCodec.mapper();

    private final Path socketPath;
    private final SocketChannel channel;

    private ServerApi(Path socketPath, SocketChannel channel) {
        this.socketPath = socketPath;
        this.channel = channel;
    }

    static ServerApi connect(Path socketPath) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socketPath));
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot reach the server at " + socketPath + ": " + e.getMessage(), e);
        }
        return new ServerApi(socketPath, channel);
    }

    /** Sends a request and returns the reply; a reply naming an error becomes an IOException. */
    JsonNode call(ApiRequest request) throws IOException {
        ApiFraming.write(channel, JSON.writeValueAsBytes(request));
        byte[] frame = ApiFraming.read(channel, Limits.MAX_API_REPLY_BYTES);
        if (frame == null) {
            throw new IOException("the server at " + socketPath + " closed the connection");
        }
        JsonNode reply = JSON.readTree(frame);
        if (reply.has("error")) {
            throw new IOException("the server refused " + request.getClass().getSimpleName() + ": "
                    + reply.path("error").asText());
        }
        return reply;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
