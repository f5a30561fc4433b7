package io.director.client.exec;

import io.director.dsl.verb.EnvVerb;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.NodeState;

/**
 * {@code ENV KEY VALUE}: stores an environment variable for later processes. The value is the
 * rest of the text as written (one quoted word loses its quotes), never parsed.
 */
public final class EnvExecutor implements Executor {

    @Override
    public String verb() {
        return EnvVerb.NAME;
    }

    @Override
    public Execution execute(JobContext context) {
        try {
            PayloadText.KeyValue pair = PayloadText.keyValue(verb(), context.payload());
            context.variables().setEnv(pair.key(), pair.value());
            return new Execution(NodeState.SUCCESS, null,
                    Limits.capOutput(pair.key() + "=" + pair.value(), context.outputCapBytes()), "", null);
        } catch (IllegalArgumentException e) {
            return Execution.failed(e.getMessage());
        }
    }
}
