package io.director.bench;

import io.director.bench.cluster.BenchCluster;
import io.director.bench.cluster.ProcessFigures;
import io.director.bench.cluster.SpawnFloor;
import io.director.server.api.ApiRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bench throughput}: many RUN jobs on a few client processes, against the spawn-only floor. */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = {"Throughput: N x 'RUN --skip-cache <command>' to every client of a real server with real "
                + "client processes (started by bin/director), from submission to the last result stored; and "
                + "in the same run the spawn-only floor: the same sh -c executions with the same parallelism, "
                + "measured just before and just after Director's jobs and averaged."})
final class ThroughputCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "1000", description = "Jobs (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--clients", paramLabel = "N[,N…]", split = ",", defaultValue = "2,6",
            description = "Client processes, one cluster per count (default: ${DEFAULT-VALUE}).")
    List<Integer> clientCounts;

    @Option(names = "--warm-up", paramLabel = "N", defaultValue = "50",
            description = "Untimed jobs to every client first, so that class loading and the JIT are paid"
                    + " before the timed jobs (default: ${DEFAULT-VALUE}).")
    int warmUp;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "Timed runs, one after another on the same cluster, each reported: the first is a"
                    + " new server's, the later ones show how the figures move as the server and the nodes"
                    + " warm up (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--command", defaultValue = "echo hello world",
            description = "What each job runs (default: ${DEFAULT-VALUE}).")
    String command;

    @Option(names = "--heartbeat", paramLabel = "SECONDS", defaultValue = "2",
            description = "Heartbeat interval of the cluster (default: ${DEFAULT-VALUE}).")
    double heartbeatSeconds;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Longest wait for one workload (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(names = "--encryption", paramLabel = "MODE", defaultValue = "curve",
            description = "curve (the default of a cluster) or none (default: ${DEFAULT-VALUE}).")
    String encryption;

    @Option(names = "--output", paramLabel = "FILE", defaultValue = "bench-throughput.json",
            description = "Where the JSON results go (default: ${DEFAULT-VALUE}).")
    Path output;

    /**
     * One client count's figures. The floor is the mean of one measured before Director's run
     * and one after. The CPU figures are milliseconds per execution, from /proc:
     * the floor's (this process and its shells), and Director's server process, client
     * processes (their own threads) and jobs (the clients' children); unlike the times, they
     * hardly move when something else on the machine takes CPU. Of the server's and the
     * clients' CPU, the share their JIT compiler threads took is given apart: a new JVM compiles
     * its per-job code during its first thousands of jobs.
     */
    record Run(int clients, int round, long executions, double floorSeconds, double floorBeforeSeconds,
               double floorAfterSeconds, double directorSeconds,
               double executionsPerSecond, double directorOverFloor, double nodeExecutionMillis,
               double floorCpuMillis, double serverCpuMillis, double clientCpuMillis, double jobCpuMillis,
               double serverCompilerCpuMillis, double clientCompilerCpuMillis) {
    }

    /**
     * CPU seconds used so far: the server, the clients' own threads, and the clients' reaped
     * children; and each compiler thread's of the server and of the clients (by process and
     * thread id).
     */
    private record Cpu(double server, double clients, double jobs, Map<Long, Double> serverCompiler,
                       Map<String, Double> clientCompiler) {
        static Cpu of(BenchCluster cluster) throws java.io.IOException {
            double clients = 0;
            double jobs = 0;
            Map<String, Double> clientCompiler = new java.util.HashMap<>();
            for (String identity : cluster.identities()) {
                long pid = cluster.client(identity).pid();
                clients += ProcessFigures.cpuSeconds(pid);
                jobs += ProcessFigures.childrenCpuSeconds(pid);
                ProcessFigures.compilerThreadSeconds(pid).forEach((tid, s) -> clientCompiler.put(pid + "/" + tid, s));
            }
            long server = cluster.server().pid();
            return new Cpu(ProcessFigures.cpuSeconds(server), clients, jobs,
                    ProcessFigures.compilerThreadSeconds(server), clientCompiler);
        }

        /** The server's compiler threads' CPU seconds since {@code before}. */
        double serverCompilingSince(Cpu before) {
            return ProcessFigures.secondsBetween(before.serverCompiler, serverCompiler);
        }

        /** The clients' compiler threads' CPU seconds since {@code before}. */
        double clientsCompilingSince(Cpu before) {
            return ProcessFigures.secondsBetween(before.clientCompiler, clientCompiler);
        }

        /** {@link #of}, for a callback that may not throw. */
        static Cpu at(BenchCluster cluster) {
            try {
                return of(cluster);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** This process and its reaped children (the floor's shells). */
        static double ofThisProcess() throws java.io.IOException {
            long pid = ProcessHandle.current().pid();
            return ProcessFigures.cpuSeconds(pid) + ProcessFigures.childrenCpuSeconds(pid);
        }
    }

    /** How long the compilers must take no CPU for the processes to count as settled. */
    private static final long QUIET_MILLIS = 300;
    private static final long QUIET_WAIT_LIMIT_MILLIS = 10_000;

    /**
     * Waits (at most {@link #QUIET_WAIT_LIMIT_MILLIS}) until no JIT compiler thread of the server
     * or the clients has taken CPU for {@link #QUIET_MILLIS}: compilation queued by the warm-up's
     * check of its results would otherwise run during the timed jobs.
     */
    private static void awaitQuietCompilers(BenchCluster cluster) throws java.io.IOException, InterruptedException {
        long deadline = System.nanoTime() + QUIET_WAIT_LIMIT_MILLIS * 1_000_000;
        Cpu last = Cpu.of(cluster);
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(50);
            Cpu now = Cpu.of(cluster);
            if (now.serverCompilingSince(last) > 0 || now.clientsCompilingSince(last) > 0) {
                quietSince = System.nanoTime();
                last = now;
            } else if (System.nanoTime() - quietSince >= QUIET_MILLIS * 1_000_000) {
                return;
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        atLeast("--jobs", jobs, 1);
        atLeast("--rounds", rounds, 1);
        atLeast("--warm-up", warmUp, 0);
        for (int clients : clientCounts) {
            atLeast("--clients", clients, 1);
        }
        Bench.configureLogging(false);
        PrintWriter out = spec.commandLine().getOut();
        List<Run> runs = new ArrayList<>();
        for (int clients : clientCounts) {
            out.println(clients + " clients: starting a server and " + clients + " client processes");
            out.flush();
            try (BenchCluster cluster = BenchCluster.start(clients, heartbeatSeconds, !encryption.equals("none"))) {
                // A warm-up, not reported: the first jobs pay for class loading and the JIT.
                if (warmUp > 0) {
                    cluster.runAndWait(submissions(warmUp), clients, timeoutSeconds);
                }
                for (int round = 1; round <= rounds; round++) {
                    if (warmUp > 0 || round > 1) {
                        // The check of every result of the jobs before is the benchmark's own work;
                        // what the server compiles for it must not count as the timed jobs' CPU.
                        awaitQuietCompilers(cluster);
                    }
                    // The floor before and after Director's run, averaged: this machine's speed
                    // drifts within minutes, and one floor measured on the wrong side of a drift
                    // moved the ratio by a third.
                    double floorCpuBefore = Cpu.ofThisProcess();
                    double floorBefore = SpawnFloor.seconds(clients, jobs, command);
                    double floorCpu = Cpu.ofThisProcess() - floorCpuBefore;
                    Cpu before = Cpu.of(cluster);
                    Cpu[] finished = new Cpu[1];
                    BenchCluster.Timing timing = cluster.runAndWait(submissions(jobs), clients, timeoutSeconds,
                            () -> finished[0] = Cpu.at(cluster));
                    Cpu after = finished[0];
                    floorCpuBefore = Cpu.ofThisProcess();
                    double floorAfter = SpawnFloor.seconds(clients, jobs, command);
                    floorCpu = (floorCpu + Cpu.ofThisProcess() - floorCpuBefore) / 2;
                    double floor = (floorBefore + floorAfter) / 2;
                    double director = timing.seconds();
                    long executions = (long) jobs * clients;
                    double perExecution = 1000.0 / executions;
                    runs.add(new Run(clients, round, executions, floor, floorBefore, floorAfter, director,
                            executions / director, director / floor,
                            timing.executionMillis(), floorCpu * perExecution, (after.server() - before.server())
                            * perExecution, (after.clients() - before.clients()) * perExecution,
                            (after.jobs() - before.jobs()) * perExecution,
                            after.serverCompilingSince(before) * perExecution,
                            after.clientsCompilingSince(before) * perExecution));
                    out.println(label(clients, round) + ": " + executions + " executions in "
                            + Results.fixed(director, 2) + " s; the spawn floor " + Results.fixed(floorBefore, 2) + " s before, "
                            + Results.fixed(floorAfter, 2) + " s after");
                    out.flush();
                }
            }
        }
        Table table = new Table("throughput", "executions", "spawn floor (s)", "Director (s)", "executions/s",
                "Director / floor", "job on its node (ms)");
        for (Run run : runs) {
            table.row(label(run.clients(), run.round()), run.executions(), Results.fixed(run.floorSeconds(), 2),
                    Results.fixed(run.directorSeconds(), 2), Results.fixed(run.executionsPerSecond(), 0),
                    Results.fixed(run.directorOverFloor(), 2), Results.fixed(run.nodeExecutionMillis(), 2));
        }
        out.println();
        table.print(out);
        Table cpu = new Table("CPU per execution (ms)", "floor", "Director", "server", "(compiling)", "clients",
                "(compiling)", "jobs", "Director / floor");
        for (Run run : runs) {
            double total = run.serverCpuMillis() + run.clientCpuMillis() + run.jobCpuMillis();
            cpu.row(label(run.clients(), run.round()), Results.fixed(run.floorCpuMillis(), 2), Results.fixed(total, 2),
                    Results.fixed(run.serverCpuMillis(), 2), Results.fixed(run.serverCompilerCpuMillis(), 2),
                    Results.fixed(run.clientCpuMillis(), 2), Results.fixed(run.clientCompilerCpuMillis(), 2),
                    Results.fixed(run.jobCpuMillis(), 2), Results.fixed(total / run.floorCpuMillis(), 2));
        }
        out.println();
        cpu.print(out);
        Map<String, Double> ratios = new LinkedHashMap<>();
        runs.forEach(run -> ratios.put("director_over_floor_" + run.clients() + "_clients"
                + (run.round() > 1 ? "_round_" + run.round() : ""), run.directorOverFloor()));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("jobs", jobs);
        settings.put("clients", clientCounts);
        settings.put("warm_up", warmUp);
        settings.put("rounds", rounds);
        settings.put("command", command);
        settings.put("heartbeat_seconds", heartbeatSeconds);
        settings.put("encryption", encryption);
        Results.write(output, "throughput", settings, runs, ratios);
        out.println("results written to " + output);
        out.flush();
        return 0;
    }

    private void atLeast(String option, int value, int least) {
        if (value < least) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    option + " must be at least " + least + ", got " + value);
        }
    }

    private String label(int clients, int round) {
        return clients + " clients" + (rounds > 1 ? ", round " + round : "");
    }

    private List<ApiRequest.JobSubmission> submissions(int count) {
        return Collections.nCopies(count, new ApiRequest.JobSubmission("RUN", "--skip-cache " + command,
                "bench-throughput", List.of()));
    }
}
