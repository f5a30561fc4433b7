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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code director exec --verb VERB 'ARGUMENTS'}: submits one job. */
final class ExecCommand implements Callable<Integer>, JsonAware, DirectorSubcommand {

    private final CommandSpec spec = Options.command(this, "exec",
            "Submit one job, e.g. director exec --verb RUN '--skip-cache echo hello'.");

    private final DirectorCommand root;

    private final OptionSpec verb = Options.value("--verb", String.class, "VERB", "The job's verb, e.g. RUN.")
            .required(true).build();

    private final OptionSpec targets = Options.repeated("--target", String.class, "ID",
            "Node to run on: a name, a glob such as 'web-*' or a label selector such as 'label:role=web' "
                    + "(repeatable, the union; default: every live node).").build();

    private final OptionSpec placement = Options.value("--placement", String.class, "STRATEGY",
            "Which of the targets run it: all (default), random, once, each, spread or single:NODE "
                    + "(see docs/placement.md).").build();

    private final WaitOptions waitOptions = WaitOptions.addTo(spec);

    private final JsonOption json = JsonOption.addTo(spec);

    private final PositionalParamSpec arguments = Options.parameter("0..*", "ARGUMENTS",
            "The verb's options and payload, as one quoted string.").arity("0..*").required(false).type(List.class)
            .auxiliaryTypes(String.class).build();

    ExecCommand(DirectorCommand root) {
        this.root = root;
        spec.addOption(verb);
        spec.addOption(targets);
        spec.addOption(placement);
        spec.addPositional(arguments);
    }

    @Override
    public CommandSpec spec() {
        return spec;
    }

    @Override
    public boolean json() {
        return json.enabled();
    }

    @Override
    public Integer call() throws Exception {
        String verb = this.verb.getValue();
        List<String> targets = Options.list(this.targets);
        String placement = this.placement.getValue();
        String line = String.join(" ", Options.<String>list(arguments));
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
