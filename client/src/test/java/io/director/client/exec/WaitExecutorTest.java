package io.director.client.exec;

import com.sun.net.httpserver.HttpServer;
import io.director.client.cache.NodeCache;
import io.director.client.cache.NodeVariables;
import io.director.dsl.wire.NodeState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WaitExecutorTest {

    @TempDir
    Path dir;
    private NodeCache cache;
    private NodeVariables variables;
    private ProcessRunner processes;
    private WaitExecutor executor;
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    /** The status of each request: 503 until the {@code readyFrom}-th request (1-based), then 200. */
    private volatile int readyFrom = Integer.MAX_VALUE;
    private volatile int readyStatus = 200;
    private final CountDownLatch twoRequests = new CountDownLatch(2);

    @BeforeEach
    void start() throws Exception {
        cache = NodeCache.open(dir.resolve("cache"));
        variables = new NodeVariables(cache);
        processes = new ProcessRunner();
        executor = new WaitExecutor(processes);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> {
            int n = requests.incrementAndGet();
            twoRequests.countDown();
            exchange.sendResponseHeaders(n >= readyFrom ? readyStatus : 503, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        processes.close();
        cache.close();
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
    }

    private Execution wait(String arguments) throws Exception {
        return executor.execute(TestJobs.context(variables, "WAIT", arguments));
    }

    private Execution unvalidatedWait(String arguments) throws Exception {
        return executor.execute(TestJobs.unvalidated(variables, "WAIT", arguments));
    }

    @Test
    void secondsSleepsThatLong() throws Exception {
        long start = System.nanoTime();
        Execution execution = wait("--seconds 0.2");
        assertEquals(NodeState.SUCCESS, execution.state());
        assertEquals("waited 0.2 s", execution.stdout());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200));
    }

    @Test
    void urlIsPolledUntilItAnswers() throws Exception {
        readyFrom = 3;
        Execution execution = wait("--url " + url() + " --retry-wait 0.05");
        assertEquals(NodeState.SUCCESS, execution.state(), execution.info());
        assertEquals("ready after 3 attempts: status 200", execution.info());
        assertEquals(3, requests.get());
    }

    @Test
    void aRedirectCountsAsReady() throws Exception {
        readyFrom = 1;
        readyStatus = 302;
        Execution execution = wait("--url " + url());
        assertEquals(NodeState.SUCCESS, execution.state(), execution.info());
        assertEquals(1, requests.get());
    }

    @Test
    void urlThatNeverAnswersFailsAfterTheRetriesNamingTheLastStatus() throws Exception {
        Execution execution = wait("--url " + url() + " --retry 2 --retry-wait 0.05");
        assertEquals(NodeState.FAILED, execution.state());
        assertEquals("not ready after 3 attempts; last status 503", execution.info());
        assertEquals(3, requests.get(), "the first attempt and two retries");
    }

    @Test
    void urlWithNothingListeningFailsNamingTheError() throws Exception {
        int port = server.getAddress().getPort();
        server.stop(0);
        Execution execution = wait("--url http://127.0.0.1:" + port + "/ --retry 1 --retry-wait 0.05");
        assertEquals(NodeState.FAILED, execution.state());
        assertTrue(execution.info().startsWith("not ready after 2 attempts; last error ConnectException"),
                execution.info());
    }

    @Test
    void withoutRetryPollingStopsAtTheJobTimeout() throws Exception {
        // The first request of a JVM pays for the HTTP client's start-up; keep that out of the count.
        assertEquals(NodeState.FAILED, wait("--url " + url() + " --retry 0").state());
        requests.set(0);
        long start = System.nanoTime();
        Execution execution = wait("--timeout 1 --url " + url() + " --retry-wait 0.1");
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(NodeState.FAILED, execution.state());
        assertTrue(execution.info().startsWith("timeout after 1 s, "), execution.info());
        assertTrue(execution.info().endsWith("; last status 503"), execution.info());
        assertTrue(requests.get() >= 3, "polled " + requests.get() + " times");
        assertTrue(elapsedMillis >= 1000 && elapsedMillis < 4000, elapsedMillis + " ms");
    }

    @Test
    void commandIsRunUntilItExitsZero() throws Exception {
        Path counter = dir.resolve("counter");
        String command = "n=$(cat " + counter + " 2>/dev/null || echo 0); n=$((n+1)); echo $n > " + counter
                + "; echo try $n; [ $n -ge 3 ]";
        Execution execution = wait("--cmd '" + command + "' --retry-wait 0.05");
        assertEquals(NodeState.SUCCESS, execution.state(), execution.info());
        assertEquals(0, execution.exitCode());
        assertEquals("try 3\n", execution.stdout());
        assertEquals("3", Files.readString(counter).strip());
    }

    @Test
    void commandThatNeverSucceedsFailsWithItsLastExitCode() throws Exception {
        Execution execution = wait("--cmd 'echo nope >&2; exit 3' --retry 1 --retry-wait 0.05");
        assertEquals(NodeState.FAILED, execution.state());
        assertEquals(3, execution.exitCode());
        assertEquals("nope\n", execution.stderr());
        assertEquals("not ready after 2 attempts; last exit code 3", execution.info());
    }

    @Test
    void commandSeesTheNodesEnvs() throws Exception {
        variables.setEnv("READY_FLAG", "yes");
        Execution execution = wait("--cmd 'test \"$READY_FLAG\" = yes' --retry 0");
        assertEquals(NodeState.SUCCESS, execution.state(), execution.info());
    }

    @Test
    void exactlyOneWayOfWaitingMustBeGiven() throws Exception {
        assertEquals("WAIT needs exactly one of --seconds, --url or --cmd", unvalidatedWait("").info());
        assertEquals("WAIT needs exactly one of --seconds, --url or --cmd, got --seconds and --cmd",
                unvalidatedWait("--seconds 1 --cmd true").info());
        assertEquals("--url 'ftp://host/' must be http or https", unvalidatedWait("--url ftp://host/").info());
    }

    @Test
    void anInterruptEndsASleepAtOnce() throws Exception {
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                wait("--seconds 30");
            } catch (Throwable e) {
                ended.set(e);
            }
        });
        waiter.start();
        waiter.interrupt();
        waiter.join(5000);
        assertFalse(waiter.isAlive(), "still waiting after the interrupt");
        assertInstanceOf(InterruptedException.class, ended.get());
    }

    @Test
    void anInterruptEndsUrlPolling() throws Exception {
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                wait("--url " + url() + " --retry-wait 0.05");
            } catch (Throwable e) {
                ended.set(e);
            }
        });
        waiter.start();
        assertTrue(twoRequests.await(5, TimeUnit.SECONDS), "polling started");
        waiter.interrupt();
        waiter.join(5000);
        assertFalse(waiter.isAlive(), "still polling after the interrupt");
        assertInstanceOf(InterruptedException.class, ended.get());
    }
}
