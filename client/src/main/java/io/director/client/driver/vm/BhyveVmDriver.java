package io.director.client.driver.vm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.director.client.cache.NodeCache;
import io.director.client.driver.CommandRunner;
import io.director.client.exec.ProcessRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * VMs as bhyve guests through vm-bhyve ({@code vm}), every host change a command line run through
 * a {@link CommandRunner}.
 *
 * <ul>
 *   <li>create: {@code vm create -t TEMPLATE -s DISK -m MEMORY -c CPUS [-i IMAGE] NAME}: size from
 *       the profile or the options, given to vm-bhyve's own {@code -m}/{@code -c} (they write
 *       {@code memory=} and {@code cpu=} into the VM's {@code NAME.conf}); {@code --image} names an
 *       image of vm-bhyve's {@code vm img} store. With {@code --cloud-init}, a NoCloud seed
 *       {@code VM_DIR/NAME/seed.iso} made with {@code makefs -t cd9660} (or another ISO maker on the
 *       PATH) and attached as the next free disk: {@code sysrc -f VM_DIR/NAME/NAME.conf
 *       diskN_type=ahci-cd diskN_dev=file diskN_name=seed.iso}. {@code --kernel} is refused
 *       (vm-bhyve boots through its loaders), as is an accelerator other than auto.</li>
 *   <li>start: {@code vm start NAME}; stop: {@code vm stop NAME} (ACPI), then
 *       {@code vm poweroff -f NAME} after the grace; at once with {@code --force}.</li>
 *   <li>destroy: {@code vm destroy -f NAME}; status/list: {@code vm list} parsed (state and pid).</li>
 *   <li>console: {@code vm console} is interactive, so this reads the tail of the log vm-bhyve keeps
 *       per guest, {@code VM_DIR/NAME/vm-bhyve.log} (its start/stop/exit events, not the guest's
 *       serial output); {@code VM_DIR} is {@code sysrc -n vm_dir} ({@code zfs:DATASET} read with
 *       {@code zfs get -H -o value mountpoint DATASET}).</li>
 * </ul>
 * The spec and whether the VM has booted are a node-cache workload record of kind {@code vm}.
 * {@link #recover} runs {@code vm start NAME} for the {@code --autostart} VMs that are off (the
 * client's own autostart; vm-bhyve's {@code vm_list} in rc.conf is left alone).
 */
public final class BhyveVmDriver implements VmDriver {

    private static final Logger LOG = Logger.getLogger(BhyveVmDriver.class.getName());
    static final String KIND = "vm";
    static final String TEMPLATE = "default";
    private static final long COMMAND_TIMEOUT_SECONDS = 120;
    private static final int OUTPUT_CAP = 256 * 1024;
    private static final int CONSOLE_TAIL_BYTES = 1024 * 1024;
    /** A {@code diskN_name=} line of a vm-bhyve configuration. */
    private static final Pattern DISK_NAME = Pattern.compile("^disk(\\d+)_name=");
    /** {@code vm list}'s last column: {@code Running (PID)}, {@code Stopped}, {@code Locked (HOST)}… */
    private static final Pattern STATE = Pattern.compile("(Running \\((\\d+)\\)|Stopped|Locked.*|Bhyve.*)\\s*$");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the node cache keeps of a VM. */
    record BhyveRecord(VmSpec spec, boolean booted) {
    }

    /** One row of {@code vm list}: running with its bhyve pid, or not. */
    record Listed(String name, boolean running, Long pid) {
    }

    private final NodeCache cache;
    private final CommandRunner runner;
    private final Duration pollEvery;
    private final Predicate<String> onPath;
    private final Map<String, Object> locks = new java.util.concurrent.ConcurrentHashMap<>();
    private Path vmDir;

