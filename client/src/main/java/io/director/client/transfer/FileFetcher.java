package io.director.client.transfer;

import io.director.client.link.LinkSecurity;
import io.director.dsl.wire.ChunkCipher;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.ProtocolException;
import io.director.dsl.wire.TransferChunks;
import io.director.dsl.wire.TransferFile;
import io.director.dsl.wire.WireCodec;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * Pulls files from the server's transfer port. Create one per client and share it: any thread
 * (the job runner's) may call {@link #fetch}, which blocks until the file is there, refused, or
 * the caller's deadline passes. Fetches take turns on one DEALER connection; each request names
 * the node. In an encrypted cluster each request is signed with the job's transfer key, which
 * came with the job over the encrypted job port, and each chunk arrives sealed with it
 * ({@link ChunkCipher}): AES-256-GCM where this JVM can run it natively, else ChaCha20-Poly1305.
 * The transfer port itself runs no CurveZMQ, whose cipher made encrypted transfers four times
 * slower (docs/performance.md, Transfer).
 * <p>
 * The fetcher asks for the chunks of the grid ({@link TransferChunks}) in order and keeps
 * {@link #WINDOW} requests outstanding (credit based, as in the ZeroMQ guide's file transfer).
 * It checks that each chunk answers the oldest outstanding request with the length asked for and
 * that its bytes have the CRC32C its header gives, writes it, and checks the total size before
 * handing the file over. The server sends a chunk only if its bytes have the CRC32C they had when
 * the job was submitted, with the SHA-256 the job names; so the file handed over has that content
 * without the node hashing it, which its C1-only JVM does slowly (no SHA-256 intrinsic there,
 * while CRC32C has one).
 * <p>
 * The connection is opened by the first fetch, not by the constructor (a node that is never sent
 * a file keeps no transfer context). It stays open between fetches, also after a refusal or a
 * damaged chunk: answers still on their way for a
 * failed fetch are recognised by their job, path and offset and dropped by the next one. Why
 * not a new connection per fetch: measured here, JeroMQ 0.6.0 stalls the handshake of about one
 * new DEALER connection in fifty for the whole handshake interval (10 s), and of about one in
 * twenty when the previous connection closed with answers in flight. Only a fetch that got no
 * answer in time (or was interrupted) replaces the connection, since the server or the path to
 * it may be gone.
 */
public final class FileFetcher implements AutoCloseable {

    /**
     * Requests outstanding at once. At most 4: the server takes in at most 16 requests per node,
     * and a refused fetch leaves its window's requests queued there when the next fetch sends
     * its own; past that limit, JeroMQ's CURVE garbled a request (FileFetcherTest, with 8, when
     * this port still ran CURVE).
     */
    public static final int WINDOW = 4;
    /** Keys of jobs sent again remembered, at most: a key is only needed until its job has run. */
    private static final int REMEMBERED_KEYS = 4096;
    private static final Logger LOG = Logger.getLogger(FileFetcher.class.getName());
    /** As on the job port: shorter ones are risky under CURVE reconnect bursts. */
    private static final int HANDSHAKE_IVL_MILLIS = 10_000;
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final String endpoint;
    private final String node;
    private final boolean encrypted;
    private final int handshakeMillis;
    private final ReentrantLock turn = new ReentrantLock();
    private final ChunkBuffers buffers = new ChunkBuffers(TransferChunks.CHUNK_BYTES + ChunkCipher.TAG_BYTES,
            WINDOW + 1);
    /**
     * The newest transfer key of each job sent again while already here: a server that restarted
     * resends a job with a new key, which the job queued here must use.
     */
    private final Map<String, String> latestKeys = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMEMBERED_KEYS;
        }
    };
    /** Guarded by {@link #turn}: where sealed chunks are opened, made at the first encrypted fetch. */
    private ByteBuffer opened;
    /** Guarded by {@link #turn}; null while not connected (the address did not resolve) and once closed. */
    private Connection connection;
    private boolean closed;

    /**
     * @param node     the node's identity, named in each request; the server serves a node only
     *                 the files of the jobs it sent to it
     * @param security the node's security: when encrypted, requests are signed and chunks sealed
     */
    public FileFetcher(String serverAddress, int transferPort, String node, LinkSecurity security) {
        this(serverAddress, transferPort, node, security, HANDSHAKE_IVL_MILLIS);
    }

    /** Tests shorten the handshake interval, so a stalled handshake costs them a second, not ten. */
    FileFetcher(String serverAddress, int transferPort, String node, LinkSecurity security, int handshakeMillis) {
        this.endpoint = "tcp://" + Objects.requireNonNull(serverAddress, "serverAddress") + ":" + transferPort;
        this.node = Objects.requireNonNull(node, "node");
        this.encrypted = Objects.requireNonNull(security, "security").encrypted();
        this.handshakeMillis = handshakeMillis;
        // Connected at the first fetch: a node that is never sent a file keeps no transfer
        // context, threads or handshake (about 1 MiB of an idle client's memory).
    }

    /**
     * Notes the transfer key of a job sent again while it waits or runs here: the newest is the
     * one the server serves that job with (a restarted server grants anew, with a new key).
     */
    public void noteKey(Job job) {
        if (job.transferKey() != null) {
            synchronized (latestKeys) {
                latestKeys.put(job.jobId(), job.transferKey());
            }
        }
    }

    /** Where files come from, e.g. {@code tcp://server:5556}. */
    public String endpoint() {
        return endpoint;
    }

    /**
     * Fetches one file of a job into a new temporary file in {@code directory}, verified. The
     * caller sets its attributes and commits it into place, or closes it to throw it away.
     *
     * @throws TransferException when the server refuses, a chunk arrives damaged or the bytes do
     *                           not add up to the file's size, no answer comes before the deadline, or the
     *                           temporary file cannot be written; no temporary file is left then
     */
    public StagedFile fetch(Job job, TransferFile file, Path directory, Deadline deadline)
            throws TransferException, InterruptedException {
        ChunkCipher cipher = cipherFor(job, file);
        if (!turn.tryLock(deadline.remainingMillis(), TimeUnit.MILLISECONDS)) {
            throw timeout(file, deadline);
        }
        try {
            if (closed) {
                throw new TransferException("cannot fetch '" + file.source() + "': the client is stopping");
            }
            if (connection == null) {
                connection = connect(file);
            }
            StagedFile staged = stage(file, directory);
            try {
                download(connection.socket, job.jobId(), cipher, file, staged.path(), deadline);
                return staged;
            } catch (Answered e) {
                staged.close();
                throw new TransferException(e.getMessage());
            } catch (TransferException | InterruptedException | RuntimeException e) {
                staged.close();
                connection.close();
                connection = null; // the next fetch connects afresh
                throw e;
            }
        } finally {
            turn.unlock();
        }
    }

    /** Fetches one file of a job and moves it, verified, to {@code target} with the source's mode bits. */
    public void fetchTo(Job job, TransferFile file, Path target, Deadline deadline)
            throws TransferException, InterruptedException {
        Path directory = target.toAbsolutePath().getParent();
        try (StagedFile staged = fetch(job, file, directory, deadline)) {
            try {
                PosixModes.apply(staged.path(), file.mode());
                staged.commit(target);
            } catch (IOException e) {
                throw new TransferException("cannot move '" + file.source() + "' into place at " + target + ": "
                        + e.getMessage());
            }
        }
    }

    /** The job's cipher in an encrypted cluster (with the newest key its dispatches carried), else null. */
    private ChunkCipher cipherFor(Job job, TransferFile file) throws TransferException {
        if (!encrypted) {
            return null;
        }
        String key;
        synchronized (latestKeys) {
            key = latestKeys.getOrDefault(job.jobId(), job.transferKey());
        }
        if (key == null) {
            throw new TransferException("cannot fetch '" + file.source() + "': job " + job.jobId()
                    + " came without a transfer key, and this node fetches only sealed files");
        }
        try {
            return ChunkCipher.of(ChunkCipher.preferred(), key);
        } catch (IllegalArgumentException e) {
            throw new TransferException("cannot fetch '" + file.source() + "': job " + job.jobId()
                    + " came with a bad transfer key (" + e.getMessage() + ")");
        }
    }

    private Connection connect(TransferFile file) throws TransferException {
        try {
            return new Connection();
        } catch (ZMQException e) {
            throw new TransferException("cannot connect to " + endpoint + " for '" + file.source() + "': "
                    + e.getMessage());
        }
    }

    private static StagedFile stage(TransferFile file, Path directory) throws TransferException {
        try {
            return StagedFile.in(directory, file.fileName());
        } catch (IOException e) {
            throw new TransferException("cannot create a temporary file in " + directory + " for '" + file.source()
                    + "': " + e.getMessage());
        }
    }

    /**
     * Fails with {@link Answered} when the server answered but the file cannot be had (the
     * connection is fine), with a {@link TransferException} when the server did not answer.
     */
    private void download(ZMQ.Socket socket, String jobId, ChunkCipher cipher, TransferFile file, Path temporary,
                          Deadline deadline) throws TransferException, InterruptedException, Answered {
        long received = 0;
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            ArrayDeque<Message.ChunkRequest> outstanding = new ArrayDeque<>();
            // Sealed, a request names the file by its handle: the path does not cross the wire.
            String named = cipher == null ? file.source() : cipher.handle(file.source());
            long requested = 0;
            while (received < file.size()) {
                while (outstanding.size() < WINDOW && requested < file.size()) {
                    int length = (int) Math.min(TransferChunks.CHUNK_BYTES, file.size() - requested);
                    Message.ChunkRequest request = new Message.ChunkRequest(node, jobId, named, requested, length);
                    if (cipher != null) {
                        request = request.signed(cipher);
                    }
                    send(socket, request, file, deadline);
                    outstanding.add(request);
                    requested += length;
                }
                ByteBuffer data = receiveChunk(socket, outstanding.peek(), cipher, file, deadline);
                outstanding.poll();
                int length = data.remaining();
                while (data.hasRemaining()) {
                    out.write(data);
                }
                if (cipher == null) {
                    buffers.release(data);
                }
                received += length;
            }
        } catch (IOException e) {
            throw new Answered("cannot write '" + file.source() + "' to " + temporary + ": " + e.getMessage());
        }
        if (received != file.size()) {
            throw new Answered("received " + received + " bytes of '" + file.source() + "' from " + endpoint
                    + ", expected " + file.size());
        }
    }

    private void send(ZMQ.Socket socket, Message.ChunkRequest request, TransferFile file, Deadline deadline)
            throws TransferException, InterruptedException {
        try {
            socket.setSendTimeOut((int) Math.min(Integer.MAX_VALUE, deadline.remainingMillis()));
            if (deadline.passed() || !socket.send(WireCodec.encode(request), 0)) {
                throw timeout(file, deadline);
            }
        } catch (ZMQException e) {
            throw failure(e, file);
        }
    }

    /**
     * The bytes answering {@code expected}, the oldest request outstanding (opened, when sealed,
     * into a buffer of the fetcher's own). Answers to other requests are left over from a failed
     * fetch and are dropped.
     */
    private ByteBuffer receiveChunk(ZMQ.Socket socket, Message.ChunkRequest expected, ChunkCipher cipher,
                                    TransferFile file, Deadline deadline)
            throws TransferException, InterruptedException, Answered {
        while (true) {
            byte[] frame = receive(socket, file, deadline).data();
            ByteBuffer data = socket.hasReceiveMore() ? receive(socket, file, deadline).buf() : null;
            while (socket.hasReceiveMore()) {
                socket.recv(0);
            }
            Message message;
            try {
                message = WireCodec.decode(frame);
            } catch (ProtocolException e) {
                throw new Answered("the server at " + endpoint + " sent a malformed answer for '" + file.source()
                        + "': " + e.getMessage());
            }
            // the server's words end up in the job's result and the log: one bounded line
            if (message instanceof Message.Error error) {
                throw new Answered("the server at " + endpoint + " did not understand the request for '"
                        + file.source() + "': " + Limits.reason(error.message()));
            }
            if (!(message instanceof Message.Chunk chunk)) {
                throw new Answered("the server at " + endpoint + " answered '" + WireCodec.typeName(message)
                        + "' to a request for '" + file.source() + "'");
            }
            if (!expected.jobId().equals(chunk.jobId()) || !expected.source().equals(chunk.source())
                    || expected.offset() != chunk.offset()) {
                continue;
            }
            if (chunk.error() != null) {
                throw new Answered("the server refused '" + file.source() + "': " + Limits.reason(chunk.error()));
            }
            int sealing = cipher == null ? 0 : ChunkCipher.TAG_BYTES;
            if (chunk.length() != expected.length() || data == null
                    || data.remaining() != expected.length() + sealing) {
                throw new Answered("bad chunk of '" + file.source() + "' from " + endpoint + ": expected "
                        + (expected.length() + sealing) + " bytes at offset " + expected.offset() + ", got "
                        + (data == null ? "none" : Integer.toString(data.remaining())));
            }
            if (cipher != null) {
                data = open(cipher, chunk, frame, data, file);
            }
            long crc32c = TransferChunks.crc32c(data);
            if (crc32c != chunk.crc32c()) {
                throw new Answered("chunk at offset " + chunk.offset() + " of '" + file.source() + "' arrived damaged:"
                        + " crc32c expected " + hex(chunk.crc32c()) + ", got " + hex(crc32c));
            }
            return data;
        }
    }

    /** The chunk's bytes opened with the job's key, or why they are not the server's. */
    private ByteBuffer open(ChunkCipher cipher, Message.Chunk chunk, byte[] header, ByteBuffer sealed,
                            TransferFile file) throws Answered {
        if (opened == null) {
            opened = ByteBuffer.allocateDirect(TransferChunks.CHUNK_BYTES + ChunkCipher.TAG_BYTES);
            LOG.info(() -> "sealed file chunks are opened with " + cipher.cipher() + " ("
                    + ChunkCipher.implementation(cipher.cipher()) + ")");
        }
        opened.clear();
        try {
            cipher.open(chunk.nonce(), header, sealed, opened);
        } catch (GeneralSecurityException e) {
            throw new Answered("chunk at offset " + chunk.offset() + " of '" + file.source() + "' did not open with"
                    + " the job's transfer key (" + cipher.cipher() + "): damaged on the way, or not from the server ("
                    + Limits.reason(e.getMessage()) + ")");
        } finally {
            buffers.release(sealed);
        }
        return opened.flip();
    }

    /** A CRC32C as 8 hex digits; a value out of range (from a bad header) in full. */
    private static String hex(long crc32c) {
        return crc32c >= 0 && crc32c <= 0xFFFFFFFFL ? String.format("%08x", crc32c) : Long.toString(crc32c);
    }

    private zmq.Msg receive(ZMQ.Socket socket, TransferFile file, Deadline deadline)
            throws TransferException, InterruptedException {
        try {
            long left = deadline.remainingMillis();
            if (left > 0) {
                socket.setReceiveTimeOut((int) Math.min(Integer.MAX_VALUE, left));
                zmq.Msg frame = socket.recvMsg(0);
                if (frame != null) {
                    return frame;
                }
            }
        } catch (ZMQException e) {
            throw failure(e, file);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("fetch of '" + file.source() + "' interrupted");
        }
        throw timeout(file, deadline);
    }

    /** JeroMQ reports an interrupted thread as EINTR, having cleared the interrupt flag. */
    private TransferException failure(ZMQException e, TransferFile file) throws InterruptedException {
        if (e.getErrorCode() == zmq.ZError.EINTR) {
            throw new InterruptedException("fetch of '" + file.source() + "' interrupted");
        }
        return new TransferException("transfer of '" + file.source() + "' from " + endpoint + " failed: "
                + e.getMessage());
    }

    private TransferException timeout(TransferFile file, Deadline deadline) {
        return new TransferException("no answer from " + endpoint + " for '" + file.source() + "' within "
                + deadline.describe());
    }

    /** The server answered, but the file cannot be had; the connection stays usable. */
    private static final class Answered extends Exception {
        Answered(String message) {
            super(message, null, false, false);
        }
    }

    /** A DEALER to the transfer port, in a context of its own so it never shares one with another DEALER. */
    private final class Connection implements AutoCloseable {

        private final ZContext context = new ZContext(1);
        private final ZMQ.Socket socket;

        Connection() {
            socket = context.createSocket(SocketType.DEALER);
            socket.setLinger(0);
            socket.setMaxMsgSize(Limits.MAX_MESSAGE_BYTES);
            // JeroMQ can stall a handshake for its whole 30 s default; a shorter one recovers sooner.
            socket.setHandshakeIvl(handshakeMillis);
            // Chunks arrive in reused buffers outside the heap (see ChunkBuffers).
            socket.setMsgAllocator(buffers);
            try {
                // Resolves the server's name at once: an unknown name throws here.
                socket.connect(endpoint);
            } catch (ZMQException e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() {
            // The socket before its context: closing a context with a live socket can hang.
            socket.close();
            context.close();
        }
    }

    /**
     * Closes the connection; later fetches fail. Waits up to 5 s for a fetch under way to end
     * (the job runner is interrupted first when the client stops); if it does not, the
     * connection is left to the process's exit rather than closed under that fetch.
     */
    @Override
    public void close() {
        boolean locked = false;
        try {
            locked = turn.tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!locked) {
            return;
        }
        try {
            closed = true;
            if (connection != null) {
                connection.close();
                connection = null;
            }
        } finally {
            turn.unlock();
        }
    }
}
