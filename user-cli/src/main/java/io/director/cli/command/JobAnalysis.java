package io.director.cli.command;

import io.director.server.api.ApiReply;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code manage --analyze-*}: how long jobs took on their nodes, which node was fastest and
 * slowest, and the totals, over one job, an orchestration or all jobs.
 *
 * @param executions   node executions counted (nodes that ran: success or failed)
 * @param totalSeconds execution time summed over those nodes
 * @param longestRoundtrip longest time from submission to a stored result, in seconds
 */
record JobAnalysis(String scope, int jobs, int executions, Map<String, Long> states, double totalSeconds,
                   Double averageSeconds, NodeTime fastest, NodeTime slowest, Double longestRoundtrip) {

    /** One node's execution of one job. */
    record NodeTime(String node, String jobId, double seconds) {
    }

    static JobAnalysis of(String scope, List<ApiReply.JobView> jobs) {
        int executions = 0;
        double total = 0;
        NodeTime fastest = null;
        NodeTime slowest = null;
        Double roundtrip = null;
        Map<String, Long> states = new java.util.TreeMap<>();
        for (ApiReply.JobView job : jobs) {
            for (Map.Entry<String, ApiReply.NodeResult> node : job.nodes().entrySet()) {
                ApiReply.NodeResult result = node.getValue();
                states.merge(result.state(), 1L, Long::sum);
                boolean ran = result.state().equals("success") || result.state().equals("failed");
                if (ran && result.executionTime() != null) {
                    executions++;
                    total += result.executionTime();
                    NodeTime time = new NodeTime(node.getKey(), job.jobId(), result.executionTime());
                    if (fastest == null || time.seconds() < fastest.seconds()) {
                        fastest = time;
                    }
                    if (slowest == null || time.seconds() > slowest.seconds()) {
                        slowest = time;
                    }
                }
                if (result.roundtripTime() != null && (roundtrip == null || result.roundtripTime() > roundtrip)) {
                    roundtrip = result.roundtripTime();
                }
            }
        }
        return new JobAnalysis(scope, jobs.size(), executions, states, total,
                executions == 0 ? null : total / executions, fastest, slowest, roundtrip);
    }

    void printText(PrintWriter out) {
        out.println("scope:            " + scope);
        out.println("jobs:             " + jobs);
        out.println("node states:      " + (states.isEmpty() ? "-" : states.toString().replaceAll("[{}]", "")));
        out.println("executions:       " + executions);
        out.println("total run time:   " + TextRender.seconds(totalSeconds));
        out.println("average run time: " + TextRender.seconds(averageSeconds));
        out.println("fastest:          " + describe(fastest));
        out.println("slowest:          " + describe(slowest));
        out.println("longest roundtrip: " + TextRender.seconds(longestRoundtrip));
    }

    private static String describe(NodeTime time) {
        return time == null ? "-" : time.node() + " " + TextRender.seconds(time.seconds()) + " (job " + time.jobId() + ")";
    }
}
