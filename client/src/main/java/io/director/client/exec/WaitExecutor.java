package io.director.client.exec;

import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.WaitVerb;
import io.director.dsl.wire.NodeState;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code WAIT --seconds S | --url URL | --cmd COMMAND [--retry N] [--retry-wait S]}: sleeps,
 * or polls until the URL answers 2xx/3xx (redirects are not followed: a 3xx counts as up) or
 * the command exits 0. {@code --retry N} allows N attempts after the first; without it polling
 * goes on until the job's {@code --timeout}. Attempts are {@code --retry-wait} seconds apart
 * (default 1). An interrupt (the daemon stopping) ends the wait at once.
 */
public final class WaitExecutor implements Executor {

    static final String SECONDS = "seconds";
    static final String URL = "url";
    static final String CMD = "cmd";
    static final String RETRY = "retry";
    static final String RETRY_WAIT = "retry-wait";

    static final double DEFAULT_RETRY_WAIT_SECONDS = 1.0;
    /** Longest one HTTP attempt may take, so a server that accepts and never answers still gets retried. */
    static final Duration HTTP_ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private final ProcessRunner processes;
    private HttpClient http;

    public WaitExecutor(ProcessRunner processes) {
        this.processes = processes;
    }

    @Override
    public String verb() {
        return WaitVerb.NAME;
    }

    @Override
    public Execution execute(JobContext context) throws InterruptedException {
        JobDefinition definition = context.job().definition();
        List<String> given = new ArrayList<>();
        for (String option : List.of(SECONDS, URL, CMD)) {
            if (definition.options().containsKey(option)) {
                given.add("--" + option);
            }
        }
        if (given.size() != 1) {
            return Execution.failed("WAIT needs exactly one of --seconds, --url or --cmd"
                    + (given.isEmpty() ? "" : ", got " + String.join(" and ", given)));
        }
        long timeoutSeconds = definition.timeoutSeconds();
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        if (definition.options().containsKey(SECONDS)) {
            return sleep(definition.decimal(SECONDS, 0), timeoutSeconds);
        }
        Probe probe;
        if (definition.options().containsKey(URL)) {
            URI uri;
            try {
                uri = URI.create(definition.text(URL));
            } catch (IllegalArgumentException e) {
                return Execution.failed("--url '" + definition.text(URL) + "' is not a URL: " + e.getMessage());
            }
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                return Execution.failed("--url '" + uri + "' must be http or https");
            }
            probe = remaining -> httpAttempt(uri, remaining);
        } else {
            String command = definition.text(CMD);
            probe = remaining -> commandAttempt(command, context, remaining);
        }
        Long retries = definition.options().containsKey(RETRY) ? definition.count(RETRY, 0) : null;
        long waitNanos = (long) (definition.decimal(RETRY_WAIT, DEFAULT_RETRY_WAIT_SECONDS) * 1e9);
        return poll(probe, retries, waitNanos, deadline, timeoutSeconds);
    }

    private static Execution sleep(double seconds, long timeoutSeconds) throws InterruptedException {
        if (seconds > timeoutSeconds) {
            Thread.sleep(timeoutSeconds * 1000);
            return Execution.failed("timeout after " + timeoutSeconds + " s");
        }
        Thread.sleep((long) (seconds * 1000));
        return new Execution(NodeState.SUCCESS, null, "waited " + format(seconds) + " s", "", null);
    }

    /** One attempt's result: whether it succeeded, what to report, and a process's output if one ran. */
    private record Attempt(boolean ready, String status, Integer exitCode, String stdout, String stderr) {
    }

    @FunctionalInterface
    private interface Probe {
        Attempt attempt(Duration remaining) throws InterruptedException;
    }

    private static Execution poll(Probe probe, Long retries, long waitNanos, long deadline, long timeoutSeconds)
            throws InterruptedException {
        Attempt last = null;
        long attempts = 0;
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return failed(last, "timeout after " + timeoutSeconds + " s, " + plural(attempts, "attempt"));
            }
            last = probe.attempt(Duration.ofNanos(remaining));
            attempts++;
            if (last.ready()) {
                return new Execution(NodeState.SUCCESS, last.exitCode(), orEmpty(last.stdout()), orEmpty(last.stderr()),
                        "ready after " + plural(attempts, "attempt") + ": " + last.status());
            }
            if (retries != null && attempts > retries) {
                return failed(last, "not ready after " + plural(attempts, "attempt"));
            }
            long pause = Math.min(waitNanos, deadline - System.nanoTime());
            if (pause > 0) {
                Thread.sleep(pause / 1_000_000, (int) (pause % 1_000_000));
            }
        }
    }

    private static Execution failed(Attempt last, String why) {
        if (last == null) {
            return Execution.failed(why);
        }
        return new Execution(NodeState.FAILED, last.exitCode(), orEmpty(last.stdout()), orEmpty(last.stderr()),
                why + "; last " + last.status());
    }

    private Attempt httpAttempt(URI uri, Duration remaining) throws InterruptedException {
        Duration limit = remaining.compareTo(HTTP_ATTEMPT_TIMEOUT) < 0 ? remaining : HTTP_ATTEMPT_TIMEOUT;
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(limit).GET().build();
        try {
            HttpResponse<Void> response = client().send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return new Attempt(status >= 200 && status < 400, "status " + status, null, null, null);
        } catch (IOException e) {
            String reason = e.getMessage() == null || e.getMessage().isBlank()
                    ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            return new Attempt(false, "error " + reason, null, null, null);
        }
    }

    private Attempt commandAttempt(String command, JobContext context, Duration remaining) throws InterruptedException {
        long seconds = Math.max(1, (remaining.toMillis() + 999) / 1000);
        try {
            ProcessRunner.Outcome outcome = processes.run(List.of("/bin/sh", "-c", command), context.environment(),
                    null, seconds, context.outputCapBytes());
            String status = outcome.timedOut() ? "attempt timed out" : "exit code " + outcome.exitCode();
            return new Attempt(!outcome.timedOut() && outcome.exitCode() == 0, status, outcome.exitCode(),
                    outcome.stdout(), outcome.stderr());
        } catch (IOException e) {
            return new Attempt(false, "error: cannot start /bin/sh: " + e.getMessage(), null, null, null);
        }
    }

    /** Made on first use: an HttpClient starts a selector thread, which nodes that never WAIT on a URL do not need. */
    private synchronized HttpClient client() {
        if (http == null) {
            http = HttpClient.newBuilder()
                    .connectTimeout(HTTP_ATTEMPT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }
        return http;
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    private static String format(double seconds) {
        return seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.valueOf(seconds);
    }
}
