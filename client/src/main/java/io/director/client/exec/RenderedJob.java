package io.director.client.exec;

import io.director.client.template.TemplateException;
import io.director.client.template.TemplateRenderer;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.wire.Job;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job as it runs on this node: its payload and its text options rendered with the node's
 * variables (the fingerprint stays the job's own), plus the key the node's cache remembers it by.
 */
record RenderedJob(Job job, String cacheKey) {

    static RenderedJob of(Job job, TemplateRenderer templates, Map<String, Object> context) throws TemplateException {
        JobDefinition definition = job.definition();
        Map<String, Object> options = new LinkedHashMap<>();
        for (Map.Entry<String, Object> option : definition.options().entrySet()) {
            Object value = option.getValue();
            if (value instanceof String text) {
                value = templates.render(text, context);
            } else if (value instanceof java.util.List<?> list) {
                // Repeatable options (--mount, --env) hold text too.
                java.util.List<Object> rendered = new java.util.ArrayList<>();
                for (Object item : list) {
                    rendered.add(item instanceof String text ? templates.render(text, context) : item);
                }
                value = rendered;
            }
            options.put(option.getKey(), value);
        }
        JobDefinition rendered = new JobDefinition(definition.verb(), options,
                templates.render(definition.payload(), context));
        Job renderedJob = new Job(job.jobId(), job.parentId(), job.name(), rendered, job.fingerprint(), job.queue(),
                job.files(), job.transferKey());
        // A blueprint file may use any variable: its job is keyed by all of them.
        Map<String, Object> blueprintInputs = rendered.flag("blueprint") ? context : Map.of();
        return new RenderedJob(renderedJob, CacheKey.of(job.fingerprint(), rendered, job.files(), blueprintInputs));
    }

    String payload() {
        return job.definition().payload();
    }
}
