package io.director.cli.command;

import io.director.cli.ApiClient;
import io.director.server.api.ApiReply;
import io.director.server.api.ApiRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code director destroy PROJECT}: destroys every jail and VM tagged with the project
 * ({@code JAIL}/{@code VM create --project}), on every live node that reports one, as one
 * {@code --force destroy} job per workload.
 */
@Command(name = "destroy", mixinStandardHelpOptions = true,
        description = "Destroy a project's jails and VMs on every node (JAIL/VM create --project NAME).")
final class DestroyCommand implements Callable<Integer>, JsonAware {

    @Spec
    CommandSpec spec;

    @ParentCommand
    DirectorCommand root;

    @Parameters(paramLabel = "PROJECT", description = "The project whose workloads to destroy.")
    String project;

    @Mixin
    WaitOptions waitOptions;

    @Mixin
    JsonOption json;

    @Override
    public boolean json() {
        return json.enabled();
    }

    @Override
    public Integer call() throws Exception {
        try (ApiClient api = ApiClient.connect(root.socketPath())) {
            List<String> ids = api.call(new ApiRequest.DestroyProject(project), ApiReply.JobIds.class).jobIds();
            return JobWaiter.report(api, ids, spec.commandLine().getOut(), spec.commandLine().getErr(), waitOptions,
                    json.enabled(), false);
        }
    }
}
