package io.director.cli.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.cli.CliRun;
import io.director.cli.ExitCodes;
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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's datastore on a real, small file system (a tmpfs mounted by the test, so the test
 * needs root and skips itself otherwise): filled to the last byte, then mounted read-only. The
 * server must refuse new jobs with a clear error instead of acknowledging what it cannot store,
 * keep everything it had acknowledged, and work again once there is room.
 */
class StoreFaultTest {

    private static final long DEADLINE_MILLIS = 60_000;

    @TempDir
    Path dir;

    private Path mount;

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", "-l", mount.toString());
        }
    }

    /** Mounts a tmpfs of this size for the datastore, or skips the test where that cannot be done. */
    private Path smallFileSystem(String size) throws Exception {
        Path target = dir.resolve("store");
        Files.createDirectories(target);
        boolean mounted = System.getProperty("os.name").equals("Linux")
                && run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", target.toString()) == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a small tmpfs here (needs root on Linux): skipped");
        mount = target;
        return target;
    }

    @Test
    void fullDiskRefusesNewJobsAndLosesNothingStored() throws Exception {
        Path store = smallFileSystem("2m");
        try (FaultCluster cluster = new FaultCluster(dir, 1, List.of())) {
            cluster.local().useDatastore(store.resolve("server.db"));
            cluster.start(List.of("n1"), DEADLINE_MILLIS);
            CliRun.Result before = cluster.cli("exec", "--verb", "RUN", "--wait", "--json", "echo stored-before");
            assertEquals(0, before.exitCode(), before.toString());
            String storedBefore = before.json().path("job_id").asText();
            // A job that reports while the disk is full, with output large enough to need new pages.
            String reportsWhileFull = cluster.submit("RUN", "sleep 2; head -c 300000 /dev/zero | tr '\\0' r", "n1");
            cluster.awaitJob(reportsWhileFull, j -> FaultCluster.nodeState(j, "n1").equals("processing"),
                    DEADLINE_MILLIS);

            long filled = fill(store.resolve("filler"));
            // Jobs large enough to need new pages: some may still fit in free pages of the
            // database; each one acknowledged must then be stored for real.
            String payload = "echo " + "x".repeat(60_000);
            List<String> acknowledged = new ArrayList<>();
            CliRun.Result refused = null;
            for (int i = 0; i < 40 && refused == null; i++) {
                CliRun.Result result = cluster.cli("exec", "--verb", "RUN", "--target", "n1", payload + " " + i);
                if (result.exitCode() == 0) {
                    acknowledged.add(result.out().trim());
                } else {
                    refused = result;
                }
            }
            assertTrue(refused != null, "a full disk never refused a job; acknowledged " + acknowledged.size());
            assertEquals(ExitCodes.FAILED, refused.exitCode(), refused.toString());
            String error = refused.err().strip();
            assertEquals(1, error.lines().count(), "one line: " + error);
            assertTrue(error.contains("datastore") && error.contains("full"), error);

            // The server is not wedged: reads still answer, and with room again it takes jobs.
            assertEquals("success", cluster.job(storedBefore).path("state").asText());
            FaultCluster.sleep(3000); // the long job ends and reports while the disk is full
            assertEquals("processing", FaultCluster.nodeState(cluster.job(reportsWhileFull), "n1"),
                    "a result that could not be stored is not shown as stored");
            Files.delete(store.resolve("filler"));
            long freed = System.currentTimeMillis();
            JsonNode reported = cluster.awaitJob(reportsWhileFull,
                    j -> FaultCluster.nodeState(j, "n1").equals("success"), DEADLINE_MILLIS);
            long resultAfter = System.currentTimeMillis() - freed;
            assertEquals(300_000, reported.path("nodes").path("n1").path("stdout").asText().length());
            assertTrue(resultAfter <= 10_000, "the node sent its result again within 10 s: " + resultAfter + " ms");
            CliRun.Result after = cluster.cli("exec", "--verb", "RUN", "--wait", "--json", "echo stored-after");
            assertEquals(0, after.exitCode(), after.toString());

            // A crash now loses nothing that was acknowledged.
            cluster.local().killServer();
            cluster.local().startServer(DEADLINE_MILLIS);
            List<String> ids = cluster.jobs().stream().map(j -> j.path("job_id").asText()).toList();
            assertTrue(ids.contains(storedBefore) && ids.containsAll(acknowledged)
                    && ids.contains(after.json().path("job_id").asText()), ids.toString());

            Figures.print("disk full (2 MiB tmpfs)", "filler bytes written to fill it", Long.toString(filled));
            Figures.print("disk full (2 MiB tmpfs)", "60 kB jobs acknowledged before the refusal",
                    Integer.toString(acknowledged.size()));
            Figures.print("disk full (2 MiB tmpfs)", "the refusal", error);
            Figures.print("disk full (2 MiB tmpfs)", "a result refused while full: room again to stored",
                    Figures.millis(resultAfter));
        }
    }

    @Test
    void readOnlyStoreIsRefusedClearly() throws Exception {
        Path store = smallFileSystem("8m");
        try (FaultCluster cluster = new FaultCluster(dir, 1, List.of())) {
            cluster.local().useDatastore(store.resolve("server.db"));
            cluster.local().startServer(DEADLINE_MILLIS);
            cluster.local().server().destroy();
            assertTrue(cluster.local().server().waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, run("mount", "-o", "remount,ro", store.toString()));

            String failure;
            try {
                cluster.local().startServer(DEADLINE_MILLIS);
                // If it starts at all, it must refuse to acknowledge what it cannot store.
                CliRun.Result result = cluster.cli("exec", "--verb", "RUN", "echo refused");
                assertNotEquals(0, result.exitCode(), "a read-only store acknowledged a job: " + result);
                failure = result.err().strip();
            } catch (IllegalStateException e) {
                // It refused to start: its last line says why.
                List<String> log = Files.readString(dir.resolve("server.log")).lines().toList();
                failure = log.isEmpty() ? e.getMessage() : log.get(log.size() - 1);
            }
            assertTrue(failure.contains("read-only"), failure);
            assertTrue(failure.contains(store.toString()), "names the datastore: " + failure);
            Figures.print("read-only datastore", "the refusal", failure);
        }
    }

    /** Writes zeros until the file system is full; returns how many bytes fitted. */
    private static long fill(Path file) {
        byte[] block = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                written += block.length;
            }
        } catch (IOException full) {
            return written;
        }
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().transferTo(OutputStream.nullOutputStream());
        return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }
}
