package io.director.cli.command;

import io.director.cli.ApiClient;
import io.director.cli.CliException;
import io.director.cli.ExitCodes;
import io.director.dsl.wire.WireCodec;
import io.director.server.api.ApiReply;
import io.director.server.api.ApiRequest;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Follows submitted jobs to their end: a status line per node as it finishes (with
 * {@code --stream}, its output too), a progress line on stderr during long quiet waits, and the
 * exit code of spec/cli.md. Polls the server with a back-off from 20 ms to 250 ms.
 */
final class JobWaiter {

    private static final long PROGRESS_EVERY_MILLIS = 5000;

    private final ApiClient api;
    private final PrintWriter out;
    private final PrintWriter err;
    private final WaitOptions options;
    private final boolean json;

    JobWaiter(ApiClient api, PrintWriter out, PrintWriter err, WaitOptions options, boolean json) {
        this.api = api;
        this.out = out;
        this.err = err;
        this.options = options;
        this.json = json;
    }

    /**
     * What {@code exec} and {@code orchestrate} do once the server has stored their jobs:
     * without a wait option, print the job ids (one per line, or {@code {"job_ids": […]}}) and
     * return 0; otherwise wait for the jobs and return the exit code of spec/cli.md.
     */
    static int report(ApiClient api, List<String> ids, PrintWriter out, PrintWriter err, WaitOptions options,
                      boolean json, boolean singleJob) {
        if (options.waits()) {
            return new JobWaiter(api, out, err, options, json).await(ids, singleJob);
        }
        if (json) {
            out.println(JsonOption.json(new ApiReply.JobIds(ids)));
        } else {
            ids.forEach(out::println);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** Waits for the jobs; prints the result; returns the exit code. */
    int await(List<String> jobIds, boolean singleJob) {
        long start = System.currentTimeMillis();
        long deadline = options.waitTimeout() == null ? Long.MAX_VALUE
                : start + Math.round(options.waitTimeout() * 1000);
        Set<String> reported = new HashSet<>();
        long sleep = 20;
        long lastNews = start;
        List<ApiReply.JobView> jobs;
        while (true) {
            jobs = api.call(new ApiRequest.JobStatus(jobIds, false), ApiReply.Jobs.class).jobs();
            boolean open = false;
            boolean news = false;
            for (ApiReply.JobView job : jobs) {
                List<String> finishedNow = new ArrayList<>();
                for (Map.Entry<String, ApiReply.NodeResult> node : job.nodes().entrySet()) {
                    boolean done = isFinal(node.getValue().state());
                    open |= !done;
                    if (done && reported.add(job.jobId() + "/" + node.getKey())) {
                        finishedNow.add(node.getKey());
                    }
                }
                if (!finishedNow.isEmpty()) {
                    news = true;
                    report(job, finishedNow);
                }
            }
            long now = System.currentTimeMillis();
            if (!open) {
                break;
            }
            if (now >= deadline) {
                List<String> waiting = new ArrayList<>();
                for (ApiReply.JobView job : jobs) {
                    job.nodes().forEach((node, result) -> {
                        if (!isFinal(result.state())) {
                            waiting.add(node);
                        }
                    });
                }
                throw new CliException(ExitCodes.WAIT_TIMEOUT, "gave up waiting after " + options.waitTimeout()
                        + " s; still processing on: " + String.join(", ", new java.util.TreeSet<>(waiting)));
            }
            if (news) {
                lastNews = now;
                sleep = 20;
            } else if (now - lastNews >= PROGRESS_EVERY_MILLIS && !json) {
                err.println("waiting for " + (countOpen(jobs)) + " node result(s)… (" + (now - start) / 1000 + " s)");
                err.flush();
                lastNews = now;
            }
            try {
                Thread.sleep(Math.min(sleep, Math.max(1, deadline - now)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.FAILED, "interrupted while waiting");
            }
            sleep = Math.min(250, sleep * 3 / 2 + 1);
        }

        List<ApiReply.JobView> full = api.call(new ApiRequest.JobStatus(jobIds, true), ApiReply.Jobs.class).jobs();
        List<String> failedNodes = new ArrayList<>();
        for (ApiReply.JobView job : full) {
            job.nodes().forEach((node, result) -> {
                if (!result.state().equals("success") && !result.state().equals("skipped")) {
                    failedNodes.add(node + (singleJob ? "" : " (" + label(job) + ")"));
                }
            });
        }
        if (json) {
            try {
                Object document = singleJob && full.size() == 1 ? full.get(0) : new ApiReply.Jobs(full);
                out.println(WireCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(document));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else if (options.check()) {
            out.println(failedNodes.isEmpty() ? "check: every node succeeded"
                    : "check: failed on " + String.join(", ", failedNodes));
        }
        out.flush();
        return failedNodes.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private void report(ApiReply.JobView job, List<String> nodes) {
        if (json) {
            return;
        }
        Map<String, ApiReply.NodeResult> withOutput = new LinkedHashMap<>();
        if (options.stream()) {
            List<ApiReply.JobView> full = api.call(new ApiRequest.JobStatus(List.of(job.jobId()), true),
                    ApiReply.Jobs.class).jobs();
            if (!full.isEmpty()) {
                withOutput.putAll(full.get(0).nodes());
            }
        }
        for (String node : nodes) {
            ApiReply.NodeResult result = job.nodes().get(node);
            StringBuilder line = new StringBuilder(String.format("%-10s %-20s %-9s", label(job), node, result.state()));
            if (result.exitCode() != null) {
                line.append(" exit=").append(result.exitCode());
            }
            line.append(' ').append(TextRender.seconds(result.executionTime()));
            if (result.info() != null) {
                line.append("  ").append(result.info());
            }
            out.println(line);
            ApiReply.NodeResult full = withOutput.get(node);
            if (full != null) {
                printStream(node, "", full.stdout());
                printStream(node, ":stderr", full.stderr());
            }
        }
        out.flush();
    }

    private void printStream(String node, String suffix, String text) {
        if (text == null || text.isEmpty()) {
            return;
        }
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        for (String line : body.split("\n", -1)) {
            out.println("[" + node + suffix + "] " + line);
        }
    }

    private static String label(ApiReply.JobView job) {
        return job.name() != null ? job.name() : job.jobId().substring(0, 8);
    }

    private static boolean isFinal(String state) {
        return !state.equals("queued") && !state.equals("processing");
    }

    private static long countOpen(List<ApiReply.JobView> jobs) {
        return jobs.stream().flatMap(j -> j.nodes().values().stream()).filter(r -> !isFinal(r.state())).count();
    }
}
