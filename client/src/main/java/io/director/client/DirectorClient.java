package io.director.client;

import io.director.client.cache.NodeCache;
import io.director.client.cache.NodeVariables;
import io.director.client.capacity.CapacityCheck;
import io.director.client.capacity.NodeProbe;
import io.director.client.driver.Supervisor;
import io.director.client.driver.jail.JailDriver;
import io.director.client.driver.jail.JailDrivers;
import io.director.client.driver.vm.VmDriver;
import io.director.client.driver.vm.VmDrivers;
import io.director.client.exec.VmExecutor;
import io.director.client.exec.AddExecutor;
import io.director.client.exec.JailExecutor;
import io.director.client.exec.QueryAnswers;
import io.director.client.exec.Planner;
import io.director.client.exec.QueryExecutor;
import io.director.client.template.TemplateRenderer;
import io.director.client.exec.ExecutorRegistry;
import io.director.client.exec.JobRunner;
import io.director.client.exec.ProcessRunner;
import io.director.client.link.LinkListener;
import io.director.client.link.LinkSecurity;
import io.director.client.link.ServerLink;
import io.director.client.transfer.FileFetcher;
import io.director.dsl.DirectorVersion;
import io.director.dsl.verb.AddVerb;
import io.director.dsl.verb.CopyVerb;
import io.director.dsl.verb.VerbRegistry;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.JobResult;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * The node daemon, assembled: cache → job runner (with the executor registry) → server link.
 * It runs until {@link #close()} or until the server refuses the node.
 */
public final class DirectorClient implements AutoCloseable, LinkListener {

    private static final Logger LOG = Logger.getLogger(DirectorClient.class.getName());
    /** Set by the launcher to where this run lists the classes it loads (for a class-data archive). */
    static final String PENDING_ARCHIVE_PROPERTY = "director.cds.pending";

    private final ClientConfig config;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile int outputCap = Limits.DEFAULT_OUTPUT_CAP;
    private volatile String refusal;
    private final QueryAnswers queryAnswers = new QueryAnswers();
    private final TemplateRenderer templates = new TemplateRenderer();
    private final java.util.concurrent.ExecutorService planning = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
                Thread t = new Thread(r, "planner");
                t.setDaemon(true);
                return t;
            });
    /** Sends results again that the server has not acknowledged (see {@link #resendUnacknowledged}). */
    private final java.util.concurrent.ScheduledExecutorService resender =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "outbox-resend");
                t.setDaemon(true);
                return t;
            });
    private Planner planner;
    private NodeCache cache;
    private ProcessRunner processes;
    private FileFetcher files;
    private JobRunner runner;
    private ServerLink link;
    private Supervisor supervisor;
    private LinkSecurity security;

    public DirectorClient(ClientConfig config) {
        this.config = config;
    }

    /**
     * Starts the daemon. Throws {@link ServerKeys.ServerKeyException} when it is told a server key
     * other than the one it pinned, or none, and a key file error when its key cannot be kept.
     */
    public void start() {
        security = ServerKeys.resolve(config);
        cache = NodeCache.open(config.cachePath());
        String machineId = machineId(config.cachePath());
        processes = new ProcessRunner();
        files = new FileFetcher(config.serverAddress(), config.transferPort(), config.identity(), security);
        JailDriver jails = JailDrivers.forThisHost(config.cachePath(), cache, processes);
        jails.recover();
        VmDriver vms = VmDrivers.forThisHost(config.cachePath(), cache, processes);
        vms.recover();
        Map<String, String> facts = facts();
        facts.put("jail_driver", jails.name());
        facts.put("vm_driver", vms.name());
        NodeProbe probe = new NodeProbe(config.cachePath(), config.limits(), jails, vms, cache);
        CapacityCheck capacity = new CapacityCheck(probe);
        link = new ServerLink(config.serverAddress(), config.jobPort(), config.identity(), machineId, config.labels(),
                facts, config.sharedKey(), security, config.heartbeatMillis(), this, probe::report);
        NodeVariables variables = new NodeVariables(cache);
        ExecutorRegistry executors = ExecutorRegistry.standard(processes)
                .with(new QueryExecutor(link::send, queryAnswers),
                        new AddExecutor(AddVerb.NAME, files), new AddExecutor(CopyVerb.NAME, files),
                        new JailExecutor(jails, capacity, cache), new VmExecutor(vms, capacity, cache));
        runner = new JobRunner(cache, variables, templates, executors, VerbRegistry.standard(), link::send,
                () -> outputCap, config.identity(), config.labels());
        planner = new Planner(cache, variables, templates, VerbRegistry.standard(), executors, config.identity(),
                config.labels());
        supervisor = new Supervisor(jails, vms);
        runner.start();
        supervisor.start();
        link.start();
        long resendMillis = Math.max(1000, 3 * config.heartbeatMillis());
        resender.scheduleWithFixedDelay(() -> resendUnacknowledged(resendMillis), resendMillis, resendMillis,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        LOG.info(() -> "director client " + DirectorVersion.version() + " started as " + config.identity()
                + " (machine " + machineId + ", cache " + config.cachePath() + (security.encrypted()
                ? ", key fingerprint " + security.keys().fingerprint() : "") + ")");
    }

    /** Waits until the client stops; returns the server's refusal, or null after a normal stop. */
    public String awaitStop() throws InterruptedException {
        stopped.await();
        return refusal;
    }

    /**
     * A result the server received but could not store (its disk full, say) is not acknowledged,
     * and the link stays up, so the hello that resends the outbox never comes. Results still
     * unacknowledged some time after they were made are therefore sent again now and then; the
     * server stores a repeat once and acknowledges it.
     */
    private void resendUnacknowledged(long olderThanMillis) {
        try {
            if (!link.enrolled()) {
                return; // the next welcome sends them all
            }
            long before = System.currentTimeMillis() - olderThanMillis;
            for (JobResult result : cache.unacknowledged()) {
                if (result.finishedAt() < before) {
                    link.send(new Message.Result(result));
                }
            }
        } catch (RuntimeException e) {
            LOG.warning(() -> "cannot send unacknowledged results again: " + e.getMessage());
        }
    }

    @Override
    public void onEnrolled(int outputCapBytes) {
        outputCap = outputCapBytes;
        try {
            ServerKeys.pin(config, security);
        } catch (RuntimeException e) {
            LOG.warning(() -> "cannot pin the server's key: " + e.getMessage());
        }
        for (JobResult result : cache.unacknowledged()) {
            link.send(new Message.Result(result));
        }
        markArchiveWorthKeeping();
    }

    /**
     * Tells the launcher that the list of classes this run records is worth an archive: it got as
     * far as enrolling, so the list holds the classes of a running node. A run that failed earlier
     * (no server key, no server) misses them, and a client mapping an archive of its list would
     * load them from the jar at every start after, about 1.5 MiB more resident.
     */
    private static void markArchiveWorthKeeping() {
        String pending = System.getProperty(PENDING_ARCHIVE_PROPERTY);
        if (pending == null || pending.isEmpty()) {
            return;
        }
        Path marker = Path.of(pending + ".enrolled");
        try {
            Files.createFile(marker);
        } catch (FileAlreadyExistsException e) {
            // enrolled before, on another connection
        } catch (IOException | RuntimeException e) {
            LOG.fine(() -> "cannot write " + marker + ": " + e.getMessage());
        }
    }

    @Override
    public void onQueryAnswer(Message.QueryAnswer answer) {
        queryAnswers.deliver(answer);
    }

    @Override
    public void onPlanRequest(Message.PlanRequest request) {
        // Off the link thread: planning reads the cache and renders templates.
        planning.execute(() -> link.send(new Message.PlanReply(request.planId(), planner.plan(request.jobs()))));
    }

    @Override
    public void onJobs(List<Job> jobs) {
        List<NodeCache.Arrival> arrivals = runner.offer(jobs);
        for (int i = 0; i < jobs.size(); i++) {
            if (arrivals.get(i) == NodeCache.Arrival.PENDING) {
                // Sent again, by a server that may have restarted since: its files come with this key now.
                files.noteKey(jobs.get(i));
            }
        }
    }

    @Override
    public void onResultsAcknowledged(List<String> jobIds) {
        cache.acknowledged(jobIds);
    }

    @Override
    public void onRefused(String reason) {
        refusal = reason;
        Thread stopper = new Thread(this::close, "client-stop");
        stopper.start();
    }

    /**
     * This installation's machine id: made once, kept in the cache path. Two clients that claim
     * one identity from different installations are told apart by it.
     */
    static String machineId(Path cachePath) {
        Path file = cachePath.resolve("machine-id");
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file).trim();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            String id = UUID.randomUUID().toString().replace("-", "");
            Files.writeString(file, id + "\n");
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the machine id in " + file, e);
        }
    }

    private static Map<String, String> facts() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("os", System.getProperty("os.name"));
        facts.put("arch", System.getProperty("os.arch"));
        facts.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        facts.put("java", System.getProperty("java.version"));
        return facts;
    }

    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        if (link != null) {
            link.close();
        }
        if (supervisor != null) {
            supervisor.stop();
        }
        if (runner != null) {
            runner.stop();
        }
        planning.shutdownNow();
        resender.shutdownNow();
        if (processes != null) {
            processes.close();
        }
        if (files != null) {
            files.close();
        }
        if (cache != null) {
            cache.close();
        }
        LOG.info("director client stopped");
        stopped.countDown();
    }
}
