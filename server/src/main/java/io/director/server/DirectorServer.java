package io.director.server;

import io.director.dsl.DirectorVersion;
import io.director.server.api.ApiServer;
import io.director.server.api.ApiService;
import io.director.server.dispatch.DeploymentKeeper;
import io.director.server.dispatch.JobDispatcher;
import io.director.server.dispatch.PlanCoordinator;
import io.director.server.dispatch.QueryCoordinator;
import io.director.dsl.wire.CurveKeys;
import io.director.dsl.wire.KeyFiles;
import io.director.server.node.HelloCheck;
import io.director.server.node.NodeKeys;
import io.director.server.node.NodeRegistry;
import io.director.server.store.ServerStore;
import io.director.server.transfer.ChunkChecksums;
import io.director.server.transfer.TransferEndpoint;
import io.director.server.transfer.TransferPermissions;
import io.director.server.transport.ServerLoop;
import io.director.server.transport.WireSecurity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * The server, assembled in pipeline order: store → registry → transfer endpoint → transport
 * loop → dispatcher → node message handlers → API. Start-up runs as named phases, one log line each; shutdown
 * runs them backwards.
 */
public final class DirectorServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DirectorServer.class.getName());
    /** Keys recorded as pending at most; more unknown keys are refused without a trace in the store. */
    static final int MAX_PENDING_KEYS = 10_000;
    /** The server's secret and public key files, in its state directory. */
    public static final String SECRET_KEY_FILE = "server.key";
    public static final String PUBLIC_KEY_FILE = "server.pub";

    private final ServerConfig config;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ServerStore store;
    private TransferEndpoint transfer;
    private ServerLoop loop;
    private ApiServer api;
    private WireSecurity security;

    public DirectorServer(ServerConfig config) {
        this.config = config;
    }

    public void start() {
        long now = System.currentTimeMillis();
        // The store comes first: nodes and unfinished jobs must be known before any node talks.
        store = ServerStore.open(config.datastore());
        LOG.info(() -> "datastore " + store.path() + " open");

        NodeRegistry registry = new NodeRegistry(config.heartbeatMillis(), new HelloCheck(config.sharedKey()));
        registry.restore(store.loadNodes(), now);
        LOG.info(() -> "registry restored " + registry.size() + " node(s)");

        NodeKeys keys = null;
        try {
            security = config.encrypted() ? WireSecurity.curve(serverKeys()) : WireSecurity.plaintext();
        } catch (KeyFiles.KeyFileException e) {
            close();
            throw e;
        }
        if (security.encrypted()) {
            keys = new NodeKeys(store, MAX_PENDING_KEYS);
            keys.restore(store.loadKeys());
            String publicKey = security.keys().publicKey();
            LOG.info(() -> "CurveZMQ on; server public key " + publicKey + " (fingerprint "
                    + CurveKeys.shortFingerprint(publicKey) + ", also in " + config.stateDirectory()
                    .resolve(PUBLIC_KEY_FILE) + ")");
        } else {
            LOG.warning("encryption is off (--encryption none): node traffic is in clear and node keys are not checked");
        }
        NodeKeys nodeKeys = keys;

        // The transfer port opens before any job goes out, so a node can fetch a job's files at once.
        TransferPermissions permissions = new TransferPermissions(security.encrypted());
        ChunkChecksums checksums = new ChunkChecksums();
        transfer = new TransferEndpoint(config.bindAddress(), config.transferPort(), permissions, checksums);
        try {
            transfer.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info(() -> "serving files on " + config.bindAddress() + ":" + transfer.port());

        loop = new ServerLoop(config.bindAddress(), config.jobPort(), security);
        JobDispatcher dispatcher = new JobDispatcher(store, registry, loop, config.outputCapBytes(), permissions,
                config.maxHops());
        QueryCoordinator queries = new QueryCoordinator(store, registry, loop);
        PlanCoordinator plans = new PlanCoordinator(store, dispatcher, loop);
        DeploymentKeeper deployments = new DeploymentKeeper(store, registry, dispatcher, config.heartbeatMillis());
        deployments.restore(store.loadDeployments());
        try {
            loop.start(new NodeMessageHandlers(registry, nodeKeys, dispatcher, queries, plans, deployments, store, loop,
                    config.heartbeatMillis(), config.outputCapBytes()));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info(() -> "listening for nodes on " + config.bindAddress() + ":" + loop.jobPort());

        // The API opens last, so a CLI request never reaches a half-started server.
        api = new ApiServer(config.socketPath(), config.socketGroup(),
                new ApiService(loop, registry, nodeKeys, security, dispatcher, plans, deployments, store,
                        checksums)::handle);
        try {
            api.start();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot open the CLI socket " + config.socketPath() + ": "
                    + e.getMessage(), e);
        }
        LOG.info(() -> "director server " + DirectorVersion.version() + " ready; CLI socket " + api.socketPath());
    }

    /**
     * The server's key pair: derived from the shared key when there is one (so nodes that know
     * it know the server's public key), else made on first start in the state directory (0600).
     * The public key is written next to it for operators to give to nodes.
     */
    private CurveKeys serverKeys() {
        java.nio.file.Path dir = config.stateDirectory();
        CurveKeys stored = KeyFiles.loadOrCreate(dir.resolve(SECRET_KEY_FILE));
        CurveKeys keys = config.sharedKey() == null || config.sharedKey().isEmpty() ? stored
                : CurveKeys.derivedFrom(config.sharedKey());
        KeyFiles.writePublic(dir.resolve(PUBLIC_KEY_FILE), keys.publicKey());
        return keys;
    }

    /** The server's public key, or null without encryption. */
    public String publicKey() {
        return security == null || !security.encrypted() ? null : security.keys().publicKey();
    }

    public int jobPort() {
        return loop.jobPort();
    }

    public int transferPort() {
        return transfer.port();
    }

    /** Blocks until {@link #close()} has run. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        if (api != null) {
            api.close();
        }
        if (loop != null) {
            loop.close();
        }
        if (transfer != null) {
            transfer.close();
        }
        if (store != null) {
            store.close();
        }
        LOG.info("director server stopped");
        stopped.countDown();
    }
}
