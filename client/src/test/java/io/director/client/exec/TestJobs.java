package io.director.client.exec;

import io.director.client.cache.NodeVariables;
import io.director.client.template.TemplateRenderer;
import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.JobParser;
import io.director.dsl.verb.Verb;
import io.director.dsl.verb.VerbRegistry;
import io.director.dsl.wire.Job;

import java.util.UUID;

/** Builds the context an executor gets, from a job line as an operator writes it. */
final class TestJobs {

    static final int OUTPUT_CAP = 64 * 1024;

    private TestJobs() {
    }

    /** {@code VERB ARGUMENTS} parsed as the CLI would; the payload is used as if already rendered. */
    static JobContext context(NodeVariables variables, String verb, String arguments) throws Exception {
        return context(variables, JobParser.standard().parse(verb, arguments));
    }

    /**
     * A job line the CLI and server would refuse (a verb's own checks are skipped), as a node
     * could still receive from a server of another version: executors must fail it cleanly.
     */
    static JobContext unvalidated(NodeVariables variables, String verb, String arguments) throws Exception {
        return context(variables, LENIENT.parse(verb, arguments));
    }

    private static final JobParser LENIENT = new JobParser(new VerbRegistry(VerbRegistry.standard().names().stream()
            .map(name -> (Verb) new Unchecked(VerbRegistry.standard().find(name).orElseThrow())).toList()));

    /** A verb with its options and payload rule but without its own checks. */
    private record Unchecked(Verb verb) implements Verb {
        @Override
        public String name() {
            return verb.name();
        }

        @Override
        public java.util.List<io.director.dsl.verb.OptionSpec> options() {
            return verb.options();
        }

        @Override
        public Payload payload() {
            return verb.payload();
        }
    }

    private static JobContext context(NodeVariables variables, JobDefinition definition) {
        String id = UUID.randomUUID().toString();
        Job job = new Job(id, id, null, definition, Fingerprint.of(definition));
        return new JobContext(job, definition.payload(), variables, new TemplateRenderer(),
                variables.templateContext("test-node", java.util.Map.of()), variables.environment(), OUTPUT_CAP);
    }
}
