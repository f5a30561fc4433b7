package io.director.client.exec;

import io.director.dsl.verb.QueryVerb;
import io.director.dsl.wire.Message;
import io.director.dsl.wire.WireCodec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * {@code QUERY NAME}: tells the server this node's value of ARG NAME, then waits — holding its
 * queue, so later jobs can use the result — for every target's value, which it merges into
 * ARG {@code query} as {@code {node: {NAME: value}}}. The value is sent again every few seconds
 * until the answer comes, so a server restart in between loses nothing.
 */
public final class QueryExecutor implements Executor {

    private static final long RESEND_MILLIS = 2000;

    private final Consumer<Message> sender;
    private final QueryAnswers answers;

    public QueryExecutor(Consumer<Message> sender, QueryAnswers answers) {
        this.sender = sender;
        this.answers = answers;
    }

    @Override
    public String verb() {
        return QueryVerb.NAME;
    }

    @Override
    public Execution execute(JobContext context) throws InterruptedException {
        String jobId = context.job().jobId();
        String name;
        try {
            name = PayloadText.oneWord(verb(), context.payload());
        } catch (IllegalArgumentException e) {
            return Execution.failed(e.getMessage());
        }
        Object value = context.variables().args().get(name);
        long deadline = System.currentTimeMillis() + context.job().definition().timeoutSeconds() * 1000;
        CompletableFuture<Message.QueryAnswer> answer = answers.expect(jobId);
        try {
            while (true) {
                sender.accept(new Message.QueryValue(jobId, value));
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return Execution.failed("timeout after " + context.job().definition().timeoutSeconds()
                            + " s waiting for the other nodes' answers");
                }
                try {
                    Message.QueryAnswer received = answer.get(Math.min(RESEND_MILLIS, left), TimeUnit.MILLISECONDS);
                    merge(context, received);
                    return new Execution(io.director.dsl.wire.NodeState.SUCCESS, null,
                            WireCodec.mapper().writeValueAsString(received.values()) + "\n", "", null);
                } catch (TimeoutException e) {
                    // not everyone has answered yet: say it again, in case the server restarted
                } catch (ExecutionException e) {
                    return Execution.failed("query failed: " + e.getCause().getMessage());
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    return Execution.failed("cannot print the answers: " + e.getMessage());
                }
            }
        } finally {
            answers.forget(jobId);
        }
    }

    @SuppressWarnings("unchecked")
    private static void merge(JobContext context, Message.QueryAnswer answer) {
        Object existing = context.variables().args().get("query");
        Map<String, Object> query = new LinkedHashMap<>();
        if (existing instanceof Map<?, ?> map) {
            map.forEach((node, values) -> query.put(String.valueOf(node),
                    values instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>()));
        }
        answer.values().forEach((node, value) -> ((Map<String, Object>) query.computeIfAbsent(node,
                n -> new LinkedHashMap<String, Object>())).put(answer.name(), value));
        context.variables().setArg("query", query);
    }
}
