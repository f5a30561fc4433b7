package io.director.client.driver.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One QMP session over QEMU's UNIX socket: reads the greeting, negotiates capabilities, then
 * runs commands one at a time. QMP is JSON objects, one per line; asynchronous events may come
 * between a command and its answer and are skipped. Every read is bounded by a timeout, so a
 * hung QEMU cannot hold a job forever.
 */
final class QmpClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ExecutorService READS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "qmp-read");
        t.setDaemon(true);
        return t;
    });

    private final SocketChannel channel;
    private final long timeoutMillis;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final StringBuilder pending = new StringBuilder();

    private QmpClient(SocketChannel channel, long timeoutMillis) {
        this.channel = channel;
        this.timeoutMillis = timeoutMillis;
    }

    /** Connects and negotiates; throws when QEMU is not there or does not answer in time. */
    static QmpClient connect(Path socket, long timeoutMillis) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            QmpClient client = new QmpClient(channel, timeoutMillis);
            JsonNode greeting = client.readMessage();
            if (!greeting.has("QMP")) {
                throw new IOException("not a QMP greeting: " + greeting);
            }
            client.execute("qmp_capabilities");
            return client;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Runs a command and returns its {@code return} value; a QMP error is an IOException naming it. */
    JsonNode execute(String command) throws IOException {
        ObjectNode request = JSON.createObjectNode().put("execute", command);
        channel.write(ByteBuffer.wrap((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8)));
        while (true) {
            JsonNode message = readMessage();
            if (message.has("return")) {
                return message.get("return");
            }
            if (message.has("error")) {
                throw new IOException("QMP " + command + ": " + message.get("error").path("desc").asText());
            }
            // an event ({"event": …}): not the answer
        }
    }

    private JsonNode readMessage() throws IOException {
        while (true) {
            int newline = pending.indexOf("\n");
            if (newline >= 0) {
                String line = pending.substring(0, newline).trim();
                pending.delete(0, newline + 1);
                if (!line.isEmpty()) {
                    return JSON.readTree(line);
                }
                continue;
            }
            buffer.clear();
            int read = readWithTimeout();
            if (read < 0) {
                throw new IOException("QEMU closed the QMP socket");
            }
            buffer.flip();
            pending.append(StandardCharsets.UTF_8.decode(buffer));
        }
    }

    private int readWithTimeout() throws IOException {
        // A blocking channel read cannot time out by itself; closing the channel ends it.
        Future<Integer> read = READS.submit(() -> channel.read(buffer));
        try {
            return read.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            channel.close();
            throw new IOException("QEMU did not answer on QMP within " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.close();
            throw new IOException("interrupted while waiting for QMP");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
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
