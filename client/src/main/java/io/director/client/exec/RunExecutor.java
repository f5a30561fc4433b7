package io.director.client.exec;

import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.RunVerb;
import io.director.dsl.wire.NodeState;

import java.io.IOException;
import java.util.List;

/** {@code RUN}: {@code /bin/sh -c PAYLOAD}; success iff exit 0; {@code --retry N} tries again. */
public final class RunExecutor implements Executor {

    private final ProcessRunner processes;

    public RunExecutor(ProcessRunner processes) {
        this.processes = processes;
    }

    @Override
    public String verb() {
        return RunVerb.NAME;
    }

    @Override
    public Execution execute(JobContext context) throws InterruptedException {
        JobDefinition definition = context.job().definition();
        long tries = 1 + definition.count(RunVerb.RETRY, 0);
        long timeout = definition.timeoutSeconds();
        Execution last = null;
        for (long attempt = 1; attempt <= tries; attempt++) {
            ProcessRunner.Outcome outcome;
            try {
                outcome = processes.run(List.of("/bin/sh", "-c", context.payload()), context.environment(),
                        null, timeout, context.outputCapBytes());
            } catch (IOException e) {
                return Execution.failed("cannot start /bin/sh: " + e.getMessage());
            }
            String info = outcome.timedOut() ? "timeout after " + timeout + " s" : null;
            if (tries > 1 && attempt > 1) {
                info = (info == null ? "" : info + "; ") + "attempt " + attempt + " of " + tries;
            }
            NodeState state = !outcome.timedOut() && outcome.exitCode() == 0 ? NodeState.SUCCESS : NodeState.FAILED;
            last = new Execution(state, outcome.exitCode(), outcome.stdout(), outcome.stderr(), info);
            if (state == NodeState.SUCCESS) {
                break;
            }
        }
        return last;
    }
}
