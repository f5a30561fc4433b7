package io.director.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.ProtocolException;
import io.director.dsl.wire.WireCodec;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The CLI's endpoint: a UNIX domain socket with mode 0660 (and the configured group), speaking
 * {@link ApiFraming} frames of JSON {@link ApiRequest}s. One thread accepts; a bounded pool
 * serves connections, so a flood of CLI calls cannot exhaust the server. A frame over the cap
 * is answered with an error and the connection closed; a malformed request is answered with an
 * {@code invalid} failure; both are logged with the connection they came from.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ApiServer.class.getName());
    private static final int MAX_CONNECTIONS = 32;
    private static final ObjectMapper JSON = WireCodec.mapper();

    private final Path socketPath;
    private final String group;
    private final Function<ApiRequest, Object> handler;
    private final ThreadPoolExecutor workers = newWorkers();
    private final AtomicLong connections = new AtomicLong();
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean running;

    /**
     * Up to MAX_CONNECTIONS connections are served at once (a waiting CLI holds one), the next
     * MAX_CONNECTIONS wait, and beyond that a connection is told the server is busy. Idle threads
     * end after 30 s.
     */
    private static ThreadPoolExecutor newWorkers() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(MAX_CONNECTIONS, MAX_CONNECTIONS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_CONNECTIONS), r -> {
                    Thread t = new Thread(r, "api-connection");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    public ApiServer(Path socketPath, String group, Function<ApiRequest, Object> handler) {
        this.socketPath = socketPath.toAbsolutePath();
        this.group = group;
        this.handler = handler;
    }

    /**
     * Binds the socket. It is bound under a temporary name, given its mode and group, then
     * renamed into place, so the final path is never reachable with looser permissions.
     */
    public void start() throws IOException {
        Path dir = socketPath.getParent();
        Files.createDirectories(dir);
        if (Files.exists(socketPath)) {
            if (inUse(socketPath)) {
                throw new IOException("another server is already listening on " + socketPath);
            }
            Files.delete(socketPath);
        }
        Path temporary = dir.resolve("." + socketPath.getFileName() + "." + ProcessHandle.current().pid());
        Files.deleteIfExists(temporary);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(temporary), MAX_CONNECTIONS);
        try {
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-rw----"));
            if (group != null && !group.isBlank()) {
                GroupPrincipal principal;
                try {
                    principal = temporary.getFileSystem().getUserPrincipalLookupService()
                            .lookupPrincipalByGroupName(group);
                } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
                    throw new IOException("no group '" + group + "' on this host (--socket-group)");
                }
                Files.getFileAttributeView(temporary, PosixFileAttributeView.class).setGroup(principal);
            }
            Files.move(temporary, socketPath, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Nothing half-made stays behind: no socket, no temporary name.
            server.close();
            server = null;
            Files.deleteIfExists(temporary);
            throw e;
        }
        running = true;
        acceptor = new Thread(this::acceptLoop, "api-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static boolean inUse(Path path) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private void acceptLoop() {
        while (running) {
            SocketChannel connection;
            try {
                connection = server.accept();
            } catch (IOException e) {
                if (running) {
                    LOG.log(Level.WARNING, "API accept failed: " + e.getMessage(), e);
                }
                continue;
            }
            try {
                workers.execute(() -> serve(connection));
            } catch (RejectedExecutionException e) {
                reply(connection, new ApiReply.Failure("server busy: too many CLI connections, try again",
                        ApiReply.Failure.INTERNAL));
                closeQuietly(connection);
            }
        }
    }

    private void serve(SocketChannel connection) {
        String peer = peer(connection);
        try (connection) {
            while (running) {
                byte[] frame;
                try {
                    frame = ApiFraming.read(connection, Limits.MAX_API_REQUEST_BYTES);
                } catch (ApiFraming.FrameTooLargeException e) {
                    LOG.warning(() -> "API request from " + peer + " refused: " + e.getMessage());
                    reply(connection, new ApiReply.Failure("request refused: " + e.getMessage(),
                            ApiReply.Failure.INVALID));
                    return;
                }
                if (frame == null) {
                    return;
                }
                Object answer;
                try {
                    answer = handler.apply(ApiRequest.decode(frame));
                } catch (ProtocolException e) {
                    LOG.warning(() -> "dropped a malformed API request from " + peer + ": " + e.getMessage());
                    answer = new ApiReply.Failure(e.getMessage(), ApiReply.Failure.INVALID);
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "API request from " + peer + " failed: " + e.getMessage(), e);
                    answer = new ApiReply.Failure("server error: " + Limits.reason(e.getMessage()),
                            ApiReply.Failure.INTERNAL);
                }
                if (!reply(connection, answer)) {
                    return;
                }
            }
        } catch (IOException e) {
            LOG.fine(() -> "API connection from " + peer + " ended: " + e.getMessage());
        }
    }

    /**
     * Who is on the other end, for the log: the connection's number and, where the platform
     * tells (Linux, macOS), the peer's user. A UNIX socket has no address to name.
     */
    private String peer(SocketChannel connection) {
        String who = "connection " + connections.incrementAndGet();
        try {
            UnixDomainPrincipal principal = connection.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return who + " of user " + principal.user().getName();
        } catch (IOException | RuntimeException e) {
            return who;
        }
    }

    private static boolean reply(SocketChannel connection, Object answer) {
        try {
            ApiFraming.write(connection, JSON.writeValueAsBytes(answer));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    public Path socketPath() {
        return socketPath;
    }

    @Override
    public void close() {
        running = false;
        try {
            if (server != null) {
                server.close();
            }
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            LOG.fine(() -> "closing API socket: " + e.getMessage());
        }
        workers.shutdownNow();
    }
}
