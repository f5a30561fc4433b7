package io.director.cli.command;

import io.director.cli.ApiClient;
import io.director.cli.CliException;
import io.director.cli.ExitCodes;
import io.director.dsl.verb.DslException;
import io.director.dsl.verb.JobParser;
import io.director.server.api.ApiReply;
import io.director.server.api.ApiRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code director exec --verb VERB 'ARGUMENTS'}: submits one job. */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = "Submit one job, e.g. director exec --verb RUN '--skip-cache echo hello'.")
final class ExecCommand implements Callable<Integer>, JsonAware {

    @Spec
    CommandSpec spec;

    @ParentCommand
    DirectorCommand root;

    @Option(names = "--verb", required = true, paramLabel = "VERB", description = "The job's verb, e.g. RUN.")
    String verb;

    @Option(names = "--target", paramLabel = "ID", description = "Node to run on (repeatable; default: every live node).")
    List<String> targets = new ArrayList<>();

    @Mixin
    WaitOptions waitOptions;

    @Mixin
    JsonOption json;

    @Parameters(paramLabel = "ARGUMENTS", arity = "0..*",
            description = "The verb's options and payload, as one quoted string.")
    List<String> arguments = new ArrayList<>();

    @Override
    public boolean json() {
        return json.enabled();
    }

    @Override
    public Integer call() throws Exception {
        String line = String.join(" ", arguments);
        try {
            JobParser.standard().parse(verb, line);
        } catch (DslException e) {
            throw new CliException(ExitCodes.INVALID_INPUT, e.getMessage()
                    + (e.column() > 0 ? " (column " + e.column() + " of the arguments)" : ""));
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ApiClient api = ApiClient.connect(root.socketPath())) {
            List<String> ids = api.call(new ApiRequest.Submit(List.of(
                    new ApiRequest.JobSubmission(verb, line, null, targets)),
                    Path.of("").toAbsolutePath().toString()), ApiReply.JobIds.class).jobIds();
            return JobWaiter.report(api, ids, out, spec.commandLine().getErr(), waitOptions, json.enabled(), true);
        }
    }
}
