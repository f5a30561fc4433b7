package io.director.client.driver.jail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.director.client.driver.CommandRunner;
import io.director.client.driver.SupervisedWorkload;
import io.director.client.exec.ProcessRunner;
import io.director.dsl.verb.JailVerb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Jails through FreeBSD's own {@code jail(8)}, {@code jexec(8)} and {@code jls(8)}; every host
 * change is a command line run through a {@link CommandRunner}, so tests check the exact lines.
 *
 * <ul>
 *   <li>create: the root is {@code --root} or a copy of the template directory
 *       {@code CACHE/templates/T} ({@code cp -a T CACHE/jails/NAME/root}); the spec is recorded like
 *       the Linux driver's ({@link JailRecords}, kind {@code jail}).</li>
 *   <li>start: each {@code --mount} as {@code mount -t nullfs [-o ro] SRC ROOT/DST}, then
 *       {@code jail -i -c name=NAME path=ROOT host.hostname=H persist mount.devfs exec.clean
 *       exec.consolelog=CACHE/jails/NAME/console.log} plus {@code ip4=inherit ip6=inherit}
 *       ({@code --network host}) or {@code vnet} ({@code none}: a network stack of its own with
 *       only {@code lo0}), plus {@code exec.start=…} running the start command in the background
 *       when one is given ({@code persist} keeps the jail without any process otherwise).
 *       Limits: {@code rctl -a jail:NAME:memoryuse:deny=BYTES} and
 *       {@code rctl -a jail:NAME:pcpu:deny=PERCENT} (needs {@code kern.racct.enable=1}; when rctl
 *       refuses, the jail runs unlimited and its status says {@code limits_enforced: false}).</li>
 *   <li>exec: {@code jexec -l NAME [env K=V…] COMMAND…} (clean environment).</li>
 *   <li>stop: {@code jail -r name=NAME stop.timeout=S} (jail(8) sends SIGTERM, SIGKILL after S),
 *       then {@code umount} of the nullfs mounts, deepest first, and {@code rctl -r jail:NAME}.</li>
 *   <li>destroy: stop, then {@code chflags -R noschg} and {@code rm -r -f -x} of a root it made
 *       ({@code -x}: never across a mount point).</li>
 *   <li>status/list: the record plus {@code jls --libxo json -j NAME} (running when listed).</li>
 *   <li>supervision ({@code --restart}): a jail gone from {@code jls}, or started with a command
 *       and left without processes, is removed and started again with that command.</li>
 * </ul>
 */
public final class FreeBsdJailDriver implements JailDriver {

