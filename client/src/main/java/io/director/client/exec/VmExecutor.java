package io.director.client.exec;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.director.client.cache.NodeCache;
import io.director.client.capacity.CapacityCheck;
import io.director.client.driver.vm.CloudInitSeed;
import io.director.client.driver.vm.VmDriver;
import io.director.client.driver.vm.VmState;
import io.director.client.driver.vm.VmStatus;
import io.director.client.driver.vm.VmException;
import io.director.client.driver.vm.VmOutcome;
import io.director.client.driver.vm.VmProfile;
import io.director.client.driver.vm.VmSpec;
import io.director.dsl.verb.CommonOptions;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.VmVerb;
import io.director.dsl.wire.Limits;
import io.director.dsl.verb.Sizes;
import io.director.dsl.wire.NodeReport;
import io.director.dsl.wire.NodeState;
import io.director.dsl.wire.WireCodec;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code VM ACTION NAME [options]}: one lifecycle call of the node's VM driver. Stdout is what
 * the driver did ({@code unchanged} when nothing was to do), JSON for {@code status} and
 * {@code list}, the console lines for {@code console}. The name is checked again here, after
 * rendering; a driver error fails the job with its message as info.
 */
public final class VmExecutor implements Executor, Plannable {

    /** {@code VM stop}'s grace when the job gives no {@code --timeout}. */
    static final long DEFAULT_STOP_GRACE_SECONDS = 60;

    private final VmDriver driver;
    private final CapacityCheck capacity;
    private final NodeCache cache;

    /** Without limits or project tags (driver tests). */
    public VmExecutor(VmDriver driver) {
        this(driver, null, null);
    }

    /**
     * @param capacity refuses a new VM past the node's limits, or null for none
     * @param cache    where {@code --project} tags are kept, or null to keep none
     */
    public VmExecutor(VmDriver driver, CapacityCheck capacity, NodeCache cache) {
        this.driver = Objects.requireNonNull(driver, "driver");
        this.capacity = capacity;
        this.cache = cache;
    }

    @Override
    public String verb() {
        return VmVerb.NAME;
    }

    @Override
    public Execution execute(JobContext context) throws InterruptedException {
        JobDefinition definition = context.job().definition();
        List<String> words = definition.payloadWords();
        String action = words.isEmpty() ? "" : words.get(0);
        if (!VmVerb.ACTIONS.contains(action)) {
            return Execution.failed("VM action '" + action + "' is not one of " + String.join(", ", VmVerb.ACTIONS));
        }
        String name = words.size() > 1 ? words.get(1) : null;
        if (!action.equals(VmVerb.LIST) && (name == null || !VmVerb.VM_NAME.matcher(name).matches())) {
            return Execution.failed(name == null ? "VM " + action + " needs a VM name"
                    : "VM name '" + name + "' is not valid: use 1 to 63 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit");
        }
        try {
            if (action.equals(VmVerb.CREATE) && capacity != null && !exists(name)) {
                VmSpec asked = spec(definition);
                var refusal = capacity.refusal(NodeReport.Workload.VM, Math.max(0, Sizes.bytes(asked.memory())),
                        Math.max(0, Sizes.bytes(asked.disk())));
                if (refusal.isPresent()) {
                    return Execution.failed(refusal.get());
                }
            }
            String stdout = switch (action) {
                case VmVerb.CREATE -> driver.create(name, spec(definition)).text();
                case VmVerb.START -> driver.start(name).text();
                case VmVerb.STOP -> driver.stop(name, Duration.ofSeconds(definition.count(CommonOptions.TIMEOUT,
                        DEFAULT_STOP_GRACE_SECONDS)), definition.flag(VmVerb.FORCE)).text();
                case VmVerb.DESTROY -> driver.destroy(name, definition.flag(VmVerb.FORCE)).text();
                case VmVerb.STATUS -> json(driver.status(name));
                case VmVerb.LIST -> json(driver.list());
                default -> driver.console(name, (int) Math.min(Integer.MAX_VALUE,
                        definition.count(VmVerb.LINES, VmVerb.DEFAULT_LINES)));
            };
            if (cache != null && action.equals(VmVerb.CREATE)) {
                cache.tagProject(NodeReport.Workload.VM, name, definition.text(VmVerb.PROJECT));
            } else if (cache != null && action.equals(VmVerb.DESTROY)) {
                cache.tagProject(NodeReport.Workload.VM, name, null);
            }
            String info = stdout.equals(VmOutcome.UNCHANGED) ? VmOutcome.UNCHANGED : null;
            return new Execution(NodeState.SUCCESS, null, Limits.capOutput(stdout, context.outputCapBytes()), "", info);
        } catch (VmException e) {
            return Execution.failed(e.getMessage());
        } catch (IllegalArgumentException e) {
            return Execution.failed("VM " + action + " " + name + ": " + e.getMessage());
        }
    }

