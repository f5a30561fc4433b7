package io.director.client.exec;

import io.director.dsl.wire.Job;

import java.util.Map;

/**
 * What an executor may use: the job, the environment for processes, and the output cap the
 * server asked for.
 */
public record JobContext(Job job, Map<String, String> environment, int outputCapBytes) {
}
