package io.director.client.exec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.director.client.cache.NodeCache;
import io.director.client.capacity.CapacityCheck;
import io.director.client.driver.jail.JailDriver;
import io.director.client.driver.jail.JailException;
import io.director.client.driver.jail.JailSpec;
import io.director.client.driver.jail.JailStatus;
import io.director.dsl.verb.DslException;
import io.director.dsl.verb.JailVerb;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.wire.NodeReport;
import io.director.dsl.wire.NodeState;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code JAIL}: reads the rendered action, name and options and calls the node's
 * {@link JailDriver}. Stdout says what happened ({@code created}, {@code started},
 * {@code stopped}, {@code destroyed}, or {@code unchanged} when the jail already was as asked);
 * {@code exec} gives the command's exit code and output; {@code status} and {@code list} print
 * JSON. A stop without {@code --timeout} gives the jail {@value #DEFAULT_GRACE_SECONDS} s.
 */
public final class JailExecutor implements Executor, Plannable {

    static final long DEFAULT_GRACE_SECONDS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JailDriver driver;
    private final CapacityCheck capacity;
    private final NodeCache cache;

    /** Without limits or project tags (driver tests). */
    public JailExecutor(JailDriver driver) {
        this(driver, null, null);
    }

    /**
     * @param capacity refuses a new jail past the node's limits, or null for none
     * @param cache    where {@code --project} tags are kept, or null to keep none
     */
    public JailExecutor(JailDriver driver, CapacityCheck capacity, NodeCache cache) {
        this.driver = Objects.requireNonNull(driver, "driver");
        this.capacity = capacity;
        this.cache = cache;
    }

    @Override
    public String verb() {
        return JailVerb.NAME;
    }

    @Override
    public Execution execute(JobContext context) throws InterruptedException {
        JobDefinition definition = context.job().definition();
        JailVerb.Request request;
        try {
            // the parser checked what was written; templates are only known now
            request = JailVerb.request(context.payload());
            if (request.name() != null && !JailVerb.JAIL_NAME.matcher(request.name()).matches()) {
                return Execution.failed("JAIL: jail name '" + request.name() + "' is not valid");
            }
        } catch (DslException e) {
            return Execution.failed("JAIL: " + e.getMessage());
        }
        Duration grace = Duration.ofSeconds(definition.options().containsKey("timeout")
                ? definition.timeoutSeconds() : DEFAULT_GRACE_SECONDS);
        try {
            return switch (request.action()) {
                case "create" -> create(request.name(), definition);
                case "start" -> changed(driver.start(request.name(), request.command()), "started");
                case "stop" -> changed(driver.stop(request.name(), grace), "stopped");
                case "destroy" -> destroy(request.name(), definition.flag(JailVerb.FORCE), grace);
                case "status" -> json(driver.status(request.name()).toMap());
                case "list" -> json(driver.list().stream().map(JailStatus::toMap).toList());
                case "exec" -> exec(request, definition, context.outputCapBytes());
                default -> Execution.failed("JAIL: unknown action '" + request.action() + "'");
            };
        } catch (JailException e) {
            return Execution.failed("JAIL " + request.action() + ": " + e.getMessage());
        }
    }

    /** A new jail is first checked against the node's limits; an existing one is compared by spec. */
    private Execution create(String name, JobDefinition definition) throws JailException {
        JailSpec spec = spec(name, definition);
        if (capacity != null && !exists(name)) {
            long memory = spec.memory() == null ? 0 : Math.max(0, JailVerb.parseSize(spec.memory()));
            var refusal = capacity.refusal(NodeReport.Workload.JAIL, memory, 0);
            if (refusal.isPresent()) {
                return Execution.failed(refusal.get());
            }
        }
        boolean created = driver.create(name, spec);
        if (cache != null) {
            cache.tagProject(NodeReport.Workload.JAIL, name, definition.text(JailVerb.PROJECT));
        }
        return changed(created, "created");
    }

    private Execution destroy(String name, boolean force, Duration grace) throws JailException, InterruptedException {
        boolean destroyed = driver.destroy(name, force, grace);
        if (cache != null) {
            cache.tagProject(NodeReport.Workload.JAIL, name, null);
        }
        return changed(destroyed, "destroyed");
    }

    private boolean exists(String name) {
        try {
            driver.status(name);
            return true;
        } catch (JailException e) {
            return false;
        }
    }

    /** What the job would do to the jail, from its recorded state; nothing is changed. */
    @Override
    public String plan(JobContext context) {
        JailVerb.Request request;
        try {
            request = JailVerb.request(context.payload());
        } catch (DslException e) {
            return Planner.RUN;
        }
        switch (request.action()) {
            case "status", "list" -> {
                return Planner.ALWAYS;
            }
            case "exec" -> {
                return Planner.RUN;
            }
            default -> {
            }
        }
        JailStatus status;
        try {
            status = driver.status(request.name());
        } catch (JailException e) {
            return request.action().equals("destroy") ? Planner.UNCHANGED : Planner.RUN; // no such jail
        }
        boolean running = "running".equals(status.state());
        try {
            return switch (request.action()) {
                case "create" -> status.spec().equals(spec(request.name(), context.job().definition()))
                        ? Planner.UNCHANGED : Planner.RUN;
                case "start" -> running ? Planner.UNCHANGED : Planner.RUN;
                case "stop" -> running ? Planner.RUN : Planner.UNCHANGED;
                default -> Planner.RUN;
            };
        } catch (JailException e) {
            return Planner.RUN;
        }
    }

    private Execution exec(JailVerb.Request request, JobDefinition definition, int cap)
            throws JailException, InterruptedException {
        ProcessRunner.Outcome outcome = driver.exec(request.name(), request.command(), definition.timeoutSeconds(),
                cap);
        if (outcome.timedOut()) {
            return new Execution(NodeState.FAILED, outcome.exitCode(), outcome.stdout(), outcome.stderr(),
                    "timeout after " + definition.timeoutSeconds() + " s");
        }
        return new Execution(outcome.exitCode() == 0 ? NodeState.SUCCESS : NodeState.FAILED, outcome.exitCode(),
                outcome.stdout(), outcome.stderr(), outcome.exitCode() == 0 ? null : "exit code " + outcome.exitCode());
    }

    /** The spec a rendered create asks for; values that were templates are checked here. */
    static JailSpec spec(String name, JobDefinition definition) throws JailException {
        for (String mount : definition.list(JailVerb.MOUNT)) {
            try {
                JailVerb.checkMount(mount);
            } catch (DslException e) {
                throw new JailException(e.getMessage());
            }
        }
        String memory = definition.text(JailVerb.MEMORY);
        if (memory != null && JailVerb.parseSize(memory) <= 0) {
            throw new JailException("option '--memory' needs a size above 0 such as 64M or 1G, got '" + memory + "'");
        }
        String root = definition.text(JailVerb.ROOT);
        if (root != null && !root.startsWith("/")) {
            throw new JailException("option '--root' needs an absolute path, got '" + root + "'");
        }
        String network = definition.text(JailVerb.NETWORK);
        if (network != null && !JailVerb.NETWORKS.contains(network)) {
            throw new JailException("option '--network' needs one of none, host, got '" + network + "'");
        }
        String hostname = definition.text(JailVerb.HOSTNAME);
        Double cpus = definition.options().containsKey(JailVerb.CPUS) ? definition.decimal(JailVerb.CPUS, 0) : null;
        return new JailSpec(root, definition.text(JailVerb.TEMPLATE), hostname == null ? name : hostname, network,
                definition.list(JailVerb.MOUNT), memory, cpus, definition.list(JailVerb.ENV),
                definition.text(JailVerb.RESTART), definition.flag(JailVerb.AUTOSTART));
    }

    private static Execution changed(boolean changed, String what) {
        return new Execution(NodeState.SUCCESS, null, changed ? what + "\n" : "unchanged\n", "", null);
    }

    private static Execution json(Object value) throws JailException {
        try {
            return new Execution(NodeState.SUCCESS, null, JSON.writeValueAsString(value) + "\n", "", null);
        } catch (JsonProcessingException e) {
            throw new JailException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