    /** With {@code onPath} saying which programs are installed (the seed's ISO maker is chosen by it). */
    BhyveVmDriver(NodeCache cache, CommandRunner runner, Duration pollEvery, Predicate<String> onPath) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.pollEvery = pollEvery;
        this.onPath = Objects.requireNonNull(onPath, "onPath");
    }

    BhyveVmDriver(NodeCache cache, CommandRunner runner, Duration pollEvery) {
        this(cache, runner, pollEvery, CommandRunner::onPath);
    }

    BhyveVmDriver(NodeCache cache, CommandRunner runner) {
        this(cache, runner, Duration.ofSeconds(1));
    }

    @Override
    public String name() {
        return "vm-bhyve";
    }

    @Override
    public VmOutcome create(String name, VmSpec spec) throws VmException {
        synchronized (lock(name)) {
            return doCreate(name, spec);
        }
    }

    private VmOutcome doCreate(String name, VmSpec asked) throws VmException {
        // The content is read once: its hash goes into the spec and the same bytes into the seed.
        byte[] userData = asked.cloudInit() == null ? null : CloudInitSeed.read(name, asked.cloudInit());
        VmSpec spec = asked.withCloudInitSha256(userData == null ? null : CloudInitSeed.sha256(userData));
        BhyveRecord existing = record(name);
        if (existing != null) {
            List<String> differences = existing.spec().differencesTo(spec);
            if (differences.isEmpty()) {
                return VmOutcome.unchanged();
            }
            throw new VmException("VM '" + name + "' exists with a different spec: " + String.join("; ", differences)
                    + " (destroy it first to change it)");
        }
        if (spec.kernel() != null) {
            throw new VmException("VM '" + name + "': --kernel is not supported by vm-bhyve (it boots the disk "
                    + "through its loaders): use --image");
        }
        if (!spec.accel().equals("auto")) {
            throw new VmException("VM '" + name + "': bhyve has no accelerator choice (asked " + spec.accel() + ")");
        }
        CloudInitSeed.Maker maker = userData == null ? null
                : CloudInitSeed.choose(name, CloudInitSeed.FREEBSD, onPath, CloudInitSeed.FREEBSD_INSTALL);
        run(createLine(name, spec), "create VM '" + name + "'");
        if (maker != null) {
            try {
                attachSeed(name, maker, userData);
            } catch (VmException e) {
                // a VM without the seed it was asked with is not left behind: a retry starts afresh
                try {
                    run(List.of("vm", "destroy", "-f", name), "remove VM '" + name + "' after its failed create");
                } catch (VmException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        }
        put(name, new BhyveRecord(spec, false));
        LOG.info(() -> "VM " + name + " created with vm-bhyve");
        return VmOutcome.changed("created");
    }

    /**
     * Makes {@code VM_DIR/NAME/seed.iso} and adds it to the VM's configuration as its next disk,
     * an AHCI CD-ROM (read-only by nature), so vm-bhyve hands it to bhyve at every start.
     */
    private void attachSeed(String name, CloudInitSeed.Maker maker, byte[] userData) throws VmException {
        Path vm = vmDir().resolve(name);
        Path staging = CloudInitSeed.stage(name, vm.resolve(CloudInitSeed.STAGING), userData);
        run(maker.command(vm.resolve(CloudInitSeed.ISO), staging),
                "make the cloud-init seed of VM '" + name + "' with " + maker.program);
        try {
            CloudInitSeed.deleteStaging(staging);
        } catch (IOException e) {
            LOG.warning(() -> "VM " + name + ": cannot remove " + staging + ": " + e.getMessage());
        }
        Path conf = vm.resolve(name + ".conf");
        int disk = nextDisk(conf);
        run(List.of("sysrc", "-f", conf.toString(), "disk" + disk + "_type=ahci-cd", "disk" + disk + "_dev=file",
                "disk" + disk + "_name=" + CloudInitSeed.ISO), "attach the cloud-init seed of VM '" + name + "'");
    }

    /** The first disk number the configuration does not use (vm-bhyve stops at the first gap). */
    static int nextDisk(Path conf) throws VmException {
        List<String> lines;
        try {
            lines = Files.readAllLines(conf);
        } catch (IOException e) {
            throw new VmException("cannot read the vm-bhyve configuration " + conf + ": " + e.getMessage(), e);
        }
        Set<Integer> used = new HashSet<>();
        for (String line : lines) {
            Matcher disk = DISK_NAME.matcher(line);
            if (disk.find()) {
                used.add(Integer.parseInt(disk.group(1)));
            }
        }
        int next = 0;
        while (used.contains(next)) {
            next++;
        }
        return next;
    }

    static List<String> createLine(String name, VmSpec spec) {
        List<String> line = new ArrayList<>(List.of("vm", "create", "-t", TEMPLATE, "-s", spec.disk(), "-m",
                spec.memory(), "-c", Integer.toString(spec.cpus())));
        if (spec.image() != null) {
            line.addAll(List.of("-i", spec.image()));
        }
        line.add(name);
        return line;
    }

    @Override
    public VmOutcome start(String name) throws VmException {
        synchronized (lock(name)) {
            return doStart(name);
        }
    }

    private VmOutcome doStart(String name) throws VmException {
        BhyveRecord record = existing(name);
        if (running(name)) {
            return VmOutcome.unchanged();
        }
        run(List.of("vm", "start", name), "start VM '" + name + "'");
        put(name, new BhyveRecord(record.spec(), true));
        return VmOutcome.changed("started");
    }

    @Override
    public VmOutcome stop(String name, Duration grace, boolean force) throws VmException, InterruptedException {
        synchronized (lock(name)) {
            return doStop(name, grace, force);
        }
    }

    private VmOutcome doStop(String name, Duration grace, boolean force)
            throws VmException, InterruptedException {
        existing(name);
        if (!running(name)) {
            return VmOutcome.unchanged();
        }
        if (!force) {
            run(List.of("vm", "stop", name), "stop VM '" + name + "'");
            long deadline = System.nanoTime() + grace.toNanos();
            while (System.nanoTime() < deadline) {
                Thread.sleep(pollEvery.toMillis());
                if (!running(name)) {
                    return VmOutcome.changed("stopped");
                }
            }
            if (!running(name)) {
                return VmOutcome.changed("stopped");
            }
            LOG.info(() -> "VM " + name + " did not power off within " + grace.toSeconds() + " s: forcing it off");
        }
        run(List.of("vm", "poweroff", "-f", name), "power off VM '" + name + "'");
        return VmOutcome.changed("forced off");
    }

    @Override
    public VmOutcome destroy(String name, boolean force) throws VmException, InterruptedException {
        synchronized (lock(name)) {
            return doDestroy(name, force);
        }
    }

    private VmOutcome doDestroy(String name, boolean force) throws VmException, InterruptedException {
        BhyveRecord record = record(name);
        Listed listed = listed(name);
        if (record == null && listed == null) {
            return VmOutcome.unchanged();
        }
        if (listed != null && listed.running()) {
            if (!force) {
                throw new VmException("VM '" + name + "' is running: stop it first, or destroy it with --force");
            }
            run(List.of("vm", "poweroff", "-f", name), "power off VM '" + name + "'");
        }
        if (listed != null) {
            run(List.of("vm", "destroy", "-f", name), "destroy VM '" + name + "'");
        }
        cache.deleteWorkload(KIND, name);
        return VmOutcome.changed("destroyed");
    }

    /**
     * At the client daemon's start: {@code vm start NAME} for each {@code --autostart} VM that
     * {@code vm list} does not show running; running ones are adopted as they are. Failures are
     * logged and the others still go.
     */
    @Override
    public void recover() {
        Map<String, Listed> rows = new LinkedHashMap<>();
        try {
            parseList(call(List.of("vm", "list"), "list VMs").stdout()).forEach(row -> rows.put(row.name(), row));
        } catch (VmException e) {
            LOG.warning(() -> "VMs not recovered: " + e.getMessage());
            return;
        }
        for (String name : List.copyOf(cache.workloads(KIND).keySet())) {
            synchronized (lock(name)) {
                BhyveRecord record = record(name);
                Listed listed = rows.get(name);
                if (record == null) {
                    continue;
                }
                if (listed != null && listed.running()) {
                    LOG.info(() -> "VM " + name + " re-adopted, bhyve pid " + listed.pid());
                    continue;
                }
                if (!record.spec().autostart()) {
                    continue;
                }
                try {
                    run(List.of("vm", "start", name), "start VM '" + name + "'");
                    put(name, new BhyveRecord(record.spec(), true));
                    LOG.info(() -> "VM " + name + " autostarted");
                } catch (VmException e) {
                    LOG.warning(() -> "VM " + name + ": autostart failed: " + e.getMessage());
                }
            }
        }
    }

    @Override
    public VmStatus status(String name) throws VmException {
        synchronized (lock(name)) {
            return statusOf(name, existing(name), listed(name));
        }
    }

    @Override
    public List<VmStatus> list() throws VmException {
        Map<String, Listed> rows = new LinkedHashMap<>();
        parseList(call(List.of("vm", "list"), "list VMs").stdout()).forEach(row -> rows.put(row.name(), row));
        List<VmStatus> all = new ArrayList<>();
        for (String name : cache.workloads(KIND).keySet()) {
            BhyveRecord record = record(name);
            if (record != null) {
                all.add(statusOf(name, record, rows.get(name)));
            }
        }
        return all;
    }

    @Override
    public String console(String name, int lines) throws VmException {
        existing(name);
        Path log = consoleLog(name);
        if (!Files.exists(log)) {
            return "";
        }
        try {
            byte[] bytes = Files.readAllBytes(log);
            String text = new String(bytes, Math.max(0, bytes.length - CONSOLE_TAIL_BYTES),
                    Math.min(bytes.length, CONSOLE_TAIL_BYTES), java.nio.charset.StandardCharsets.UTF_8);
            List<String> all = text.lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new VmException("cannot read the log of VM '" + name + "': " + e.getMessage(), e);
        }
    }

    private VmStatus statusOf(String name, BhyveRecord record, Listed listed) throws VmException {
        boolean running = listed != null && listed.running();
        VmState state = running ? VmState.RUNNING : record.booted() ? VmState.STOPPED : VmState.CREATED;
        return new VmStatus(name, state, running ? listed.pid() : null, record.spec(), consoleLog(name).toString(),
                "bhyve", running ? "running" : null);
    }

    private boolean running(String name) throws VmException {
        Listed listed = listed(name);
        return listed != null && listed.running();
    }

    /** The VM's row of {@code vm list}, or null when vm-bhyve does not know it. */
    private Listed listed(String name) throws VmException {
        return parseList(call(List.of("vm", "list"), "list VMs").stdout()).stream()
                .filter(row -> row.name().equals(name)).findFirst().orElse(null);
    }

    /** The rows of {@code vm list} output (its header skipped). */
    static List<Listed> parseList(String output) {
        List<Listed> rows = new ArrayList<>();
        for (String line : output.lines().toList()) {
            String[] words = line.strip().split("\\s+");
            if (words.length < 2 || words[0].equals("NAME")) {
                continue;
            }
            Matcher state = STATE.matcher(line);
            if (!state.find()) {
                continue;
            }
            String pid = state.group(2);
            rows.add(new Listed(words[0], pid != null, pid == null ? null : Long.parseLong(pid)));
        }
        return rows;
    }

    /** vm-bhyve's per-guest log. */
    Path consoleLog(String name) throws VmException {
        return vmDir().resolve(name).resolve("vm-bhyve.log");
    }

    private synchronized Path vmDir() throws VmException {
        if (vmDir == null) {
            String dir = call(List.of("sysrc", "-n", "vm_dir"), "read vm_dir from rc.conf").stdout().strip();
            if (dir.isEmpty()) {
                throw new VmException("vm_dir is not set in rc.conf: run 'vm init' after setting it");
            }
            if (dir.startsWith("zfs:")) {
                dir = call(List.of("zfs", "get", "-H", "-o", "value", "mountpoint", dir.substring(4)),
                        "find the mountpoint of " + dir).stdout().strip();
            }
            vmDir = Path.of(dir);
        }
        return vmDir;
    }

    /** Calls for one VM are serialised; calls for different VMs proceed side by side. */
    private Object lock(String name) {
        return locks.computeIfAbsent(name, n -> new Object());
    }

    private BhyveRecord existing(String name) throws VmException {
        BhyveRecord record = record(name);
        if (record == null) {
            throw new VmException("no VM '" + name + "' on this node: create it first");
        }
        return record;
    }

    private BhyveRecord record(String name) {
        String text = cache.workload(KIND, name);
        if (text == null) {
            return null;
        }
        try {
            return JSON.readValue(text, BhyveRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("node cache: the record of VM " + name + " is not readable: "
                    + e.getOriginalMessage(), e);
        }
    }

    private void put(String name, BhyveRecord record) {
        try {
            cache.putWorkload(KIND, name, JSON.writeValueAsString(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the record of VM " + name, e);
        }
    }

    private void run(List<String> command, String what) throws VmException {
        call(command, what);
    }

    private ProcessRunner.Outcome call(List<String> command, String what) throws VmException {
        ProcessRunner.Outcome outcome;
        try {
            outcome = runner.run(command, COMMAND_TIMEOUT_SECONDS, OUTPUT_CAP);
        } catch (IOException e) {
            throw new VmException("cannot " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmException("interrupted while trying to " + what, e);
        }
        if (outcome.exitCode() != 0 || outcome.timedOut()) {
            throw new VmException("cannot " + what + ": " + (outcome.timedOut()
                    ? "no answer within " + COMMAND_TIMEOUT_SECONDS + " s" : outcome.stderr().strip()));
        }
        return outcome;
    }
}
