package io.director.client.driver.jail;

import io.director.client.driver.CommandRunner;
import io.director.client.driver.SupervisedWorkload;
import io.director.client.exec.ProcessRunner;
import io.director.dsl.verb.JailVerb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Jails through AppJail ({@code appjail}, picked on FreeBSD when it is on the PATH). AppJail keeps
 * each jail's root under its own {@code JAILDIR}, so {@code --root} and a template directory are
 * both copied into an empty jail ({@code type=empty copydir=DIR}); the spec is recorded like the
 * other drivers'.
 *
 * <ul>
 *   <li>create: {@code appjail quick NAME type=empty copydir=DIR mount_devfs [ip4_inherit
 *       ip6_inherit] [fstab="SRC DST nullfs rw|ro"…] [limits="memoryuse:deny=BYTES"]
 *       [limits="pcpu:deny=PERCENT"]} (no {@code start}: created, not started).</li>
 *   <li>start: {@code appjail start NAME}, then the command, if any, detached inside it with
 *       {@code appjail cmd jexec NAME /usr/sbin/daemon -f [env K=V…] COMMAND…}.</li>
 *   <li>exec: {@code appjail cmd jexec NAME [env K=V…] COMMAND…}.</li>
 *   <li>stop: {@code appjail stop NAME} (AppJail's template decides the stop timeout: the grace
 *       only bounds how long the driver waits).</li>
 *   <li>destroy: stop, then {@code appjail jail destroy NAME}.</li>
 *   <li>running means {@code jls --libxo json -j NAME} lists it, as with jail(8).</li>
 *   <li>supervision ({@code --restart}): a jail gone from {@code jls} is started again as it was
 *       last started.</li>
 * </ul>
 */
public final class AppJailDriver implements JailDriver {

    private static final Logger LOG = Logger.getLogger(AppJailDriver.class.getName());
    private static final long COMMAND_TIMEOUT_SECONDS = 600;  // quick may copy a whole root

    private final Path templates;
    private final JailRecords records;
    private final CommandRunner runner;
    private final JailCommands commands;

    AppJailDriver(Path cachePath, JailRecords records, CommandRunner runner) {
        this.templates = cachePath.resolve("templates");
        this.records = Objects.requireNonNull(records, "records");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.commands = new JailCommands(runner, records);
    }

    @Override
    public String name() {
        return "appjail";
    }

    @Override
    public synchronized boolean create(String name, JailSpec spec) throws JailException {
        if (JailRecordsSupport.unchanged(records, name, spec)) {
            return false;
        }
        Path source = spec.root() != null ? Path.of(spec.root()) : templates.resolve(spec.template());
        if (!Files.isDirectory(source)) {
            throw new JailException(spec.root() != null
                    ? "--root '" + spec.root() + "' is not a directory on this node"
                    : "no template '" + spec.template() + "' on this node: make the directory " + source);
        }
        List<String> line = new ArrayList<>(List.of("appjail", "quick", name, "type=empty", "copydir=" + source,
                "mount_devfs"));
        if (spec.network().equals("host")) {
            line.addAll(List.of("ip4_inherit", "ip6_inherit"));
        }
        for (String mount : spec.mounts()) {
            String[] parts = mount.split(":");
            line.add("fstab=\"" + parts[0] + " " + parts[1] + " nullfs " + (parts.length == 3 ? "ro" : "rw") + "\"");
        }
        if (spec.memory() != null) {
            line.add("limits=\"memoryuse:deny=" + JailVerb.parseSize(spec.memory()) + "\"");
        }
        if (spec.cpus() != null) {
            line.add("limits=\"pcpu:deny=" + Math.round(spec.cpus() * 100) + "\"");
        }
        commands.run(line, "create jail '" + name + "'", COMMAND_TIMEOUT_SECONDS);
        records.put(new JailRecords.Jail(name, spec, "created", null, null, null, List.of(),
                spec.memory() != null || spec.cpus() != null ? FreeBsdJailDriver.RCTL : null, 0));
        LOG.info(() -> "jail " + name + " created with AppJail");
        return true;
    }

    @Override
    public synchronized boolean start(String name, List<String> command) throws JailException {
        JailRecords.Jail jail = commands.require(name);
        if (running(name)) {
            return false;
        }
        boot(jail, command);
        return true;
    }

