package io.director.client.exec;

import io.director.client.cache.NodeCache;
import io.director.client.cache.NodeVariables;
import io.director.client.template.TemplateRenderer;
import io.director.dsl.verb.Verb;
import io.director.dsl.verb.VerbRegistry;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.JobResult;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.NodeState;

import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the node's jobs one at a time in arrival order, on its own thread. Each job is recorded
 * in the cache before it runs and its result is stored before it is sent, so a crash at any
 * point loses nothing: a restart reports what was running as failed and runs what was pending.
 */
public final class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());
    /** How long finished jobs are remembered to recognise a repeat: far beyond any reconnect. */
    private static final long INBOX_MEMORY_MILLIS = 7L * 24 * 3600 * 1000;

    private final NodeCache cache;
    private final ExecutorRegistry executors;
    private final VerbRegistry verbs;
    private final Consumer<Message> sender;
    private final IntSupplier outputCap;
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final NodeVariables variables;
    private final TemplateRenderer templates = new TemplateRenderer();
    private Thread thread;

    public JobRunner(NodeCache cache, ExecutorRegistry executors, VerbRegistry verbs, Consumer<Message> sender,
                     IntSupplier outputCap) {
        this.cache = cache;
        this.executors = executors;
        this.verbs = verbs;
        this.sender = sender;
        this.outputCap = outputCap;
        this.variables = new NodeVariables(cache);
    }

    /** Reports jobs cut short by a previous crash, queues pending ones, and starts the thread. */
    public void start() {
        cache.pruneDone(System.currentTimeMillis() - INBOX_MEMORY_MILLIS);
        for (JobResult interrupted : cache.failInterrupted(System.currentTimeMillis())) {
            LOG.warning(() -> "job " + interrupted.jobId() + " was running when the client stopped: reported failed");
        }
        queue.addAll(cache.pendingJobs());
        thread = new Thread(this::run, "job-runner");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A job arrived from the server (link thread). A repeat is not run again: if its result is
     * still unacknowledged it is sent again, otherwise it is ignored.
     */
    public void offer(Job job) {
        switch (cache.receive(job, System.currentTimeMillis())) {
            case NEW -> queue.add(job);
            case PENDING -> LOG.fine(() -> "job " + job.jobId() + " already queued here");
            case DONE -> {
                JobResult result = cache.unacknowledged(job.jobId());
                if (result != null) {
                    sender.accept(new Message.Result(result));
                }
            }
        }
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            Job job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                JobResult result = execute(job);
                sender.accept(new Message.Result(result));
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "job " + job.jobId() + " could not be run: " + e.getMessage(), e);
            }
        }
    }

    private JobResult execute(Job job) throws InterruptedException {
        long started = System.currentTimeMillis();
        Optional<Verb> verb = verbs.find(job.definition().verb());
        boolean alwaysRuns = verb.map(Verb::alwaysRuns).orElse(true);
        if (!alwaysRuns && !job.definition().skipCache() && cache.succeededBefore(job.fingerprint())) {
            JobResult skipped = new JobResult(job.jobId(), NodeState.SKIPPED, null, "", "",
                    "cached: succeeded before on this node", 0, started, started);
            cache.finish(skipped, null);
            return skipped;
        }
        cache.markRunning(job.jobId());
        sender.accept(new Message.Started(job.jobId(), started));
        Optional<Executor> executor = executors.find(job.definition().verb());
        Execution execution;
        if (executor.isEmpty()) {
            execution = Execution.failed("verb " + job.definition().verb() + " is not supported by this client");
        } else {
            try {
                execution = executor.get().execute(new JobContext(job, job.definition().payload(), variables,
                        templates, variables.environment(), outputCap.getAsInt()));
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "executor for " + job.definition().verb() + " failed", e);
                execution = Execution.failed("executor error: " + e.getMessage());
            }
        }
        long finished = System.currentTimeMillis();
        JobResult result = new JobResult(job.jobId(), execution.state(), execution.exitCode(), execution.stdout(),
                execution.stderr(), execution.info(), (finished - started) / 1000.0, started, finished);
        boolean cacheable = !alwaysRuns && execution.state() == NodeState.SUCCESS;
        cache.finish(result, cacheable ? job.fingerprint() : null);
        LOG.info(() -> "job " + job.jobId() + " " + job.definition().verb() + " " + result.state().wireName()
                + (result.exitCode() == null ? "" : " (exit " + result.exitCode() + ")"));
        return result;
    }

    /**
     * Interrupts the job under way (its process group is killed) and waits briefly for the
     * thread. The job stays marked running, so the next start reports it "client restarted".
     */
    public void stop() {
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
