package io.director.client.exec;

import io.director.client.cache.NodeCache;
import io.director.client.cache.NodeVariables;
import io.director.client.template.TemplateException;
import io.director.client.template.TemplateRenderer;
import io.director.dsl.verb.ArgVerb;
import io.director.dsl.verb.CommonOptions;
import io.director.dsl.verb.QueryVerb;
import io.director.dsl.verb.Verb;
import io.director.dsl.verb.VerbRegistry;
import io.director.dsl.wire.Job;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers {@code --plan}: what each job would do on this node, in order, without running
 * anything. Later jobs see the variables earlier ones would set (an ARG's value); a value only
 * known after running (a {@code --stdout-arg}, a QUERY's answers) makes the jobs using it
 * {@code run}.
 */
public final class Planner {

    public static final String RUN = "run";
    public static final String CACHED = "cached";
    public static final String ALWAYS = "always";
    public static final String UNCHANGED = "unchanged";

    private final NodeCache cache;
    private final NodeVariables variables;
    private final TemplateRenderer templates;
    private final VerbRegistry verbs;
    private final ExecutorRegistry executors;
    private final String identity;
    private final Map<String, String> labels;

    public Planner(NodeCache cache, NodeVariables variables, TemplateRenderer templates, VerbRegistry verbs,
                   ExecutorRegistry executors, String identity, Map<String, String> labels) {
        this.executors = executors;
        this.cache = cache;
        this.variables = variables;
        this.templates = templates;
        this.verbs = verbs;
        this.identity = identity;
        this.labels = Map.copyOf(labels);
    }

    public List<String> plan(List<Job> jobs) {
        Map<String, Object> scratch = new HashMap<>(variables.args());
        List<String> outcomes = new ArrayList<>(jobs.size());
        for (Job job : jobs) {
            Optional<Verb> verb = verbs.find(job.definition().verb());
            RenderedJob rendered;
            try {
                rendered = RenderedJob.of(job, templates, NodeVariables.templateContext(scratch, identity, labels));
            } catch (TemplateException e) {
                rendered = null; // depends on something only running will tell
            }
            outcomes.add(outcome(job, verb, rendered, scratch));
            simulate(job, rendered, scratch);
        }
        return outcomes;
    }

    private String outcome(Job job, Optional<Verb> verb, RenderedJob rendered, Map<String, Object> scratch) {
        if (verb.isEmpty()) {
            return RUN;
        }
        Optional<Executor> executor = executors.find(job.definition().verb());
        if (rendered != null && executor.isPresent() && executor.get() instanceof Plannable plannable) {
            // Workloads (JAIL, VM) know from their recorded state whether anything would change.
            return plannable.plan(new JobContext(rendered.job(), rendered.payload(), variables, templates,
                    NodeVariables.templateContext(scratch, identity, labels), Map.of(), 0));
        }
        if (verb.get().changesOnlyVariables()) {
            return ALWAYS;
        }
        if (rendered == null || verb.get().alwaysRuns() || job.definition().skipCache()) {
            return RUN;
        }
        return cache.succeededBefore(rendered.cacheKey()) ? CACHED : RUN;
    }

    /**
     * What the job would do to the variables later jobs see: an ARG's value is read as the ARG
     * executor reads it; one that extends, or cannot be rendered, becomes unknown.
     */
    private static void simulate(Job job, RenderedJob renderedJob, Map<String, Object> scratch) {
        String verb = job.definition().verb();
        if (verb.equals(ArgVerb.NAME)) {
            List<String> words = job.definition().payloadWords();
            String key = words.isEmpty() ? null : words.get(0);
            try {
                if (renderedJob == null || job.definition().flag(ArgExecutor.EXTEND)) {
                    throw new IllegalArgumentException("value known only when run");
                }
                PayloadText.KeyValue pair = PayloadText.rawKeyValue(verb, renderedJob.payload());
                scratch.put(pair.key(), YamlValues.valueOf(pair.value()));
            } catch (IllegalArgumentException e) {
                if (key != null) {
                    scratch.remove(key);
                }
            }
        } else if (verb.equals(QueryVerb.NAME)) {
            scratch.remove("query");
        }
        for (String option : List.of(CommonOptions.STDOUT_ARG, CommonOptions.STDERR_ARG)) {
            String name = job.definition().text(option);
            if (name != null) {
                scratch.remove(name);
            }
        }
    }
}
