package io.director.client.driver.jail;

import io.director.client.driver.SupervisedWorkload;
import io.director.client.exec.ProcessRunner;
import io.director.dsl.verb.JailVerb;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Jails from Linux namespaces: each runs under {@code unshare --fork --pid --mount --uts --ipc
 * [--net]} in a session of its own (so it outlives the client daemon), with a private root
 * ({@code chroot} into it inside the new mount namespace), its bind mounts (read-only ones
 * remounted so), a fresh {@code /proc}, its host name, and as init a {@code /bin/sh} that ends
 * on SIGTERM (and passes it on to the start command, if one was given). {@code exec} enters it
 * with {@code nsenter --all --root --wd}. Limits go through {@link JailCgroups}.
 *
 * <p>Layout under the cache path: {@code jails/NAME/root} (the root made from a template),
 * {@code jails/NAME/console.log} (the init's output), {@code templates/TEMPLATE} (a template is
 * a directory; {@code busybox} is made on first use from the host's busybox-static).
 */
public final class LinuxJailDriver implements JailDriver {

    private static final Logger LOG = Logger.getLogger(LinuxJailDriver.class.getName());
    static final String BUSYBOX = "busybox";
    private static final Duration READY_WITHIN = Duration.ofSeconds(10);
    private static final Duration KILL_WITHIN = Duration.ofSeconds(5);
    private static final String PATH = "PATH=/bin:/sbin:/usr/bin:/usr/sbin";

    private final Path jails;
    private final Path templates;
    private final JailRecords records;
    private final ProcessRunner processes;
    private final JailCgroups cgroups = JailCgroups.system();
    /** The {@code unshare} process of each jail started by this driver instance, whose exit status is the init's. */
    private final Map<String, Process> inits = new HashMap<>();

    LinuxJailDriver(Path cachePath, JailRecords records, ProcessRunner processes) {
        this.jails = cachePath.resolve("jails");
        this.templates = cachePath.resolve("templates");
        this.records = Objects.requireNonNull(records, "records");
        this.processes = Objects.requireNonNull(processes, "processes");
    }

    @Override
    public String name() {
        return "linux-namespaces";
    }

    @Override
    public synchronized boolean create(String name, JailSpec spec) throws JailException {
        JailRecords.Jail existing = records.find(name);
        if (existing != null) {
            List<String> differences = existing.spec().differencesFrom(spec);
            if (differences.isEmpty()) {
                return false;
            }
            throw new JailException("jail '" + name + "' exists with a different spec: " + String.join("; ", differences)
                    + " (destroy it first to change it)");
        }
        Path dir = jails.resolve(name);
        try {
            if (spec.root() != null) {
                if (!Files.isDirectory(Path.of(spec.root()))) {
                    throw new JailException("--root '" + spec.root() + "' is not a directory on this node");
                }
                Files.createDirectories(dir);
            } else {
                Path template = template(spec.template());
                Path root = dir.resolve("root");
                if (Files.exists(root)) {
                    // left by a create that did not finish: nothing records it, so it is ours to replace
                    deleteTree(root);
                }
                Files.createDirectories(dir);
                run(List.of("cp", "-a", template.toString(), root.toString()), "copy template " + spec.template());
            }
        } catch (IOException e) {
            throw new JailException("cannot make jail '" + name + "': " + e.getMessage(), e);
        }
        records.put(new JailRecords.Jail(name, spec, "created", null, null, null, List.of(), null, 0, List.of()));
        LOG.info(() -> "jail " + name + " created");
        return true;
    }

    @Override
    public synchronized boolean start(String name, List<String> command) throws JailException {
        JailRecords.Jail jail = require(name);
        if (alive(jail)) {
            return false;
        }
        return boot(jail, command);
    }

    private boolean boot(JailRecords.Jail jail, List<String> command) throws JailException {
        String name = jail.name();
        JailSpec spec = jail.spec();
        Path root = rootOf(jail).toAbsolutePath().normalize();
        if (!Files.exists(root.resolve("bin/sh"), LinkOption.NOFOLLOW_LINKS)) {
            throw new JailException("jail '" + name + "' has no /bin/sh in its root " + root + " to run as init");
        }
        for (String inside : mountPoints(spec)) {
            checkNoSymlinks(root, inside);
        }
        checkNoSymlinks(root, "/proc");
        Long memory = spec.memory() == null ? null : JailVerb.parseSize(spec.memory());
        JailCgroups.Placement placement = cgroups.create(name, memory, spec.cpus());

        List<String> unshare = new ArrayList<>(List.of("setsid", "unshare", "--fork", "--pid", "--mount", "--uts",
                "--ipc"));
        if (!spec.network().equals("host")) {
            unshare.add("--net");
        }
        unshare.addAll(List.of("--propagation", "private", "/bin/sh", "-c",
                setupScript(root, spec, placement.directories(), command)));
        Path log = jails.resolve(name).resolve("console.log");
        Process process;
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(unshare)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            JailCgroups.remove(placement.directories());
            throw new JailException("cannot start jail '" + name + "': " + e.getMessage(), e);
        }
        long init = awaitInit(name, process, root, log);
        if (init < 0) {
            // its command ran and ended before the jail could be seen running
            JailCgroups.remove(placement.directories());
            records.put(jail.stopped());
            LOG.info(() -> "jail " + name + " started and its command ended at once");
            return true;
        }
        long startTime = ProcFs.startTime(init);
        String pidNs = ProcFs.pidNamespace(init);
        inits.put(name, process);
        records.put(jail.running(init, startTime, pidNs, placement.directories().stream().map(Path::toString).toList(),
                placement.version(), command));
        LOG.info(() -> "jail " + name + " started, init pid " + init);
        return true;
    }

    @Override
    public ProcessRunner.Outcome exec(String name, List<String> command, long timeoutSeconds, int outputCap)
            throws JailException, InterruptedException {
        JailRecords.Jail jail = require(name);
        if (!alive(jail)) {
            throw new JailException("jail '" + name + "' is not running: start it first");
        }
        List<String> full = new ArrayList<>(List.of("/bin/sh", "-c",
                "for g in $JAIL_CGROUPS; do echo $$ > \"$g/cgroup.procs\"; done; exec \"$@\"", "jail-exec"));
        full.addAll(List.of("env", "-i", PATH, "HOME=/root", "HOSTNAME=" + jail.spec().hostname()));
        full.addAll(jail.spec().env());
        full.addAll(List.of("nsenter", "--target", Long.toString(jail.pid()), "--all", "--root", "--wd", "--"));
        full.addAll(command);
        try {
            return processes.run(full, Map.of("JAIL_CGROUPS", String.join(" ", jail.cgroups())), null, timeoutSeconds,
                    outputCap);
        } catch (IOException e) {
            throw new JailException("cannot run the command in jail '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized boolean stop(String name, Duration grace) throws JailException, InterruptedException {
        JailRecords.Jail jail = require(name);
        if (!alive(jail)) {
            if (jail.state().equals("running")) {
                records.put(jail.stopped());
            }
            return false;
        }
        ProcessHandle init = ProcessHandle.of(jail.pid()).orElse(null);
        if (init != null) {
            init.destroy();
            if (!ProcFs.awaitGone(jail.pid(), jail.startTime(), grace)) {
                LOG.info(() -> "jail " + name + " did not stop within " + grace.toSeconds() + " s: killing it");
                init.destroyForcibly();
            }
        }
        if (!ProcFs.awaitGone(jail.pid(), jail.startTime(), KILL_WITHIN)
                || !ProcFs.awaitNamespaceEmpty(jail.pidNs(), KILL_WITHIN)) {
            throw new JailException("jail '" + name + "' still has processes after SIGKILL");
        }
        JailCgroups.remove(jail.cgroups().stream().map(Path::of).toList());
        records.put(jail.stopped());
        inits.remove(name);
        LOG.info(() -> "jail " + name + " stopped");
        return true;
    }

    @Override
    public synchronized boolean destroy(String name, boolean force, Duration grace)
            throws JailException, InterruptedException {
        JailRecords.Jail jail = records.find(name);
        if (jail == null) {
            return false;
        }
        if (alive(jail)) {
            if (!force) {
                throw new JailException("jail '" + name + "' is running: stop it first, or destroy it with --force");
            }
            stop(name, grace);
        }
        Path dir = jails.resolve(name);
        try {
            unmountUnder(dir);
            if (Files.exists(dir)) {
                deleteTree(dir);
            }
        } catch (IOException e) {
            throw new JailException("cannot remove jail '" + name + "': " + e.getMessage(), e);
        }
        records.delete(name);
        LOG.info(() -> "jail " + name + " destroyed");
        return true;
    }

    @Override
    public synchronized JailStatus status(String name) throws JailException {
        return statusOf(require(name));
    }

    @Override
    public synchronized List<JailStatus> list() {
        return records.all().stream().map(this::statusOf).toList();
    }

    @Override
    public synchronized void recover() {
        for (JailRecords.Jail jail : records.all()) {
            if (alive(jail)) {
                LOG.info(() -> "jail " + jail.name() + " re-adopted, init pid " + jail.pid());
                continue;
            }
            if (jail.state().equals("running") && !jail.spec().restart().equals("no")) {
                LOG.info(() -> "jail " + jail.name() + " ended while the client was not running: left to supervision");
                continue;
            }
            if (jail.state().equals("running")) {
                records.put(jail.stopped());
                JailCgroups.remove(jail.cgroups().stream().map(Path::of).toList());
            }
            if (jail.spec().autostart()) {
                try {
                    start(jail.name(), List.of());
                } catch (JailException e) {
                    LOG.warning(() -> "jail " + jail.name() + ": autostart failed: " + e.getMessage());
                }
            }
        }
    }

    /**
     * Jails with a restart policy recorded as running. An init that is gone failed when it exited
     * non-zero or was killed (its {@code unshare} parent reports that, for jails this driver
     * instance started); for a jail adopted from an earlier client daemon the status cannot be
     * known, and its end counts as a failure.
     */
    @Override
    public synchronized List<SupervisedWorkload> supervised() {
        List<SupervisedWorkload> supervised = new ArrayList<>();
        for (JailRecords.Jail jail : records.all()) {
            if (!jail.state().equals("running") || jail.spec().restart().equals("no")) {
                continue;
            }
            supervised.add(supervision(jail));
        }
        return supervised;
    }

    private SupervisedWorkload supervision(JailRecords.Jail jail) {
        Process parent = inits.get(jail.name());
        // unshare may not have collected the init's status yet: it is gone on a later round
        boolean gone = !alive(jail) && (parent == null || !parent.isAlive());
        boolean failed = gone && (parent == null || parent.exitValue() != 0);
        return new SupervisedWorkload(jail.name(), jail.spec().restart(), gone, failed);
    }

    /**
     * Whether a jail recorded as running whose init is gone is left for the supervisor to start
     * again, so its record must keep saying running.
     */
    private boolean awaitsRestart(JailRecords.Jail jail) {
        if (jail.spec().restart().equals("no")) {
            return false;
        }
        SupervisedWorkload workload = supervision(jail);
        return !workload.gone() || workload.wantsRestart();
    }

    @Override
    public synchronized boolean restartGone(String name) throws JailException {
        JailRecords.Jail jail = records.find(name);
        if (jail == null || !jail.state().equals("running") || alive(jail)) {
            return false;
        }
        JailCgroups.remove(jail.cgroups().stream().map(Path::of).toList());
        inits.remove(name);
        JailRecords.Jail restarted = jail.stopped().restarted();
        try {
            boot(restarted, restarted.command());
        } catch (JailException e) {
            records.put(jail);  // still meant to run: the supervisor tries again after its backoff
            throw e;
        }
        return true;
    }

    private JailStatus statusOf(JailRecords.Jail jail) {
        if (alive(jail)) {
            boolean enforced = jail.cgroup() != null
                    && cgroups.contains(jail.pid(), jail.cgroups().stream().map(Path::of).toList());
            return new JailStatus(jail.name(), "running", jail.pid(), jail.spec(), enforced, jail.cgroup(),
                    jail.restarts());
        }
        String state = jail.state().equals("created") ? "created" : "stopped";
        if (jail.state().equals("running") && !awaitsRestart(jail)) {
            // its init ended on its own: the record catches up
            records.put(jail.stopped());
            JailCgroups.remove(jail.cgroups().stream().map(Path::of).toList());
        }
        return new JailStatus(jail.name(), state, null, jail.spec(), false, null, jail.restarts());
    }

    private JailRecords.Jail require(String name) throws JailException {
        JailRecords.Jail jail = records.find(name);
        if (jail == null) {
            throw new JailException("no jail '" + name + "' on this node: create it first");
        }
        return jail;
    }

    /** Whether the recorded init still runs: same pid, same start time (a reused pid is not the jail). */
    private static boolean alive(JailRecords.Jail jail) {
        return jail.state().equals("running") && jail.pid() != null
                && ProcFs.isSameProcess(jail.pid(), jail.startTime());
    }

    Path rootOf(JailRecords.Jail jail) {
        return jail.spec().root() != null ? Path.of(jail.spec().root()) : jails.resolve(jail.name()).resolve("root");
    }

    /**
     * The script run as the new namespaces' PID 1 on the host's /bin/sh: join the cgroups (the
     * jail's processes all start below it), make mounts private, bind the mounts, mount a fresh
     * /proc, set the host name, then become the jail's init inside the root with a clean
     * environment.
     */
    private static String setupScript(Path root, JailSpec spec, List<Path> cgroupDirs, List<String> command) {
        StringBuilder s = new StringBuilder("set -e\n");
        for (Path dir : cgroupDirs) {
            s.append("echo $$ > ").append(quote(dir.resolve("cgroup.procs").toString())).append('\n');
        }
        s.append("mount --make-rprivate /\n");
        for (String mount : spec.mounts()) {
            String[] parts = mount.split(":");
            String target = quote(root + parts[1]);
            s.append("mkdir -p ").append(target).append('\n');
            s.append("mount --bind ").append(quote(parts[0])).append(' ').append(target).append('\n');
            if (parts.length == 3) {
                s.append("mount -o remount,bind,ro ").append(target).append('\n');
            }
        }
        s.append("mkdir -p ").append(quote(root + "/proc")).append('\n');
        s.append("mount -t proc proc ").append(quote(root + "/proc")).append('\n');
        s.append("echo ").append(quote(spec.hostname())).append(" > /proc/sys/kernel/hostname\n");
        s.append("exec env -i ").append(PATH).append(" HOME=/root HOSTNAME=").append(quote(spec.hostname()));
        for (String pair : spec.env()) {
            s.append(' ').append(quote(pair));
        }
        s.append(" chroot ").append(quote(root.toString())).append(" /bin/sh -c ");
        String lo = spec.network().equals("host") ? "" : "ip link set lo up 2>/dev/null || true; ";
        String init = command.isEmpty()
                ? lo + "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"
                : lo + "trap 'kill -TERM $child 2>/dev/null; wait $child; exit 143' TERM INT; "
                        + "\"$@\" & child=$!; wait $child";
        s.append(quote(init)).append(" jail-init");
        for (String word : command) {
            s.append(' ').append(quote(word));
        }
        return s.append('\n').toString();
    }

    /**
     * Waits until unshare's child (the jail's PID 1) has entered the root; returns its host pid,
     * or -1 when the jail already ended successfully (a start command that finished at once).
     */
    private static long awaitInit(String name, Process process, Path root, Path log) throws JailException {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            for (ProcessHandle child : process.toHandle().children().toList()) {
                if (root.equals(ProcFs.root(child.pid()))) {
                    return child.pid();
                }
            }
            if (!process.isAlive()) {
                if (process.exitValue() == 0) {
                    return -1;
                }
                throw new JailException("jail '" + name + "' failed to start (exit " + process.exitValue() + "): "
                        + lastLine(log));
            }
            ProcFs.pause();
        }
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new JailException("jail '" + name + "' did not enter its root within " + READY_WITHIN.toSeconds()
                + " s: " + lastLine(log));
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "no output";
        }
    }

    private static List<String> mountPoints(JailSpec spec) {
        return spec.mounts().stream().map(m -> m.split(":")[1]).toList();
    }

    /**
     * Refuses a mount point reached through a symbolic link inside the root: the mount is made
     * before the chroot, so a link would place it on the host instead.
     */
    private static void checkNoSymlinks(Path root, String inside) throws JailException {
        Path at = root;
        for (Path part : Path.of(inside.substring(1))) {
            at = at.resolve(part);
            if (Files.isSymbolicLink(at)) {
                throw new JailException("mount point " + inside + " goes through the symbolic link " + at
                        + " in the jail's root: refusing to mount there");
            }
        }
    }

    /** The template's directory, building {@code busybox} from the host's busybox-static on first use. */
    private Path template(String name) throws JailException, IOException {
        Path dir = templates.resolve(name);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        if (!name.equals(BUSYBOX)) {
            throw new JailException("no template '" + name + "' on this node: make the directory " + dir
                    + " or use --template busybox");
        }
        Path busybox = List.of(Path.of("/bin/busybox"), Path.of("/usr/bin/busybox")).stream()
                .filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new JailException("template busybox needs busybox-static on this node "
                        + "(apt-get install busybox-static)"));
        Files.createDirectories(templates);
        Path building = Files.createTempDirectory(templates, ".busybox-");
        try {
            Files.createDirectories(building.resolve("bin"));
            Files.copy(busybox, building.resolve("bin/busybox"));
            run(List.of("chroot", building.toString(), "/bin/busybox", "--install", "-s", "/bin"),
                    "install busybox (it must be statically linked: apt-get install busybox-static)");
            for (String sub : List.of("proc", "dev", "etc", "tmp", "root", "sbin", "usr/bin", "usr/sbin")) {
                Files.createDirectories(building.resolve(sub));
            }
            Files.writeString(building.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
            Files.writeString(building.resolve("etc/group"), "root:x:0:\n");
            Files.move(building, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            LOG.info(() -> "jail template busybox made from " + busybox);
            return dir;
        } catch (IOException | JailException e) {
            deleteTree(building);
            if (Files.isDirectory(dir)) {
                return dir;  // another queue made it meanwhile
            }
            throw e;
        }
    }

    private void run(List<String> command, String what) throws JailException {
        try {
            ProcessRunner.Outcome outcome = processes.run(command, Map.of(), null, 60, 4096);
            if (outcome.exitCode() != 0) {
                throw new JailException("cannot " + what + ": " + outcome.stderr().strip());
            }
        } catch (IOException e) {
            throw new JailException("cannot " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JailException("interrupted while trying to " + what, e);
        }
    }

    /**
     * Unmounts whatever the host has mounted below the directory (deepest first), so removing it
     * can never reach into a mounted source, then checks that nothing is left.
     */
    private void unmountUnder(Path dir) throws JailException, IOException {
        String prefix = dir.toAbsolutePath().normalize() + "/";
        List<String> points = ProcFs.mountPoints().stream().filter(p -> p.startsWith(prefix))
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        for (String point : points) {
            run(List.of("umount", point), "unmount " + point);
        }
        List<String> left = ProcFs.mountPoints().stream().filter(p -> p.startsWith(prefix)).toList();
        if (!left.isEmpty()) {
            throw new JailException("still mounted under " + dir + ": " + String.join(", ", left));
        }
    }

    /**
     * Deletes a tree without following symbolic links and without entering another file system
     * (a mount this driver did not see): such a directory stops the removal with an error.
     */
    private static void deleteTree(Path top) throws IOException {
        Object device = Files.getAttribute(top, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!device.equals(Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
                    throw new IOException(dir + " is another file system (a mount?): not removing it");
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
