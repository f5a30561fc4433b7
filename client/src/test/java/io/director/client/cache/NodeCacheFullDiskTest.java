package io.director.client.cache;

import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.JobParser;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.JobResult;
import io.director.dsl.wire.NodeState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node whose disk fills: the cache refuses what it cannot store with its one-line error, and
 * once there is room again it stores as before, with the statements it keeps. On a real 1 MiB
 * tmpfs, so root on Linux; skipped elsewhere.
 */
class NodeCacheFullDiskTest {

    @TempDir
    Path dir;

    private Path mount;

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", "-l", mount.toString());
        }
    }

    @Test
    void aFullDiskFailsWhatCannotBeStoredAndTheCacheWorksAgainOnceThereIsRoom() throws Exception {
        Path cacheDir = smallFileSystem("1m");
        try (NodeCache cache = NodeCache.open(cacheDir)) {
            // Every statement of a job's way through the cache, prepared and kept before the disk fills.
            run(cache, "warm", "small");
            Path filler = cacheDir.resolve("filler");
            fill(filler);
            // Each step alone, so that each kind of statement meets the full disk: those in a
            // transaction of their own and the single updates (marking a job running).
            String big = "x".repeat(100_000);
            List<String> refused = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = "full-" + i;
                Job job = job(id);
                refused.addAll(failures(() -> cache.receiveAll(List.of(job), 1)));
                refused.addAll(failures(() -> cache.markRunning(id)));
                refused.addAll(failures(() -> cache.finish(new JobResult(id, NodeState.SUCCESS, 0, big, "", null,
                        0.1, 1, 2), "key-" + id)));
            }
            assertTrue(!refused.isEmpty(), "a full disk never refused anything");
            refused.forEach(message -> assertTrue(message.startsWith("node cache: cannot "), message));

            Files.delete(filler);
            run(cache, "after", "small again");
            assertEquals(List.of(), cache.pendingJobs());
            assertTrue(cache.succeededBefore("key-after"), "the job after the full disk is in the cache");
        }
    }

    private static List<String> failures(Runnable step) {
        try {
            step.run();
            return List.of();
        } catch (IllegalStateException e) {
            return List.of(e.getMessage());
        }
    }

    private static Job job(String id) {
        JobDefinition definition;
        try {
            definition = JobParser.standard().parse("RUN", "echo " + id);
        } catch (io.director.dsl.verb.DslException e) {
            throw new AssertionError(e);
        }
        return new Job(id, id, null, definition, Fingerprint.of(definition));
    }

    /** One job's way: received, running, finished with a result of {@code stdout}, acknowledged. */
    private static void run(NodeCache cache, String id, String stdout) {
        cache.receiveAll(List.of(job(id)), 1);
        cache.markRunning(id);
        cache.finish(new JobResult(id, NodeState.SUCCESS, 0, stdout, "", null, 0.1, 1, 2), "key-" + id);
        assertTrue(cache.succeededBefore("key-" + id));
        assertEquals(stdout, cache.unacknowledged(id).stdout());
        cache.acknowledged(List.of(id));
    }

    private Path smallFileSystem(String size) throws Exception {
        Path target = dir.resolve("cache");
        Files.createDirectories(target);
        boolean mounted = System.getProperty("os.name").equals("Linux")
                && run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", target.toString()) == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a small tmpfs here (needs root on Linux): skipped");
        mount = target;
        return target;
    }

    private static void fill(Path file) {
        byte[] block = new byte[16 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // full
        }
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().transferTo(OutputStream.nullOutputStream());
        return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }
}
