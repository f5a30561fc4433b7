package io.director.cli.command;

import io.director.cli.ApiClient;
import io.director.cli.CliException;
import io.director.cli.ExitCodes;
import io.director.dsl.placement.Placement;
import io.director.dsl.placement.TargetSelector;
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

    @Option(names = "--target", paramLabel = "ID",
            description = "Node to run on: a name, a glob such as 'web-*' or a label selector such as 'label:role=web' "
                    + "(repeatable, the union; default: every live node).")
    List<String> targets = new ArrayList<>();

    @Option(names = "--placement", paramLabel = "STRATEGY",
            description = "Which of the targets run it: all (default), random, once, each, spread or single:NODE "
                    + "(see docs/placement.md).")
    String placement;

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
        for (String target : targets) {
            try {
                TargetSelector.parse(target);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.INVALID_INPUT, "--target: " + e.getMessage());
            }
        }
        Placement chosen = null;
        if (placement != null) {
            try {
                chosen = Placement.parse(placement);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.INVALID_INPUT, "--placement: " + e.getMessage());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ApiClient api = ApiClient.connect(root.socketPath())) {
            List<String> ids = api.call(new ApiRequest.Submit(List.of(
                    new ApiRequest.JobSubmission(verb, line, null, targets, null, null, chosen, null)),
                    Path.of("").toAbsolutePath().toString()), ApiReply.JobIds.class).jobIds();
            return JobWaiter.report(api, ids, out, spec.commandLine().getErr(), waitOptions, json.enabled(), true);
        }
    }
}
