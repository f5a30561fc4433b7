package io.director.client.driver;

import io.director.client.cache.NodeCache;
import io.director.client.driver.jail.JailDriver;
import io.director.client.driver.vm.VmDrivers;
import io.director.client.exec.ProcessRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The supervisor's backoff, against a jail driver with one scripted jail and a clock the test moves. */
class SupervisorBackoffTest {

    private static final long ROUND = Duration.ofMillis(100).toNanos();

    @TempDir
    Path dir;
    private NodeCache cache;
    private ProcessRunner processes;
    private Supervisor supervisor;
    private long now;
    private boolean gone = true;
    private boolean diesAtOnce = true;
    private final List<Long> restartedAt = new ArrayList<>();

    /** One {@code --restart always} jail, gone or up as the test says. */
    private final JailDriver scripted = new JailDriver() {
        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public List<SupervisedWorkload> supervised() {
            return List.of(new SupervisedWorkload("crashy", "always", gone, gone));
        }

        @Override
        public boolean restartGone(String name) {
            restartedAt.add(now);
            gone = diesAtOnce;
            return true;
        }
    };

    @BeforeEach
    void open() {
        cache = NodeCache.open(dir.resolve("cache"));
        processes = new ProcessRunner();
        supervisor = new Supervisor(scripted, VmDrivers.forThisHost(dir, cache, processes), () -> now);
    }

    @AfterEach
    void close() {
        processes.close();
        cache.close();
    }

    private void runFor(Duration duration) {
        long until = now + duration.toNanos();
        while (now < until) {
            supervisor.check();
            now += ROUND;
        }
    }

    private static long seconds(long nanos) {
        return Math.round(nanos / 1e9);
    }

    @Test
    void delaysDoubleFromOneSecondUpToAMinuteWhileAWorkloadKeepsDying() {
        runFor(Duration.ofSeconds(400));

        assertEquals(1, seconds(restartedAt.get(0)), "the first restart comes 1 s after the end is seen");
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < 8; i++) {
            gaps.add(seconds(restartedAt.get(i) - restartedAt.get(i - 1)));
        }
        assertEquals(List.of(2L, 4L, 8L, 16L, 32L, 60L, 60L), gaps);
    }

    @Test
    void aWorkloadThatRanAMinuteIsBackToTheFirstDelay() {
        runFor(Duration.ofSeconds(4));  // restarts at 1 and 3 s: the delay has grown to 2 s
        assertEquals(2, restartedAt.size());
        diesAtOnce = false;
        runFor(Duration.ofSeconds(5));  // restarted at 7 s, and then it stays up
        assertEquals(3, restartedAt.size());
        runFor(Duration.ofSeconds(60));

        gone = true;
        long died = now;
        runFor(Duration.ofSeconds(3));

        assertEquals(4, restartedAt.size());
        assertEquals(1, seconds(restartedAt.get(3) - died), "1 s again after a minute up, not 8 s");
    }

    @Test
    void aWorkloadThatDiesWithinAMinuteOfItsRestartWaitsLonger() {
        diesAtOnce = false;
        runFor(Duration.ofSeconds(2));  // restarted at 1 s
        gone = true;
        long died = now;
        runFor(Duration.ofSeconds(5));

        assertEquals(2, restartedAt.size());
        assertEquals(2, seconds(restartedAt.get(1) - died));
    }
}
