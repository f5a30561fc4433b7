package io.director.client.exec;

import io.director.client.cache.NodeVariables;
import io.director.client.template.TemplateRenderer;
import io.director.dsl.wire.Job;

import java.util.Map;

/**
 * What an executor may use.
 *
 * @param job             the job with its payload and text options rendered with the node's
 *                        variables (its fingerprint is the job's own)
 * @param payload         the rendered payload (the same as {@code job.definition().payload()})
 * @param variables       the node's ARGs and ENVs
 * @param templates       for executors that render more (ADD --blueprint files)
 * @param templateContext what templates see: the ARGs and {@code node}
 * @param environment     the environment for processes: the daemon's plus the node's ENVs
 * @param outputCapBytes  stdout and stderr kept per job
 */
public record JobContext(Job job, String payload, NodeVariables variables, TemplateRenderer templates,
                         Map<String, Object> templateContext, Map<String, String> environment, int outputCapBytes) {
}
