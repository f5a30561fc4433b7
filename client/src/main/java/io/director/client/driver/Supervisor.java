package io.director.client.driver;

import io.director.client.driver.jail.JailDriver;
import io.director.client.driver.vm.VmDriver;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Acts on {@code --restart on-failure|always}: once a second it asks the jail and VM drivers for
 * their supervised workloads and starts again those whose process is gone, after a backoff (1 s,
 * doubling up to 60 s for a workload that keeps dying; back to 1 s once it has run 60 s).
 *
 * <p>Runs on one daemon thread of its own. The drivers' restart call takes the workload's lock and
 * checks again that it is still recorded as running, so a {@code stop} job that comes in between
 * wins: a stopped workload is never started again.
 */
public final class Supervisor {

    private static final Logger LOG = Logger.getLogger(Supervisor.class.getName());
    static final Duration PERIOD = Duration.ofSeconds(1);
    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofSeconds(60);
    /** A workload that ran this long since its last restart is back to the first delay. */
    static final Duration STABLE_AFTER = Duration.ofSeconds(60);

    /** One kind of workload: how to list it and how to start one again. */
    private record Kind(String label, Lister lister, Restarter restarter) {
    }

    @FunctionalInterface
    private interface Lister {
        List<SupervisedWorkload> supervised() throws Exception;
    }

    @FunctionalInterface
    private interface Restarter {
        boolean restart(String name) throws Exception;
    }

    /** Backoff of one workload: when it was last restarted and what the next delay is. */
    private static final class Backoff {
        long lastRestartNanos;
        boolean restartedBefore;
        Duration delay = FIRST_DELAY;
        Long dueNanos;
    }

    private final List<Kind> kinds;
    private final LongSupplier nanoTime;
    private final Map<String, Backoff> backoffs = new HashMap<>();
    private ScheduledExecutorService timer;

    public Supervisor(JailDriver jails, VmDriver vms) {
        this(jails, vms, System::nanoTime);
    }

    /** With the clock (as {@link System#nanoTime}) that times the backoff. */
    Supervisor(JailDriver jails, VmDriver vms, LongSupplier nanoTime) {
        Objects.requireNonNull(jails, "jails");
        Objects.requireNonNull(vms, "vms");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.kinds = List.of(new Kind("jail", jails::supervised, jails::restartGone),
                new Kind("VM", vms::supervised, vms::restartGone));
    }

    public synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "supervisor");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops supervising (a restart under way is interrupted); the workloads keep running. */
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
    }

    /** One round over every kind; failures are logged and retried on the next round. */
    void check() {
        Set<String> seen = new HashSet<>();
        for (Kind kind : kinds) {
            List<SupervisedWorkload> workloads;
            try {
                workloads = kind.lister().supervised();
            } catch (Exception e) {
                LOG.warning(() -> "supervision cannot list " + kind.label() + "s: " + e.getMessage());
                continue;
            }
            for (SupervisedWorkload workload : workloads) {
                String key = kind.label() + " " + workload.name();
                seen.add(key);
                if (workload.wantsRestart()) {
                    restartWhenDue(kind, workload, backoffs.computeIfAbsent(key, k -> new Backoff()));
                }
            }
        }
        backoffs.keySet().retainAll(seen);
    }

    private void restartWhenDue(Kind kind, SupervisedWorkload workload, Backoff backoff) {
        long now = nanoTime.getAsLong();
        if (backoff.dueNanos == null) {
            boolean stable = !backoff.restartedBefore || now - backoff.lastRestartNanos >= STABLE_AFTER.toNanos();
            backoff.delay = stable ? FIRST_DELAY : min(backoff.delay.multipliedBy(2), MAX_DELAY);
            backoff.dueNanos = now + backoff.delay.toNanos();
            return;
        }
        if (now < backoff.dueNanos) {
            return;
        }
        backoff.dueNanos = null;
        backoff.restartedBefore = true;
        backoff.lastRestartNanos = now;
        String what = kind.label() + " " + workload.name();
        try {
            if (kind.restarter().restart(workload.name())) {
                LOG.info(() -> what + " restarted by supervision (--restart " + workload.restart() + ", after "
                        + backoff.delay.toSeconds() + " s)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warning(() -> what + ": restart failed, retrying with backoff: " + e.getMessage());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