    /** {@code appjail start} and the command; the record says running (with the command) once both are done. */
    private void boot(JailRecords.Jail jail, List<String> command) throws JailException {
        String name = jail.name();
        commands.run(List.of("appjail", "start", name), "start jail '" + name + "'", COMMAND_TIMEOUT_SECONDS);
        if (!command.isEmpty()) {
            List<String> line = new ArrayList<>(List.of("appjail", "cmd", "jexec", name, "/usr/sbin/daemon", "-f"));
            line.addAll(withEnv(jail.spec(), command));
            commands.run(line, "start the command of jail '" + name + "'", 60);
        }
        records.put(new JailRecords.Jail(name, jail.spec(), "running", null, null, null, List.of(), jail.cgroup(),
                jail.restarts(), command));
    }

    @Override
    public ProcessRunner.Outcome exec(String name, List<String> command, long timeoutSeconds, int outputCap)
            throws JailException, InterruptedException {
        JailRecords.Jail jail = commands.require(name);
        if (!running(name)) {
            throw new JailException("jail '" + name + "' is not running: start it first");
        }
        List<String> line = new ArrayList<>(List.of("appjail", "cmd", "jexec", name));
        line.addAll(withEnv(jail.spec(), command));
        try {
            return runner.run(line, timeoutSeconds, outputCap);
        } catch (IOException e) {
            throw new JailException("cannot run the command in jail '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized boolean stop(String name, Duration grace) throws JailException {
        JailRecords.Jail jail = commands.require(name);
        if (!running(name)) {
            if (jail.state().equals("running")) {
                records.put(jail.stopped());
            }
            return false;
        }
        commands.run(List.of("appjail", "stop", name), "stop jail '" + name + "'", grace.toSeconds() + 60);
        records.put(jail.stopped());
        return true;
    }

    @Override
    public synchronized boolean destroy(String name, boolean force, Duration grace) throws JailException {
        JailRecords.Jail jail = records.find(name);
        if (jail == null) {
            return false;
        }
        if (running(name) && !force) {
            throw new JailException("jail '" + name + "' is running: stop it first, or destroy it with --force");
        }
        stop(name, grace);
        commands.run(List.of("appjail", "jail", "destroy", name), "destroy jail '" + name + "'", COMMAND_TIMEOUT_SECONDS);
        records.delete(name);
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
                if (running(jail.name())) {
                    continue;
                }
                if (jail.state().equals("running") && !jail.spec().restart().equals("no")) {
                    LOG.info(() -> "jail " + jail.name() + " ended while the client was not running: left to supervision");
                    continue;
                }
                if (jail.state().equals("running")) {
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
     * Jails with a restart policy recorded as running; one is gone when {@code jls} no longer lists
     * it. An AppJail jail runs its own services (its rc), so a command that ended inside a jail that
     * still runs is not seen. The exit status is not known here: every end counts as a failure.
     */
    @Override
    public synchronized List<SupervisedWorkload> supervised() throws JailException {
        List<SupervisedWorkload> supervised = new ArrayList<>();
        for (JailRecords.Jail jail : records.all()) {
            if (jail.state().equals("running") && !jail.spec().restart().equals("no")) {
                boolean gone = !running(jail.name());
                supervised.add(new SupervisedWorkload(jail.name(), jail.spec().restart(), gone, gone));
            }
        }
        return supervised;
    }

    /**
     * Starts a gone jail again with the command of its last start, counting the restart; a jail
     * stopped meanwhile is recorded as stopped and is left alone.
     */
    @Override
    public synchronized boolean restartGone(String name) throws JailException {
        JailRecords.Jail jail = records.find(name);
        if (jail == null || !jail.state().equals("running") || running(name)) {
            return false;
        }
        // on failure the record still says running: the supervisor tries again after its backoff
        boot(jail.restarted(), jail.command());
        return true;
    }

    private JailStatus statusOf(JailRecords.Jail jail) throws JailException {
        if (running(jail.name())) {
            return new JailStatus(jail.name(), "running", null, jail.spec(), jail.cgroup() != null, jail.cgroup(),
                    jail.restarts());
        }
        return new JailStatus(jail.name(), jail.state().equals("created") ? "created" : "stopped", null, jail.spec(),
                false, null, jail.restarts());
    }

    private static List<String> withEnv(JailSpec spec, List<String> command) {
        List<String> line = new ArrayList<>();
        if (!spec.env().isEmpty()) {
            line.add("env");
            line.addAll(spec.env());
        }
        line.addAll(command);
        return line;
    }

    private boolean running(String name) throws JailException {
        ProcessRunner.Outcome outcome = commands.call(List.of("jls", "--libxo", "json", "-j", name), 60);
        return outcome.exitCode() == 0 && FreeBsdJailDriver.parseJid(outcome.stdout(), name) != null;
    }
}
