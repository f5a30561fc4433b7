package io.director.client.exec;

import io.director.client.cache.NodeCache;
import io.director.client.cache.NodeVariables;
import io.director.client.template.TemplateException;
import io.director.client.template.TemplateRenderer;
import io.director.dsl.verb.CommonOptions;
import io.director.dsl.verb.Verb;
import io.director.dsl.verb.VerbRegistry;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.JobResult;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.NodeState;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the node's jobs. Each queue runs one job at a time in arrival order on a thread of its
 * own: the main queue (every job outside an async block) always exists; an async block's
 * queue lives while it has work. Each job is recorded in the cache before it runs and its
 * result is stored before it is sent, so a crash at any point loses nothing: a restart reports
 * what was running as failed and runs what was pending. When a queue's next job is already
 * there, it is cleared and marked running in the transaction that stores the result of the job
 * before it: one commit between two jobs instead of two.
 * <p>
 * Fail-fast: once a job of an orchestration fails here, its later jobs on this node are
 * {@code cancelled}, not run. Cache: a job is {@code skipped} when the same job with the same
 * rendered inputs ({@link CacheKey}) succeeded here before.
 */
public final class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());
    /** How long finished jobs are remembered to recognise a repeat: far beyond any reconnect. */
    private static final long INBOX_MEMORY_MILLIS = 7L * 24 * 3600 * 1000;
    /** How many failed orchestrations fail-fast remembers (each holds ids only). */
    private static final int MAX_FAILED_PARENTS = 10_000;
    /** An async queue's thread ends after this long without work. */
    private static final long IDLE_SECONDS = 30;

    private final NodeCache cache;
    private final ExecutorRegistry executors;
    private final VerbRegistry verbs;
    private final Consumer<Message> sender;
    private final IntSupplier outputCap;
    private final NodeVariables variables;
    private final TemplateRenderer templates;
    private final String identity;
    private final Map<String, String> labels;
    private final Map<String, Worker> workers = new HashMap<>();
    /** Orchestration (parent) id → the job of it that failed here first; the newest few thousand. */
    private final Map<String, String> failedParents = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > MAX_FAILED_PARENTS;
                }
            });
    private volatile boolean stopped;

    public JobRunner(NodeCache cache, NodeVariables variables, TemplateRenderer templates, ExecutorRegistry executors,
                     VerbRegistry verbs, Consumer<Message> sender, IntSupplier outputCap, String identity,
                     Map<String, String> labels) {
        this.cache = cache;
        this.variables = variables;
        this.templates = templates;
        this.executors = executors;
        this.verbs = verbs;
        this.sender = sender;
        this.outputCap = outputCap;
        this.identity = identity;
        this.labels = Map.copyOf(labels);
    }

    /** Reports jobs cut short by a previous crash, queues pending ones, and starts the main queue. */
    public void start() {
        cache.pruneDone(System.currentTimeMillis() - INBOX_MEMORY_MILLIS);
        for (JobResult interrupted : cache.failInterrupted(System.currentTimeMillis())) {
            LOG.warning(() -> "job " + interrupted.jobId() + " was running when the client stopped: reported failed");
        }
        // Fail-fast survives a restart: what failed before it still cancels the rest of its orchestration.
        cache.failedOrchestrations().forEach(failedParents::putIfAbsent);
        synchronized (workers) {
            workers.computeIfAbsent(Job.MAIN_QUEUE, Worker::new);
        }
        cache.pendingJobs().forEach(this::enqueue);
    }

    /**
     * Jobs arrived from the server (link thread), recorded together. A repeat is not run again:
     * if its result is still unacknowledged it is sent again, otherwise it is ignored.
     *
     * @return where each job stood, in order (a repeat of a job waiting or running here is
     *         {@code PENDING})
     */
    public List<NodeCache.Arrival> offer(List<Job> jobs) {
        List<NodeCache.Arrival> arrivals = cache.receiveAll(jobs, System.currentTimeMillis());
        for (int i = 0; i < jobs.size(); i++) {
            Job job = jobs.get(i);
            switch (arrivals.get(i)) {
                case NEW -> enqueue(job);
                case PENDING -> LOG.fine(() -> "job " + job.jobId() + " already queued here");
                case DONE -> {
                    JobResult result = cache.unacknowledged(job.jobId());
                    if (result != null) {
                        sender.accept(new Message.Result(result));
                    }
                }
            }
        }
        return arrivals;
    }

    private void enqueue(Job job) {
        synchronized (workers) {
            if (!stopped) {
                workers.computeIfAbsent(job.queue(), Worker::new).jobs.add(job);
            }
        }
    }

    /** One queue and the thread that empties it. */
    private final class Worker implements Runnable {
        private final String queue;
        private final LinkedBlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
        private final Thread thread;

        Worker(String queue) {
            this.queue = queue;
            this.thread = new Thread(this, queue.equals(Job.MAIN_QUEUE) ? "job-runner" : "job-runner-async");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            // The next job, already rendered and marked running in the transaction that stored
            // the result of the one before it (see execute).
            Start next = null;
            while (!stopped) {
                Job job;
                try {
                    job = jobs.poll(IDLE_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (job == null) {
                    if (!queue.equals(Job.MAIN_QUEUE)) {
                        synchronized (workers) {
                            if (jobs.isEmpty()) {
                                workers.remove(queue);
                                return;
                            }
                        }
                    }
                    continue;
                }
                Start prepared = next != null && next.job() == job ? next : null;
                next = null;
                try {
                    Outcome outcome = execute(job, prepared, jobs);
                    next = outcome.next();
                    sender.accept(new Message.Result(outcome.result()));
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "job " + job.jobId() + " could not be run: " + e.getMessage(), e);
                }
            }
        }
    }

    /** Whether a job runs: {@link Start} or {@link Refused}. */
    private sealed interface Clearance permits Start, Refused {
    }

    /** A job cleared to run: rendered, not cancelled, not cached. */
    private record Start(Job job, boolean alwaysRuns, RenderedJob rendered, Map<String, Object> templateContext)
            implements Clearance {
    }

    /** A job that does not run, and the result it gets instead. */
    private record Refused(NodeState state, String info) implements Clearance {
    }

    /** A job's result, and the job after it when that one was marked running with it. */
    private record Outcome(JobResult result, Start next) {
    }

    /**
     * Runs a job ({@code prepared}: already cleared and marked running) and stores its result.
     * When the queue's next job is there and will run, it is marked running in the same
     * transaction as this result (one commit between two jobs, not two); a client stopped in
     * between reports that job "client restarted" like one stopped while running it.
     */
    private Outcome execute(Job job, Start prepared, LinkedBlockingQueue<Job> queue) throws InterruptedException {
        long started = System.currentTimeMillis();
        Start start = prepared;
        if (start == null) {
            Clearance clearance = clear(job, null);
            if (clearance instanceof Refused refused) {
                return new Outcome(finishWithout(job, refused.state(), refused.info(), started), null);
            }
            start = (Start) clearance;
            cache.markRunning(job.jobId());
        }
        sender.accept(new Message.Started(job.jobId(), started));
        Optional<Executor> executor = executors.find(job.definition().verb());
        Execution execution;
        if (executor.isEmpty()) {
            execution = Execution.failed("verb " + job.definition().verb() + " is not supported by this client");
        } else {
            try {
                execution = executor.get().execute(new JobContext(start.rendered().job(), start.rendered().payload(),
                        variables, templates, start.templateContext(), variables.environment(), outputCap.getAsInt()));
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "executor for " + job.definition().verb() + " failed", e);
                execution = Execution.failed("executor error: " + e.getMessage());
            }
        }
        if (execution.state() == NodeState.SUCCESS) {
            try {
                keepOutputAsArgs(job, execution);
            } catch (IllegalArgumentException e) {
                execution = new Execution(NodeState.FAILED, execution.exitCode(), execution.stdout(),
                        execution.stderr(), "cannot keep the output as an ARG: " + e.getMessage());
            }
        }
        long finished = System.currentTimeMillis();
        JobResult result = new JobResult(job.jobId(), execution.state(), execution.exitCode(), execution.stdout(),
                execution.stderr(), execution.info(), (finished - started) / 1000.0, started, finished);
        boolean cacheable = !start.alwaysRuns() && execution.state() == NodeState.SUCCESS;
        String cacheKey = cacheable ? start.rendered().cacheKey() : null;
        noteFailure(job, result.state());
        Start next = null;
        Job following = stopped ? null : queue.peek();
        try {
            if (following != null && clear(following, cacheKey) instanceof Start cleared) {
                next = cleared; // a job that does not run is refused, and stored, in its own turn
            }
        } catch (RuntimeException e) {
            next = null; // cleared again in its turn, where a failure is that job's alone
        }
        cache.finishAndStart(result, cacheKey, next == null ? null : next.job().jobId());
        LOG.info(() -> "job " + job.jobId() + " " + job.definition().verb() + " " + result.state().wireName()
                + (result.exitCode() == null ? "" : " (exit " + result.exitCode() + ")"));
        return new Outcome(result, next);
    }

    /**
     * Whether a job runs: not after a failure of its orchestration here (fail-fast), not with a
     * template error, and not when it succeeded here before (the cache). Stores nothing.
     *
     * @param justCached the cache key of the job before it, succeeded but not stored yet, or null
     */
    private Clearance clear(Job job, String justCached) {
        String failedBefore = job.parentId() == null ? null : failedParents.get(job.parentId());
        if (failedBefore != null) {
            return new Refused(NodeState.CANCELLED,
                    "cancelled: job " + failedBefore + " of this orchestration failed on this node");
        }
        Optional<Verb> verb = verbs.find(job.definition().verb());
        boolean alwaysRuns = verb.map(Verb::alwaysRuns).orElse(true);
        Map<String, Object> templateContext = variables.templateContext(identity, labels);
        RenderedJob rendered;
        try {
            rendered = RenderedJob.of(job, templates, templateContext);
        } catch (TemplateException e) {
            return new Refused(NodeState.FAILED, "template: " + e.getMessage());
        }
        String cacheKey = rendered.cacheKey();
        if (!alwaysRuns && !job.definition().skipCache()
                && (cacheKey.equals(justCached) || cache.succeededBefore(cacheKey))) {
            return new Refused(NodeState.SKIPPED, "cached: succeeded before on this node");
        }
        return new Start(job, alwaysRuns, rendered, templateContext);
    }

    /** {@code --stdout-arg} / {@code --stderr-arg}: the stripped output becomes an ARG for later jobs. */
    private void keepOutputAsArgs(Job job, Execution execution) {
        String stdoutArg = job.definition().text(CommonOptions.STDOUT_ARG);
        if (stdoutArg != null) {
            variables.setArg(stdoutArg, execution.stdout().strip());
        }
        String stderrArg = job.definition().text(CommonOptions.STDERR_ARG);
        if (stderrArg != null) {
            variables.setArg(stderrArg, execution.stderr().strip());
        }
    }

    private JobResult finishWithout(Job job, NodeState state, String info, long now) {
        JobResult result = new JobResult(job.jobId(), state, null, "", "", info, 0, now, now);
        cache.finish(result, null);
        noteFailure(job, state);
        LOG.info(() -> "job " + job.jobId() + " " + job.definition().verb() + " " + state.wireName() + ": " + info);
        return result;
    }

    private void noteFailure(Job job, NodeState state) {
        if (state == NodeState.FAILED && job.parentId() != null) {
            failedParents.putIfAbsent(job.parentId(), job.jobId());
        }
    }

    /**
     * Interrupts the jobs under way (their process groups are killed) and waits briefly for the
     * threads. Those jobs stay marked running, so the next start reports them "client restarted".
     */
    public void stop() {
        Iterable<Worker> running;
        synchronized (workers) {
            stopped = true;
            running = new java.util.ArrayList<>(workers.values());
        }
        for (Worker worker : running) {
            worker.thread.interrupt();
        }
        for (Worker worker : running) {
            try {
                worker.thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