    private static final Logger LOG = Logger.getLogger(FreeBsdJailDriver.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long COMMAND_TIMEOUT_SECONDS = 60;
    /** Grace of {@code jail -r} for a jail whose command ended: nothing is left in it to stop. */
    private static final long REMOVE_TIMEOUT_SECONDS = 10;
    /** What the record's {@code cgroup} field holds when the limits were placed with rctl. */
    static final String RCTL = "rctl";

    private final Path jails;
    private final Path templates;
    private final JailRecords records;
    private final CommandRunner runner;
    private final JailCommands commands;

    FreeBsdJailDriver(Path cachePath, JailRecords records, CommandRunner runner) {
        this.jails = cachePath.resolve("jails");
        this.templates = cachePath.resolve("templates");
        this.records = Objects.requireNonNull(records, "records");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.commands = new JailCommands(runner, records);
    }

    @Override
    public String name() {
        return "freebsd-jail";
    }

    @Override
    public synchronized boolean create(String name, JailSpec spec) throws JailException {
        if (JailRecordsSupport.unchanged(records, name, spec)) {
            return false;
        }
        if (spec.root() != null) {
            if (!Files.isDirectory(Path.of(spec.root()))) {
                throw new JailException("--root '" + spec.root() + "' is not a directory on this node");
            }
        } else {
            Path template = templates.resolve(spec.template());
            if (!Files.isDirectory(template)) {
                throw new JailException("no template '" + spec.template() + "' on this node: make the directory "
                        + template + " (e.g. extract base.txz into it)");
            }
            Path root = rootOf(name, spec);
            try {
                Files.createDirectories(root.getParent());
            } catch (IOException e) {
                throw new JailException("cannot make jail '" + name + "': " + e.getMessage(), e);
            }
            if (Files.exists(root)) {
                // left by a create that did not finish: nothing records it, so it is ours to replace
                run(removeTree(root), "remove the unfinished root " + root);
            }
            run(List.of("cp", "-a", template.toString(), root.toString()), "copy template " + spec.template());
        }
        records.put(new JailRecords.Jail(name, spec, "created", null, null, null, List.of(), null, 0));
        LOG.info(() -> "jail " + name + " created");
        return true;
    }

    @Override
    public synchronized boolean start(String name, List<String> command) throws JailException {
        JailRecords.Jail jail = commands.require(name);
        if (jid(name) != null) {
            return false;
        }
        boot(jail, command);
        LOG.info(() -> "jail " + name + " started");
        return true;
    }

    /** Mounts, {@code jail -c} and limits; the record says running (with the command) only once all is done. */
    private void boot(JailRecords.Jail jail, List<String> command) throws JailException {
        String name = jail.name();
        JailSpec spec = jail.spec();
        Path root = rootOf(name, spec);
        List<String> mounted = new ArrayList<>();
        try {
            for (String mount : spec.mounts()) {
                String[] parts = mount.split(":");
                String target = root + parts[1];
                run(List.of("mkdir", "-p", target), "make mount point " + target);
                List<String> line = new ArrayList<>(List.of("mount", "-t", "nullfs"));
                if (parts.length == 3) {
                    line.addAll(List.of("-o", "ro"));
                }
                line.addAll(List.of(parts[0], target));
                run(line, "mount " + parts[0] + " on " + target);
                mounted.add(target);
            }
            run(jailCreate(name, spec, command), "start jail '" + name + "'");
        } catch (JailException e) {
            unmount(mounted);
            throw e;
        }
        boolean limited = limit(name, spec);
        records.put(new JailRecords.Jail(name, spec, "running", null, null, null, List.of(), limited ? RCTL : null,
                jail.restarts(), command));
    }

    /** The {@code jail -c} line of a start. */
    List<String> jailCreate(String name, JailSpec spec, List<String> command) {
        List<String> line = new ArrayList<>(List.of("jail", "-i", "-c", "name=" + name, "path=" + rootOf(name, spec),
                "host.hostname=" + spec.hostname(), "persist", "mount.devfs", "exec.clean",
                "exec.consolelog=" + jails.resolve(name).resolve("console.log")));
        if (spec.network().equals("host")) {
            line.addAll(List.of("ip4=inherit", "ip6=inherit"));
        } else {
            line.add("vnet");
        }
        if (!command.isEmpty()) {
            StringBuilder start = new StringBuilder("exec.start=");
            if (!spec.network().equals("host")) {
                start.append("/sbin/ifconfig lo0 up; ");
            }
            start.append("/usr/bin/env");
            for (String pair : spec.env()) {
                start.append(' ').append(quote(pair));
            }
            for (String word : command) {
                start.append(' ').append(quote(word));
            }
            line.add(start.append(" </dev/null &").toString());
        }
        return line;
    }

    /** Places the asked limits with rctl; false (and a warning) when none were asked or rctl refused. */
    private boolean limit(String name, JailSpec spec) {
        List<List<String>> rules = new ArrayList<>();
        if (spec.memory() != null) {
            rules.add(List.of("rctl", "-a", "jail:" + name + ":memoryuse:deny=" + JailVerb.parseSize(spec.memory())));
        }
        if (spec.cpus() != null) {
            rules.add(List.of("rctl", "-a", "jail:" + name + ":pcpu:deny=" + Math.round(spec.cpus() * 100)));
        }
        if (rules.isEmpty()) {
            return false;
        }
        for (List<String> rule : rules) {
            try {
                run(rule, "limit jail '" + name + "'");
            } catch (JailException e) {
                LOG.warning(() -> "jail " + name + " runs without its limits: " + e.getMessage()
                        + " (rctl needs kern.racct.enable=1 in /boot/loader.conf)");
                return false;
            }
        }
        return true;
    }

    @Override
    public ProcessRunner.Outcome exec(String name, List<String> command, long timeoutSeconds, int outputCap)
            throws JailException, InterruptedException {
        JailRecords.Jail jail = commands.require(name);
        if (jid(name) == null) {
            throw new JailException("jail '" + name + "' is not running: start it first");
        }
        List<String> line = new ArrayList<>(List.of("jexec", "-l", name));
        if (!jail.spec().env().isEmpty()) {
            line.add("env");
            line.addAll(jail.spec().env());
        }
        line.addAll(command);
        try {
            return runner.run(line, timeoutSeconds, outputCap);
        } catch (IOException e) {
            throw new JailException("cannot run the command in jail '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized boolean stop(String name, Duration grace) throws JailException {
        JailRecords.Jail jail = commands.require(name);
        boolean running = jid(name) != null;
        if (running) {
            commands.run(List.of("jail", "-r", "name=" + name, "stop.timeout=" + grace.toSeconds()), "stop jail '" + name + "'",
                    grace.toSeconds() + COMMAND_TIMEOUT_SECONDS);
        }
        if (running || jail.state().equals("running")) {
            release(jail);
            records.put(jail.stopped());
        }
        if (running) {
            LOG.info(() -> "jail " + name + " stopped");
        }
        return running;
    }

    @Override
    public synchronized boolean destroy(String name, boolean force, Duration grace) throws JailException {
        JailRecords.Jail jail = records.find(name);
        if (jail == null) {
            return false;
        }
        if (jid(name) != null) {
            if (!force) {
                throw new JailException("jail '" + name + "' is running: stop it first, or destroy it with --force");
            }
        }
        stop(name, grace);
        if (jail.spec().template() != null) {
            Path root = rootOf(name, jail.spec());
            run(List.of("chflags", "-R", "noschg", root.toString()), "clear the flags under " + root);
            run(removeTree(jails.resolve(name)), "remove " + jails.resolve(name));
        }
        records.delete(name);
        LOG.info(() -> "jail " + name + " destroyed");
        return true;
    }

    @Override
    public synchronized JailStatus status(String name) throws JailException {
        return statusOf(commands.require(name));
    }

    @Override
    public synchronized List<JailStatus> list() throws JailException {
        List<JailStatus> all = new ArrayList<>();
        for (JailRecords.Jail jail : records.all()) {
            all.add(statusOf(jail));
        }
        return all;
    }

    /**
     * Jails still listed by {@code jls} are left as they are; a jail recorded as running that is
     * gone is left to supervision when it has a restart policy, else recorded as stopped; then
     * {@code --autostart} jails that are not running are started (with the default init).
     */
    @Override
    public synchronized void recover() {
        for (JailRecords.Jail jail : records.all()) {
            try {
                if (jid(jail.name()) != null) {
                    continue;
                }
                if (jail.state().equals("running") && !jail.spec().restart().equals("no")) {
                    LOG.info(() -> "jail " + jail.name() + " ended while the client was not running: left to supervision");
                    continue;
                }
                if (jail.state().equals("running")) {
                    release(jail);
                    records.put(jail.stopped());
                }
                if (jail.spec().autostart()) {
                    start(jail.name(), List.of());
                }
            } catch (JailException e) {
                LOG.warning(() -> "jail " + jail.name() + ": recovery or autostart failed: " + e.getMessage());
            }
        }
    }

    /**
     * Jails with a restart policy recorded as running. One is gone when {@code jls} no longer lists
     * it, or when it was started with a command and no process is left in it ({@code pgrep -j JID}
     * finds none): this driver starts nothing else in a jail (no rc, {@code exec.clean}), so an
     * empty jail is one whose command ended. Its exit status is not known here, so every end counts
     * as a failure.
     */
    @Override
    public synchronized List<SupervisedWorkload> supervised() throws JailException {
        List<SupervisedWorkload> supervised = new ArrayList<>();
        for (JailRecords.Jail jail : records.all()) {
            if (jail.state().equals("running") && !jail.spec().restart().equals("no")) {
                boolean gone = gone(jail, jid(jail.name()));
                supervised.add(new SupervisedWorkload(jail.name(), jail.spec().restart(), gone, gone));
            }
        }
        return supervised;
    }

    /**
     * Removes what is left of a gone jail (the empty jail itself, its nullfs mounts, its rctl rules)
     * and starts it again with the command of its last start, counting the restart. A jail stopped
     * meanwhile is recorded as stopped and is left alone.
     */
    @Override
    public synchronized boolean restartGone(String name) throws JailException {
        JailRecords.Jail jail = records.find(name);
        if (jail == null || !jail.state().equals("running")) {
            return false;
        }
        Integer jid = jid(name);
        if (!gone(jail, jid)) {
            return false;
        }
        if (jid != null) {
            run(List.of("jail", "-r", "name=" + name, "stop.timeout=" + REMOVE_TIMEOUT_SECONDS),
                    "remove the empty jail '" + name + "'");
        }
        release(jail);
        // on failure the record still says running: the supervisor tries again after its backoff
        boot(jail.restarted(), jail.command());
        return true;
    }

    /** Whether the jail's init is gone: not listed by jls, or started with a command and now empty. */
    private boolean gone(JailRecords.Jail jail, Integer jid) throws JailException {
        if (jid == null) {
            return true;
        }
        if (jail.command().isEmpty()) {
            return false;  // a persist jail with the default init lives until it is removed
        }
        // pgrep exits 1 when nothing matched; any other failure is not taken as an end
        return commands.call(List.of("pgrep", "-j", jid.toString()), COMMAND_TIMEOUT_SECONDS).exitCode() == 1;
    }

    /** Undoes the host side of a start: nullfs mounts and rctl rules (after a crash or reboot they may be gone). */
    private void release(JailRecords.Jail jail) {
        unmount(jail.spec().mounts().stream().map(m -> rootOf(jail.name(), jail.spec()) + m.split(":")[1]).toList());
        if (jail.cgroup() != null) {
            quietly(List.of("rctl", "-r", "jail:" + jail.name()));
        }
    }

    private JailStatus statusOf(JailRecords.Jail jail) throws JailException {
        if (jid(jail.name()) != null) {
            return new JailStatus(jail.name(), "running", null, jail.spec(), RCTL.equals(jail.cgroup()), jail.cgroup(),
                    jail.restarts());
        }
        String state = jail.state().equals("created") ? "created" : "stopped";
        return new JailStatus(jail.name(), state, null, jail.spec(), false, null, jail.restarts());
    }

    /** The jail's jid when the kernel has it ({@code jls --libxo json -j NAME}), else null. */
    Integer jid(String name) throws JailException {
        ProcessRunner.Outcome outcome = commands.call(List.of("jls", "--libxo", "json", "-j", name), COMMAND_TIMEOUT_SECONDS);
        if (outcome.exitCode() != 0) {
            return null;  // jls: jail "NAME" not found
        }
        return parseJid(outcome.stdout(), name);
    }

    /** The jid of the named jail in {@code jls --libxo json} output, or null when it is not listed. */
    static Integer parseJid(String json, String name) throws JailException {
        try {
            JsonNode jails = JSON.readTree(json).path("jail-information").path("jail");
            for (JsonNode jail : jails) {
                if (!jail.has("name") || name.equals(jail.path("name").asText())) {
                    return jail.path("jid").asInt();
                }
            }
            return null;
        } catch (IOException e) {
            throw new JailException("cannot read the output of jls: " + e.getMessage(), e);
        }
    }

    private Path rootOf(String name, JailSpec spec) {
        return spec.root() != null ? Path.of(spec.root()) : jails.resolve(name).resolve("root");
    }

    private static List<String> removeTree(Path dir) {
        return List.of("rm", "-r", "-f", "-x", dir.toString());
    }

    private void unmount(List<String> targets) {
        targets.stream().sorted(Comparator.comparingInt(String::length).reversed())
                .forEach(target -> quietly(List.of("umount", target)));
    }

    private void quietly(List<String> command) {
        try {
            ProcessRunner.Outcome outcome = commands.call(command, COMMAND_TIMEOUT_SECONDS);
            if (outcome.exitCode() != 0) {
                LOG.fine(() -> String.join(" ", command) + ": " + outcome.stderr().strip());
            }
        } catch (JailException e) {
            LOG.fine(() -> String.join(" ", command) + ": " + e.getMessage());
        }
    }

    private void run(List<String> command, String what) throws JailException {
        commands.run(command, what, COMMAND_TIMEOUT_SECONDS);
    }

    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
