package io.director.bench;

import io.director.bench.cluster.BenchCluster;
import io.director.bench.cluster.ProcessFigures;
import io.director.server.api.ApiRequest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code bench footprint}: idle RSS of a client and a server, the server's idle CPU, the CLI's round trip. */
@Command(name = "footprint", mixinStandardHelpOptions = true,
        description = {"Footprint: a real server and one client started by bin/director, left idle; their "
                + "resident memory and the server's CPU; the median wall time of 'director manage --list-nodes'. "
                + "Baselines of the same run: an idle JVM with the client's flags, 'java -version' with the CLI's."})
final class FootprintCommand implements Callable<Integer> {

    /** The client's JVM flags in bin/director, for the idle-JVM baseline. */
    private static final List<String> CLIENT_FLAGS = List.of("-Xms8m", "-Xmx64m",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-Xss512k", "-XX:MaxMetaspaceSize=64m",
            "-XX:ReservedCodeCacheSize=32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dsun.reflect.inflationThreshold=2147483647");
    /** The user commands' JVM flags in bin/director. */
    private static final List<String> CLI_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
            "-Xshare:auto", "-Dsun.reflect.inflationThreshold=2147483647");

    @Spec
    CommandSpec spec;

    @Option(names = "--idle", paramLabel = "SECONDS", defaultValue = "20",
            description = "How long the cluster idles before it is measured (default: ${DEFAULT-VALUE}).")
    double idleSeconds;

    @Option(names = "--cpu-window", paramLabel = "SECONDS", defaultValue = "10",
            description = "Window over which the idle server's CPU is measured (default: ${DEFAULT-VALUE}).")
    double cpuWindowSeconds;

    @Option(names = "--cli-runs", paramLabel = "N", defaultValue = "10",
            description = "Cold CLI invocations timed (default: ${DEFAULT-VALUE}).")
    int cliRuns;

    @Option(names = "--heartbeat", paramLabel = "SECONDS", defaultValue = "10",
            description = "Heartbeat interval of the cluster (default: ${DEFAULT-VALUE}).")
    double heartbeatSeconds;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "200",
            description = "After the idle figures, jobs run on the client ('RUN --skip-cache echo hello world'), "
                    + "which then idles again and is measured once more: a daemon that has worked (default: ${DEFAULT-VALUE}; "
                    + "0: not measured).")
    int jobs;

    @Option(names = "--output", paramLabel = "FILE", defaultValue = "bench-footprint.json",
            description = "Where the JSON results go (default: ${DEFAULT-VALUE}).")
    Path output;

    record Figures(double clientRssMib, double clientRssAfterJobsMib, boolean clientArchive, double idleJvmRssMib, double serverRssMib, double serverCpuPercent,
                   double cliMedianSeconds, double cliMaxSeconds, double cliWithoutArchiveMedianSeconds,
                   boolean cliArchiveMade, double jvmStartMedianSeconds) {
    }

    private static final int ARCHIVE_RUN_JOBS = 20;

    @Override
    public Integer call() throws Exception {
        Bench.configureLogging(false);
        PrintWriter out = spec.commandLine().getOut();
        if (jobs < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--jobs must be 0 or more, not " + jobs);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Figures figures;
        // A client's class-data archive is made from the classes an earlier run of this jar listed:
        // one run first, so the client measured runs as it will from then on. It runs a few jobs,
        // as a deployed node's first run does, so their classes are in the archive too.
        out.println("starting a client, running " + ARCHIVE_RUN_JOBS + " jobs, stopping it (its class-data archive)");
        out.flush();
        try (BenchCluster first = BenchCluster.start(1, heartbeatSeconds, true)) {
            first.runAndWait(Collections.nCopies(ARCHIVE_RUN_JOBS, new ApiRequest.JobSubmission("RUN",
                    "--skip-cache echo hello world", "bench-footprint", List.of())), 1, 300);
        }
        out.println("starting a server and a client; idling " + idleSeconds + " s");
        out.flush();
        try (BenchCluster cluster = BenchCluster.start(1, heartbeatSeconds, true)) {
            Process idle = startIdleJvm(java);
            try {
                Thread.sleep(Math.round(idleSeconds * 1000));
                double clientRss = ProcessFigures.rssMib(cluster.client("node-1").pid());
                boolean clientArchive = ProcessHandle.of(cluster.client("node-1").pid())
                        .flatMap(p -> p.info().arguments()).map(List::of).orElse(List.of()).stream()
                        .anyMatch(arg -> arg.startsWith("-XX:SharedArchiveFile="));
                double idleRss = ProcessFigures.rssMib(idle.pid());
                long serverPid = cluster.server().pid();
                double serverRss = ProcessFigures.rssMib(serverPid);
                double cpuBefore = ProcessFigures.cpuSeconds(serverPid);
                long windowStart = System.nanoTime();
                Thread.sleep(Math.round(cpuWindowSeconds * 1000));
                double cpu = ProcessFigures.cpuSeconds(serverPid) - cpuBefore;
                double window = (System.nanoTime() - windowStart) / 1e9;
                // The CLI as an operator runs it: the launcher and the jar laid out as the
                // distribution installs them (bin/, lib/), so the launcher does not first check a
                // source tree for changes as it does in a checkout.
                Path installed = install(cluster.directory().resolve("installed"));
                List<String> listNodes = List.of(installed.toString(), "manage", "--list-nodes",
                        "--socket-path", cluster.socketPath().toString());
                // The launcher's class-data archive for user commands, next to this run's jar: the
                // first command makes it in the background, the timed ones use it.
                Path archive = installed.getParent().resolveSibling("lib").resolve("director-cli.jsa");
                Map<String, String> withArchive = Map.of();
                out.println("making the CLI's class-data archive");
                out.flush();
                timed(listNodes, withArchive);
                boolean archiveMade = awaitFile(archive, 120_000);
                out.println("timing " + cliRuns + " cold CLI round trips, with the archive"
                        + (archiveMade ? "" : " (NOT made: timed without it)") + ", then without it");
                out.flush();
                double[] cli = new double[cliRuns];
                double[] plain = new double[cliRuns];
                double[] jvm = new double[cliRuns];
                for (int i = 0; i < cliRuns; i++) {
                    cli[i] = timed(listNodes, withArchive);
                    plain[i] = timed(listNodes, Map.of("DIRECTOR_CDS", "off"));
                    List<String> version = new ArrayList<>(List.of(java));
                    version.addAll(CLI_FLAGS);
                    version.add("-version");
                    jvm[i] = timed(version, Map.of());
                }
                Arrays.sort(cli);
                Arrays.sort(plain);
                Arrays.sort(jvm);
                double clientRssAfterJobs = Double.NaN;
                if (jobs > 0) {
                    out.println("running " + jobs + " jobs on the client, then idling " + idleSeconds + " s");
                    out.flush();
                    cluster.runAndWait(Collections.nCopies(jobs, new ApiRequest.JobSubmission("RUN",
                            "--skip-cache echo hello world", "bench-footprint", List.of())), 1, 300);
                    Thread.sleep(Math.round(idleSeconds * 1000));
                    clientRssAfterJobs = ProcessFigures.rssMib(cluster.client("node-1").pid());
                }
                figures = new Figures(clientRss, clientRssAfterJobs, clientArchive, idleRss, serverRss, 100 * cpu / window, cli[cliRuns / 2],
                        cli[cliRuns - 1], plain[cliRuns / 2], archiveMade, jvm[cliRuns / 2]);
            } finally {
                idle.destroyForcibly();
                idle.waitFor(10, TimeUnit.SECONDS);
            }
        }
        Table table = new Table("footprint", "measured", "baseline (same run)", "ratio");
        table.row("client idle RSS (MiB)" + (figures.clientArchive() ? "" : ", no class-data archive"),
                Results.fixed(figures.clientRssMib(), 1),
                Results.fixed(figures.idleJvmRssMib(), 1) + " (idle JVM, client flags)",
                Results.fixed(figures.clientRssMib() / figures.idleJvmRssMib(), 2));
        if (jobs > 0) {
            table.row("client idle RSS after " + jobs + " jobs (MiB)", Results.fixed(figures.clientRssAfterJobsMib(), 1),
                    Results.fixed(figures.idleJvmRssMib(), 1) + " (idle JVM, client flags)",
                    Results.fixed(figures.clientRssAfterJobsMib() / figures.idleJvmRssMib(), 2));
        }
        table.row("server idle RSS (MiB), 1 node", Results.fixed(figures.serverRssMib(), 1), "-", "-");
        table.row("server idle CPU (% of a core)", Results.fixed(figures.serverCpuPercent(), 2), "-", "-");
        table.row("CLI manage --list-nodes, median (s)", Results.fixed(figures.cliMedianSeconds(), 3),
                Results.fixed(figures.jvmStartMedianSeconds(), 3) + " (java -version, CLI flags)",
                Results.fixed(figures.cliMedianSeconds() / figures.jvmStartMedianSeconds(), 2));
        table.row("CLI manage --list-nodes, max (s)", Results.fixed(figures.cliMaxSeconds(), 3), "-", "-");
        table.row("CLI manage --list-nodes without the archive, median (s)",
                Results.fixed(figures.cliWithoutArchiveMedianSeconds(), 3), "-",
                Results.fixed(figures.cliWithoutArchiveMedianSeconds() / figures.jvmStartMedianSeconds(), 2));
        table.print(out);
        Map<String, Double> ratios = new LinkedHashMap<>();
        ratios.put("client_rss_over_idle_jvm", figures.clientRssMib() / figures.idleJvmRssMib());
        ratios.put("client_rss_after_jobs_over_idle_jvm", Results.ratio(figures.clientRssAfterJobsMib(), figures.idleJvmRssMib()));
        ratios.put("cli_over_jvm_start", figures.cliMedianSeconds() / figures.jvmStartMedianSeconds());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("idle_seconds", idleSeconds);
        settings.put("cpu_window_seconds", cpuWindowSeconds);
        settings.put("cli_runs", cliRuns);
        settings.put("heartbeat_seconds", heartbeatSeconds);
        settings.put("jobs", jobs);
        Results.write(output, "footprint", settings, List.of(figures), ratios);
        out.println("results written to " + output);
        out.flush();
        return 0;
    }

    private static Process startIdleJvm(String java) throws IOException {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(CLIENT_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.director.bench.cluster.IdleJvm"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** Lays out {@code bin/director} and {@code lib/director.jar} under {@code root}; returns the launcher. */
    private static Path install(Path root) throws IOException {
        Path checkout = BenchCluster.launcher();
        Path jar = checkout.getParent().resolveSibling("user-cli").resolve("target").resolve("director.jar");
        Path launcher = Files.createDirectories(root.resolve("bin")).resolve("director");
        Files.copy(checkout, launcher, StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(jar, Files.createDirectories(root.resolve("lib")).resolve("director.jar"));
        return launcher;
    }

    /** Whether the file appeared (non-empty) within the time given. */
    private static boolean awaitFile(Path file, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (Files.isRegularFile(file) && file.toFile().length() > 0) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Wall seconds of one run of {@code command} with these variables added, which must succeed. */
    private static double timed(List<String> command, Map<String, String> environment)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed or hung");
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