    private boolean exists(String name) {
        try {
            return driver.status(name) != null;
        } catch (VmException e) {
            return false;
        }
    }

    /** What the job would do to the VM, from its recorded state; nothing is changed. */
    @Override
    public String plan(JobContext context) {
        JobDefinition definition = context.job().definition();
        List<String> words = definition.payloadWords();
        String action = words.isEmpty() ? "" : words.get(0);
        String name = words.size() > 1 ? words.get(1) : null;
        if (action.equals(VmVerb.STATUS) || action.equals(VmVerb.LIST) || action.equals("console")) {
            return Planner.ALWAYS;
        }
        VmStatus status;
        try {
            status = name == null ? null : driver.status(name);
        } catch (VmException e) {
            status = null;
        }
        if (status == null) {
            return action.equals(VmVerb.DESTROY) ? Planner.UNCHANGED : Planner.RUN; // no such VM
        }
        boolean running = status.state() == VmState.RUNNING;
        try {
            return switch (action) {
                case VmVerb.CREATE -> status.spec().equals(spec(definition)) ? Planner.UNCHANGED : Planner.RUN;
                case VmVerb.START -> running ? Planner.UNCHANGED : Planner.RUN;
                case VmVerb.STOP -> running ? Planner.RUN : Planner.UNCHANGED;
                default -> Planner.RUN;
            };
        } catch (IllegalArgumentException e) {
            return Planner.RUN;
        }
    }

    /** The spec a create asks for, from its rendered options. */
    static VmSpec spec(JobDefinition definition) {
        String restart = definition.text(VmVerb.RESTART);
        boolean autostart = definition.flag(VmVerb.AUTOSTART);
        String accel = definition.text(VmVerb.ACCEL);
        String image = definition.text(VmVerb.IMAGE);
        String kernel = definition.text(VmVerb.KERNEL);
        String initrd = definition.text(VmVerb.INITRD);
        String append = definition.text(VmVerb.APPEND);
        String cloudInit = definition.text(VmVerb.CLOUD_INIT);
        String profile = definition.text(VmVerb.PROFILE);
        checkRendered(VmVerb.PROFILE, profile, VmVerb.PROFILES);
        checkRendered(VmVerb.RESTART, restart, VmVerb.RESTART_POLICIES);
        checkRendered(VmVerb.ACCEL, accel, VmVerb.ACCELERATORS);
        for (String path : List.of(VmVerb.IMAGE, VmVerb.KERNEL, VmVerb.INITRD, VmVerb.CLOUD_INIT)) {
            String value = definition.text(path);
            if (value != null && !value.startsWith("/")) {
                throw new IllegalArgumentException("--" + path + " needs an absolute path, got '" + value + "'");
            }
        }
        // With the cloud-init content's hash when readable, so --plan compares it too (create reads it again).
        String cloudInitSha256 = cloudInit == null ? null : CloudInitSeed.sha256Of(cloudInit);
        if (profile != null) {
            return VmSpec.ofProfile(VmProfile.valueOf(profile), image, kernel, initrd, append, cloudInit, restart,
                    autostart, accel).withCloudInitSha256(cloudInitSha256);
        }
        for (String size : List.of(VmVerb.MEMORY, VmVerb.DISK)) {
            String value = definition.text(size);
            if (value == null || !VmVerb.SIZE.matcher(value).matches()) {
                throw new IllegalArgumentException("--" + size + " needs a size such as 512M, 20G or 1T, got '"
                        + value + "'");
            }
        }
        return new VmSpec(null, definition.text(VmVerb.MEMORY), (int) definition.count(VmVerb.CPUS, 1),
                definition.text(VmVerb.DISK), image, kernel, initrd, append, cloudInit, restart, autostart, accel,
                cloudInitSha256);
    }

    private static void checkRendered(String option, String value, List<String> choices) {
        if (value != null && !choices.contains(value)) {
            throw new IllegalArgumentException("--" + option + " must be one of " + String.join(", ", choices)
                    + ", got '" + value + "'");
        }
    }

    private static String json(Object value) {
        try {
            return WireCodec.mapper().writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value, e);
        }
    }
}
