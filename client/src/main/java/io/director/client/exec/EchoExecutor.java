package io.director.client.exec;

import io.director.dsl.verb.EchoVerb;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.NodeState;

/** {@code ECHO TEXT}: the rendered text is the job's stdout, as written (quotes kept). */
public final class EchoExecutor implements Executor {

    @Override
    public String verb() {
        return EchoVerb.NAME;
    }

    @Override
    public Execution execute(JobContext context) {
        return new Execution(NodeState.SUCCESS, null, Limits.capOutput(context.payload(), context.outputCapBytes()),
                "", null);
    }
}
