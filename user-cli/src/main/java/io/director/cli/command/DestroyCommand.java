package io.director.cli.command;

import io.director.cli.ApiClient;
import io.director.server.api.ApiReply;
import io.director.server.api.ApiRequest;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code director destroy PROJECT}: destroys every jail and VM tagged with the project
 * ({@code JAIL}/{@code VM create --project}), on every live node that reports one, as one
 * {@code --force destroy} job per workload.
 */
final class DestroyCommand implements Callable<Integer>, JsonAware, DirectorSubcommand {

    private final CommandSpec spec = Options.command(this, "destroy",
            "Destroy a project's jails and VMs on every node (JAIL/VM create --project NAME).");

    private final DirectorCommand root;

    private final PositionalParamSpec project = Options.parameter("0", "PROJECT",
            "The project whose workloads to destroy.").build();

    private final WaitOptions waitOptions = WaitOptions.addTo(spec);

    private final JsonOption json = JsonOption.addTo(spec);

    DestroyCommand(DirectorCommand root) {
        this.root = root;
        spec.addPositional(project);
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
        try (ApiClient api = ApiClient.connect(root.socketPath())) {
            List<String> ids = api.call(new ApiRequest.DestroyProject(project.getValue()), ApiReply.JobIds.class).jobIds();
            return JobWaiter.report(api, ids, spec.commandLine().getOut(), spec.commandLine().getErr(), waitOptions,
                    json.enabled(), false);
        }
    }
}
