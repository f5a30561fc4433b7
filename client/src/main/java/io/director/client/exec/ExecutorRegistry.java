package io.director.client.exec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The node-side executor of each verb, from one explicit list. */
public final class ExecutorRegistry {

    private final Map<String, Executor> executors;

    public ExecutorRegistry(List<Executor> executors) {
        Map<String, Executor> byVerb = new LinkedHashMap<>();
        for (Executor executor : executors) {
            if (byVerb.put(executor.verb(), executor) != null) {
                throw new IllegalArgumentException("two executors for " + executor.verb());
            }
        }
        this.executors = Collections.unmodifiableMap(byVerb);
    }

    /** Every executor this client version has. */
    public static ExecutorRegistry standard(ProcessRunner processes) {
        return new ExecutorRegistry(List.of(
                new RunExecutor(processes),
                new ArgExecutor(),
                new EnvExecutor(),
                new WorkdirExecutor(),
                new CachefileExecutor(),
                new CacheEvictExecutor(),
                new WaitExecutor(processes),
                new EchoExecutor()));
    }

    /** This registry plus executors that need the running client (e.g. QUERY needs the link). */
    public ExecutorRegistry with(Executor... more) {
        List<Executor> all = new java.util.ArrayList<>(executors.values());
        all.addAll(List.of(more));
        return new ExecutorRegistry(all);
    }

    public Optional<Executor> find(String verb) {
        return Optional.ofNullable(executors.get(verb));
    }

    public Set<String> verbs() {
        return executors.keySet();
    }
}
