package io.director.client.driver.vm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.director.client.cache.NodeCache;
import io.director.client.driver.CommandRunner;
import io.director.client.driver.SupervisedWorkload;
import io.director.client.exec.ProcessRunner;
import io.director.dsl.wire.WireCodec;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * VMs as QEMU processes. Each VM has a directory {@code VMS/NAME/} with its disk (qcow2, an
 * overlay over {@code --image} when given), serial console log, QMP socket, pid file and, with
 * {@code --cloud-init}, its NoCloud seed ({@code seed.iso}); its spec, last accelerator and
 * whether it has booted are a workload record (kind {@code vm}) in the node cache. QEMU runs
 * daemonized in a session of its own, so VMs outlive the client; "running" means the pid file
 * names a live process whose command line is this VM's QEMU, which is also how a restarted client
 * adopts its VMs again ({@link #recover} then only boots the {@code --autostart} ones that are off).
 */
public final class QemuVmDriver implements VmDriver {

    private static final Logger LOG = Logger.getLogger(QemuVmDriver.class.getName());

    static final String KIND = "vm";
    static final String QEMU = "qemu-system-x86_64";
    static final String QEMU_IMG = "qemu-img";
    /** QEMU's own commands (qemu-img, daemonizing) get this long. */
    private static final long COMMAND_TIMEOUT_SECONDS = 60;
    private static final long QMP_TIMEOUT_MILLIS = 3000;
    /** After {@code quit} or SIGKILL, how long the process may take to go. */
    private static final Duration FORCED_EXIT = Duration.ofSeconds(5);
    private static final long KVM_PROBE_TIMEOUT_MILLIS = 3000;
    private static final int OUTPUT_CAP = 64 * 1024;
    private static final int CONSOLE_TAIL_BYTES = 1024 * 1024;

    /**
     * What the node cache keeps of a VM.
     *
     * @param running  started and not stopped through {@link #stop} since: supervision boots it
     *                 again when its QEMU is gone
     * @param restarts how often supervision booted it again
     */
    record VmRecord(VmSpec spec, String accel, boolean booted, boolean running, long restarts) {

        VmRecord withRunning(boolean meantToRun) {
            return new VmRecord(spec, accel, booted, meantToRun, restarts);
        }
    }

    private final Path vmsDir;
    private final NodeCache cache;
    private final ProcessRunner processes;
    private final String qemu;
    private final String qemuImg;
    private final Predicate<String> onPath;
    private final ObjectMapper json = WireCodec.mapper();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private volatile KvmProbe.Result probed;

    public QemuVmDriver(Path vmsDir, NodeCache cache, ProcessRunner processes, String qemu, String qemuImg) {
        this(vmsDir, cache, processes, qemu, qemuImg, CommandRunner::onPath);
    }

    /** With {@code onPath} saying which programs are installed (the seed's ISO maker is chosen by it). */
    QemuVmDriver(Path vmsDir, NodeCache cache, ProcessRunner processes, String qemu, String qemuImg,
                 Predicate<String> onPath) {
        this.vmsDir = Objects.requireNonNull(vmsDir, "vmsDir");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.processes = Objects.requireNonNull(processes, "processes");
        this.qemu = qemu;
        this.qemuImg = qemuImg;
        this.onPath = Objects.requireNonNull(onPath, "onPath");
    }

    @Override
    public String name() {
        return "qemu";
    }

    @Override
    public VmOutcome create(String name, VmSpec asked) throws VmException, InterruptedException {
        ReentrantLock lock = lock(name);
        try {
            // The content is read once: its hash goes into the spec and the same bytes into the seed.
            byte[] userData = asked.cloudInit() == null ? null : CloudInitSeed.read(name, asked.cloudInit());
            VmSpec spec = userData == null ? asked.withCloudInitSha256(null)
                    : asked.withCloudInitSha256(CloudInitSeed.sha256(userData));
            VmRecord existing = record(name);
            if (existing != null) {
                List<String> differences = existing.spec().differencesTo(spec);
                if (differences.isEmpty()) {
                    return VmOutcome.unchanged();
                }
                throw new VmException("VM '" + name + "' exists with another spec: " + String.join("; ", differences)
                        + "; destroy it first or ask for it as it is");
            }
            for (String file : Stream.of(spec.image(), spec.kernel(), spec.initrd()).filter(Objects::nonNull).toList()) {
                if (!Files.isRegularFile(Path.of(file))) {
                    throw new VmException("VM '" + name + "': '" + file + "' is not a file on this node");
                }
            }
            CloudInitSeed.Maker maker = userData == null ? null
                    : CloudInitSeed.choose(name, CloudInitSeed.LINUX, onPath, CloudInitSeed.LINUX_INSTALL);
            Path dir = dir(name);
            String format = null;
            boolean grow = false;
            if (spec.image() != null) {
                JsonNode info = imageInfo(spec.image());
                format = info.path("format").asText();
                grow = sizeBytes(spec.disk()) > info.path("virtual-size").asLong();
            }
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new VmException("VM '" + name + "': cannot create " + dir + ": " + e.getMessage(), e);
            }
            try {
                run(QemuCommand.createDisk(qemuImg, dir, spec, format, grow), "create the disk of VM '" + name + "'");
                if (maker != null) {
                    makeSeed(name, dir, maker, userData);
                }
            } catch (VmException e) {
                deleteTree(dir);
                throw e;
            }
            put(name, new VmRecord(spec, null, false, false, 0));
            LOG.info(() -> "VM " + name + " created in " + dir);
            return VmOutcome.changed("created " + name + " (disk " + dir.resolve(QemuCommand.DISK)
                    + (spec.image() == null ? ", " + spec.disk() : ", overlay over " + spec.image())
                    + (maker == null ? "" : ", cloud-init seed " + dir.resolve(CloudInitSeed.ISO)) + ")");
        } finally {
            lock.unlock();
        }
    }

    /** The NoCloud seed ISO in the VM's directory, made by {@code maker} from a staging directory. */
    private void makeSeed(String name, Path dir, CloudInitSeed.Maker maker, byte[] userData)
            throws VmException, InterruptedException {
        Path staging = CloudInitSeed.stage(name, dir.resolve(CloudInitSeed.STAGING), userData);
        run(maker.command(dir.resolve(CloudInitSeed.ISO), staging),
                "make the cloud-init seed of VM '" + name + "' with " + maker.program);
        try {
            CloudInitSeed.deleteStaging(staging);
        } catch (IOException e) {
            LOG.warning(() -> "VM " + name + ": cannot remove " + staging + ": " + e.getMessage());
        }
    }

    @Override
    public VmOutcome start(String name) throws VmException, InterruptedException {
        ReentrantLock lock = lock(name);
        try {
            VmRecord record = existing(name);
            if (runningPid(name) != null) {
                return VmOutcome.unchanged();
            }
            Path dir = dir(name);
            String accel = accel(record.spec());
            try {
                Files.deleteIfExists(dir.resolve(QemuCommand.QMP_SOCKET));
                Files.deleteIfExists(dir.resolve(QemuCommand.PID_FILE));
            } catch (IOException e) {
                throw new VmException("VM '" + name + "': cannot clear old state in " + dir + ": " + e.getMessage(), e);
            }
            run(QemuCommand.start(qemu, name, dir, record.spec(), accel), "start VM '" + name + "'");
            Long pid = runningPid(name);
            if (pid == null) {
                throw new VmException("VM '" + name + "': QEMU started but is not running; see "
                        + dir.resolve(QemuCommand.CONSOLE_LOG));
            }
            put(name, new VmRecord(record.spec(), accel, true, true, record.restarts()));
            LOG.info(() -> "VM " + name + " started (pid " + pid + ", accel " + accel + ")");
            return VmOutcome.changed("started " + name + " (pid " + pid + ", accel " + accel + ")");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public VmOutcome stop(String name, Duration grace, boolean force) throws VmException, InterruptedException {
        ReentrantLock lock = lock(name);
        try {
            VmRecord record = existing(name);
            if (record.running()) {
                put(name, record.withRunning(false));  // stopped on purpose: supervision leaves it off
            }
            Long pid = runningPid(name);
            if (pid == null) {
                return VmOutcome.unchanged();
            }
            ProcessHandle process = ProcessHandle.of(pid).orElse(null);
            if (process == null) {
                return VmOutcome.unchanged();
            }
            if (!force) {
                try (QmpClient qmp = QmpClient.connect(dir(name).resolve(QemuCommand.QMP_SOCKET), QMP_TIMEOUT_MILLIS)) {
                    qmp.execute("system_powerdown");
                } catch (IOException e) {
                    LOG.warning(() -> "VM " + name + ": ACPI power-off not sent: " + e.getMessage());
                }
                if (awaitExit(process, grace)) {
                    LOG.info(() -> "VM " + name + " powered off");
                    return VmOutcome.changed("stopped " + name + " (ACPI power-off)");
                }
            }
            forceOff(name, process);
            String how = force ? "forced off" : "forced off after " + grace.toSeconds() + " s";
            LOG.info(() -> "VM " + name + " " + how);
            return VmOutcome.changed("stopped " + name + " (" + how + ")");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public VmOutcome destroy(String name, boolean force) throws VmException, InterruptedException {
        ReentrantLock lock = lock(name);
        try {
            Path dir = dir(name);
            if (record(name) == null && !Files.exists(dir)) {
                return VmOutcome.unchanged();
            }
            Long pid = runningPid(name);
            if (pid != null) {
                if (!force) {
                    throw new VmException("VM '" + name + "' is running: stop it first or pass --force");
                }
                ProcessHandle.of(pid).ifPresent(process -> {
                    try {
                        forceOff(name, process);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
            }
            deleteTree(dir);
            cache.deleteWorkload(KIND, name);
            LOG.info(() -> "VM " + name + " destroyed");
            return VmOutcome.changed("destroyed " + name);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public VmStatus status(String name) throws VmException {
        return status(name, existing(name));
    }

    @Override
    public List<VmStatus> list() throws VmException {
        List<VmStatus> all = new ArrayList<>();
        for (String name : cache.workloads(KIND).keySet()) {
            VmRecord record = record(name);
            if (record != null) {
                all.add(status(name, record));
            }
        }
        return all;
    }

    @Override
    public String console(String name, int lines) throws VmException {
        existing(name);
        Path log = dir(name).resolve(QemuCommand.CONSOLE_LOG);
        if (!Files.exists(log)) {
            return "";
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            int size = (int) Math.min(length, CONSOLE_TAIL_BYTES);
            byte[] tail = new byte[size];
            file.seek(length - size);
            file.readFully(tail);
            List<String> all = List.of(new String(tail, StandardCharsets.UTF_8).replace("\r", "").split("\n", -1));
            if (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
                all = all.subList(0, all.size() - 1);
            }
            List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
            return last.isEmpty() ? "" : String.join("\n", last) + "\n";
        } catch (IOException e) {
            throw new VmException("VM '" + name + "': cannot read " + log + ": " + e.getMessage(), e);
        }
    }

    /**
     * At the client daemon's start, as for jails: a VM whose QEMU still runs is adopted as it is;
     * one that ended while no client ran is left to supervision when it has a restart policy and
     * was meant to run, else recorded as not meant to run; then each {@code --autostart} VM that
     * is off is booted. A VM that fails to boot is logged and the others still go.
     */
    @Override
    public void recover() {
        for (String name : List.copyOf(cache.workloads(KIND).keySet())) {
            try {
                recover(name);
            } catch (VmException | RuntimeException e) {
                LOG.warning(() -> "VM " + name + ": autostart failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void recover(String name) throws VmException, InterruptedException {
        ReentrantLock lock = lock(name);
        try {
            VmRecord record = record(name);
            if (record == null) {
                return;
            }
            Long pid = runningPid(name);
            if (pid != null) {
                LOG.info(() -> "VM " + name + " re-adopted, QEMU pid " + pid);
                return;
            }
            if (record.running() && !record.spec().restart().equals("no")) {
                LOG.info(() -> "VM " + name + " ended while the client was not running: left to supervision");
                return;
            }
            if (record.running()) {
                put(name, record.withRunning(false));
            }
            if (record.spec().autostart()) {
                VmOutcome started = start(name);
                LOG.info(() -> "VM " + name + " autostarted: " + started.text());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * VMs with a restart policy that are meant to run. QEMU runs daemonized, not as this
     * client's child, so its exit status cannot be known: every end not through {@link #stop}
     * (a crash, a kill, and also a guest that powers itself off) counts as a failure.
     */
    @Override
    public List<SupervisedWorkload> supervised() {
        List<SupervisedWorkload> supervised = new ArrayList<>();
        for (String name : cache.workloads(KIND).keySet()) {
            VmRecord record = record(name);
            if (record != null && record.running() && !record.spec().restart().equals("no")) {
                boolean gone = runningPid(name) == null;
                supervised.add(new SupervisedWorkload(name, record.spec().restart(), gone, gone));
            }
        }
        return supervised;
    }

    @Override
    public boolean restartGone(String name) throws VmException, InterruptedException {
        ReentrantLock lock = lock(name);
        try {
            VmRecord record = record(name);
            if (record == null || !record.running() || runningPid(name) != null) {
                return false;
            }
            put(name, new VmRecord(record.spec(), record.accel(), record.booted(), true, record.restarts() + 1));
            try {
                start(name);
            } catch (VmException | RuntimeException e) {
                put(name, record);  // still meant to run: the supervisor tries again after its backoff
                throw e;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The accelerator a boot uses: the spec's, or for {@code auto} the probe's answer (probed once). */
    String accel(VmSpec spec) throws InterruptedException {
        if (!spec.accel().equals("auto")) {
            return spec.accel();
        }
        KvmProbe.Result result = probed;
        if (result == null) {
            result = new KvmProbe(qemu, Path.of("/dev/kvm"), KVM_PROBE_TIMEOUT_MILLIS).probe();
            probed = result;
        }
        return result.accel();
    }

    private VmStatus status(String name, VmRecord record) {
        Long pid = runningPid(name);
        VmState state = pid != null ? VmState.RUNNING : record.booted() ? VmState.STOPPED : VmState.CREATED;
        String guest = null;
        if (pid != null) {
            try (QmpClient qmp = QmpClient.connect(dir(name).resolve(QemuCommand.QMP_SOCKET), QMP_TIMEOUT_MILLIS)) {
                guest = qmp.execute("query-status").path("status").asText(null);
            } catch (IOException e) {
                LOG.fine(() -> "VM " + name + ": QMP does not answer: " + e.getMessage());
            }
        }
        return new VmStatus(name, state, pid, record.spec(), dir(name).resolve(QemuCommand.CONSOLE_LOG).toString(),
                record.accel(), guest, record.restarts());
    }

    /**
     * The pid of this VM's QEMU if it runs: the pid file names a live process whose command line
     * has this VM's pid file in it (so a reused pid is not taken for the VM).
     */
    Long runningPid(String name) {
        Path pidFile = dir(name).resolve(QemuCommand.PID_FILE);
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            return null;
        }
        ProcessHandle process = ProcessHandle.of(pid).orElse(null);
        if (process == null || !process.isAlive()) {
            return null;
        }
        String commandLine;
        Path proc = Path.of("/proc", Long.toString(pid), "cmdline");
        try {
            commandLine = Files.exists(proc) ? Files.readString(proc).replace('\0', ' ')
                    : process.info().commandLine().orElse("");
        } catch (IOException e) {
            return null;
        }
        return commandLine.contains(pidFile.toString()) ? pid : null;
    }

    private void forceOff(String name, ProcessHandle process) throws InterruptedException {
        try (QmpClient qmp = QmpClient.connect(dir(name).resolve(QemuCommand.QMP_SOCKET), QMP_TIMEOUT_MILLIS)) {
            qmp.execute("quit");
        } catch (IOException e) {
            // QEMU closes the socket as it quits, or does not answer: the kill below covers both.
            LOG.fine(() -> "VM " + name + ": QMP quit: " + e.getMessage());
        }
        if (!awaitExit(process, FORCED_EXIT)) {
            process.destroyForcibly();
            awaitExit(process, FORCED_EXIT);
        }
    }

    private static boolean awaitExit(ProcessHandle process, Duration limit) throws InterruptedException {
        try {
            process.onExit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        }
    }

    private JsonNode imageInfo(String image) throws VmException, InterruptedException {
        String out = run(List.of(qemuImg, "info", "--output=json", image), "read the image '" + image + "'");
        try {
            return json.readTree(out);
        } catch (JsonProcessingException e) {
            throw new VmException("qemu-img info of '" + image + "' is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Runs a QEMU tool; returns its stdout, or fails with its first line of stderr. */
    private String run(List<String> command, String what) throws VmException, InterruptedException {
        ProcessRunner.Outcome outcome;
        try {
            outcome = processes.run(command, Map.of(), null, COMMAND_TIMEOUT_SECONDS, OUTPUT_CAP);
        } catch (IOException e) {
            throw new VmException("cannot " + what + ": cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        if (outcome.timedOut()) {
            throw new VmException("cannot " + what + ": " + command.get(0) + " took longer than "
                    + COMMAND_TIMEOUT_SECONDS + " s");
        }
        if (outcome.exitCode() != 0) {
            String reason = outcome.stderr().strip().lines().findFirst().orElse("exit code " + outcome.exitCode());
            throw new VmException("cannot " + what + ": " + reason);
        }
        return outcome.stdout();
    }

    static long sizeBytes(String size) {
        long number = Long.parseLong(size.substring(0, size.length() - 1));
        int shift = switch (size.charAt(size.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> throw new IllegalArgumentException("not a size: " + size);
        };
        return number << shift;
    }

    Path dir(String name) {
        return vmsDir.resolve(name);
    }

    private ReentrantLock lock(String name) throws InterruptedException {
        ReentrantLock lock = locks.computeIfAbsent(name, n -> new ReentrantLock());
        lock.lockInterruptibly();
        return lock;
    }

    private VmRecord existing(String name) throws VmException {
        VmRecord record = record(name);
        if (record == null) {
            throw new VmException("no VM '" + name + "' on this node: create it first");
        }
        return record;
    }

    private VmRecord record(String name) {
        String text = cache.workload(KIND, name);
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, VmRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("node cache: the record of VM " + name + " is not readable: "
                    + e.getOriginalMessage(), e);
        }
    }

    private void put(String name, VmRecord record) {
        try {
            cache.putWorkload(KIND, name, json.writeValueAsString(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the record of VM " + name, e);
        }
    }

    private static void deleteTree(Path dir) throws VmException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new VmException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
