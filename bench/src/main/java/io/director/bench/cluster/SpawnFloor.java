package io.director.bench.cluster;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The physical floor of a job workload: the same {@code sh -c} executions with the same
 * parallelism (one sequential runner per node), output read, no Director in between.
 */
public final class SpawnFloor {

    private SpawnFloor() {
    }

    /** Seconds for {@code parallel} threads each running {@code command} {@code perThread} times. */
    public static double seconds(int parallel, int perThread, String command) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            long start = System.nanoTime();
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < parallel; t++) {
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        run(command);
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
            return (System.nanoTime() - start) / 1e9;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the spawn floor failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void run(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (process.waitFor() != 0) {
            throw new IOException("sh -c '" + command + "' exited " + process.exitValue());
        }
    }
}
