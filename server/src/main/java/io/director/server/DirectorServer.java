package io.director.server;

import io.director.dsl.DirectorVersion;
import io.director.server.api.ApiServer;
import io.director.server.api.ApiService;
import io.director.server.dispatch.JobDispatcher;
import io.director.server.dispatch.PlanCoordinator;
import io.director.server.dispatch.QueryCoordinator;
import io.director.server.node.HelloCheck;
import io.director.server.node.NodeRegistry;
import io.director.server.store.ServerStore;
import io.director.server.transfer.TransferEndpoint;
import io.director.server.transfer.TransferPermissions;
import io.director.server.transport.ServerLoop;

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

    private final ServerConfig config;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ServerStore store;
    private TransferEndpoint transfer;
    private ServerLoop loop;
    private ApiServer api;

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

        // The transfer port opens before any job goes out, so a node can fetch a job's files at once.
        TransferPermissions permissions = new TransferPermissions();
        transfer = new TransferEndpoint(config.bindAddress(), config.transferPort(), permissions);
        try {
            transfer.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info(() -> "serving files on " + config.bindAddress() + ":" + transfer.port());

        loop = new ServerLoop(config.bindAddress(), config.jobPort());
        JobDispatcher dispatcher = new JobDispatcher(store, registry, loop, config.outputCapBytes(), permissions);
        QueryCoordinator queries = new QueryCoordinator(store, registry, loop);
        PlanCoordinator plans = new PlanCoordinator(store, dispatcher, loop);
        try {
            loop.start(new NodeMessageHandlers(registry, dispatcher, queries, plans, store, loop,
                    config.heartbeatMillis(), config.outputCapBytes()));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info(() -> "listening for nodes on " + config.bindAddress() + ":" + loop.jobPort());

        // The API opens last, so a CLI request never reaches a half-started server.
        api = new ApiServer(config.socketPath(), config.socketGroup(),
                new ApiService(loop, registry, dispatcher, plans, store)::handle);
        try {
            api.start();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot open the CLI socket " + config.socketPath() + ": "
                    + e.getMessage(), e);
        }
        LOG.info(() -> "director server " + DirectorVersion.version() + " ready; CLI socket " + api.socketPath());
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
