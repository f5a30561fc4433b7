package io.director.client.exec;

import io.director.client.cache.NodeVariables;
import io.director.client.template.TemplateRenderer;
import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.JobParser;
import io.director.dsl.wire.Job;

import java.util.UUID;

/** Builds the context an executor gets, from a job line as an operator writes it. */
final class TestJobs {

    static final int OUTPUT_CAP = 64 * 1024;

    private TestJobs() {
    }

    /** {@code VERB ARGUMENTS} parsed as the CLI would; the payload is used as if already rendered. */
    static JobContext context(NodeVariables variables, String verb, String arguments) throws Exception {
        JobDefinition definition = JobParser.standard().parse(verb, arguments);
        String id = UUID.randomUUID().toString();
        Job job = new Job(id, id, null, definition, Fingerprint.of(definition));
        return new JobContext(job, definition.payload(), variables, new TemplateRenderer(), variables.environment(),
                OUTPUT_CAP);
    }
}
