package io.director.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.director.dsl.DirectorVersion;
import io.director.dsl.wire.WireCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The operator's story with the tarball {@code mvn package} makes: unpack it, run a server and a
 * client with its {@code bin/director} (the server configured by DIRECTOR_* variables alone, as
 * the container runs it; the client by a config file), run a job, write service files from it,
 * stop both. Run by Failsafe after {@code package}, since it needs the tarball.
 */
class DistributionEndToEndTest {

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process process : started) {
            process.destroy();
        }
        for (Process process : started) {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static Path tarball() {
        String property = System.getProperty("director.distribution");
        Path path = property != null ? Path.of(property)
                : Path.of("target", "director-" + DirectorVersion.version() + ".tar.gz");
        assertTrue(Files.isRegularFile(path), path + " is missing: run mvn package (or verify) first");
        return path;
    }

    @Test
    void unpackedTarballRunsAServerAndAClientEndToEndAndWritesServiceFiles() throws Exception {
        // Unpacked as an operator would, behind a link as docs/operations.md suggests.
        Path opt = dir.resolve("opt");
        Files.createDirectories(opt);
        Run untar = run(List.of("tar", "-xzf", tarball().toAbsolutePath().toString(), "-C", opt.toString()), Map.of());
        assertEquals(0, untar.exitCode(), untar.output());
        Path unpacked = opt.resolve("director-" + DirectorVersion.version());
        for (String file : List.of("bin/director", "lib/director.jar", "config.example.yaml", "README.md",
                "docs/operations.md", "orchestrations/quickstart.yaml", "service-files/README.md",
                "service-files/director-server.service.in", "service-files/director-client.service.in",
                "service-files/director_server.in", "service-files/director_client.in")) {
            assertTrue(Files.isRegularFile(unpacked.resolve(file)), "the tarball has " + file);
        }
        assertTrue(Files.isExecutable(unpacked.resolve("bin/director")));
        // JeroMQ's poller, mailbox, fair queue and blob are left out of the jar, so those classes are
        // director-zmq-poller's.
        try (java.net.URLClassLoader jar = new java.net.URLClassLoader(
                new java.net.URL[]{unpacked.resolve("lib/director.jar").toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            assertEquals("director", Class.forName("zmq.poll.Poller", false, jar).getField("ORIGIN").get(null));
            assertEquals("director", Class.forName("zmq.Mailbox", false, jar).getField("ORIGIN").get(null));
            assertEquals("director", Class.forName("zmq.socket.FQ", false, jar).getField("ORIGIN").get(null));
            assertEquals("director", Class.forName("zmq.util.Blob", false, jar).getField("ORIGIN").get(null));
        }
        Path home = opt.resolve("director");
        Files.createSymbolicLink(home, unpacked.getFileName());
        String director = home.resolve("bin/director").toString();

        Run version = run(List.of(director, "version"), Map.of());
        assertEquals("director " + DirectorVersion.version() + " (protocol " + DirectorVersion.PROTOCOL + ")",
                version.output().strip());

        String sharedKey = HexFormat.of().formatHex(java.security.SecureRandom.getSeed(16));
        int jobPort = freePort();
        int transferPort = freePort();
        Path socket = dir.resolve("run/director.sock");
        Files.createDirectories(socket.getParent());

        // The server: no arguments, DIRECTOR_MODE and DIRECTOR_* variables only (the Containerfile's way).
        Process server = start(List.of(director), Map.of("DIRECTOR_MODE", "server",
                "DIRECTOR_BIND_ADDRESS", "127.0.0.1", "DIRECTOR_JOB_PORT", Integer.toString(jobPort),
                "DIRECTOR_TRANSFER_PORT", Integer.toString(transferPort), "DIRECTOR_SOCKET_PATH", socket.toString(),
                "DIRECTOR_DATASTORE", "sqlite:" + dir.resolve("state/server.db"), "DIRECTOR_SHARED_KEY", sharedKey,
                "DIRECTOR_HEARTBEAT_INTERVAL", "1"), dir.resolve("server.log"));
        awaitFile(socket, server, dir.resolve("server.log"));

        // The client: a config file in the seed's spelling (snake_case keys, heartbeat_interval: 1, debug: true).
        Path config = dir.resolve("etc/config.yaml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
                server_address: 127.0.0.1
                job_port: %d
                transfer_port: %d
                identity: dist-node
                cache_path: %s
                shared_key: %s
                heartbeat_interval: 1
                debug: true
                labels:
                  role: web
                """.formatted(jobPort, transferPort, dir.resolve("cache"), sharedKey));
        // A client that fails before it enrols (no server key) lists the classes it loads, which the
        // launcher must not make an archive of: they miss the classes of a running node.
        Path lib = unpacked.resolve("lib");
        Run failed = run(List.of(director, "client", "--server-address", "127.0.0.1", "--job-port",
                Integer.toString(jobPort), "--cache-path", dir.resolve("cache-failed").toString()), Map.of());
        assertNotEquals(0, failed.exitCode(), failed.output());
        assertEquals(1, clientArchives(lib, ".pending").size(), "the failed run recorded one: " + clientArchives(lib, ""));
        assertEquals(List.of(), clientArchives(lib, ".enrolled"), "but did not mark it worth keeping");

        Process client = start(List.of(director, "client", "--config-file", config.toString()), Map.of(),
                dir.resolve("client.log"));

        JsonNode node = awaitNode(director, socket, "dist-node", client);
        assertEquals("web", node.path("labels").path("role").asText(), node.toString());
        assertFalse(Files.exists(lib.resolve("director-client.jsa")), "no archive from the failed run");
        assertFalse(commandLine(client).contains("-XX:SharedArchiveFile="), commandLine(client));
        assertEquals(1, clientArchives(lib, ".enrolled").size(), "the enrolled run marks its list");

        Run job = run(List.of(director, "exec", "--socket-path", socket.toString(), "--verb", "RUN", "--wait",
                "--wait-timeout", "60", "--json", "echo hello from {{ node.identity }}"), Map.of());
        assertEquals(0, job.exitCode(), job.output());
        JsonNode result = WireCodec.mapper().readTree(job.stdout());
        assertEquals("success", result.path("state").asText(), job.output());
        assertEquals("hello from dist-node", result.path("nodes").path("dist-node").path("stdout").asText().strip());

        // The first user command had the launcher make the CLI's class-data archive next to the jar,
        // in the background; the commands after it map their classes from it.
        Path archive = unpacked.resolve("lib/director-cli.jsa");
        long archiveDeadline = System.currentTimeMillis() + 120_000;
        while (!Files.isRegularFile(archive) && System.currentTimeMillis() < archiveDeadline) {
            Thread.sleep(200);
        }
        assertTrue(Files.isRegularFile(archive), "the launcher made " + archive);
        Path classLog = dir.resolve("classes.log");
        Run mapped = run(List.of(director, "version"), Map.of("DIRECTOR_JAVA_OPTS", "-Xlog:class+load:file=" + classLog));
        assertEquals(0, mapped.exitCode(), mapped.output());
        assertTrue(Files.readString(classLog).contains("io.director.cli.Main source: shared objects file"),
                "the CLI's classes come from the archive");
        // All of them: a class the archive left out is read from the jar, and opening the jar reads
        // its whole directory (docs/performance.md). The dump leaves out picocli's classes (compiled
        // for Java 5) that a lambda in the training run links, and such a lambda is then spun anew.
        Path listLog = dir.resolve("list-classes.log");
        Run listed = run(List.of(director, "manage", "--list-nodes", "--socket-path", socket.toString()),
                Map.of("DIRECTOR_JAVA_OPTS", "-Xlog:class+load:file=" + listLog));
        assertEquals(0, listed.exitCode(), listed.output());
        List<String> outside = Files.readAllLines(listLog).stream()
                .filter(line -> line.matches(".*\\] (picocli|io\\.director)\\.\\S* source: .*"))
                .filter(line -> !line.endsWith("source: shared objects file"))
                .toList();
        assertTrue(outside.isEmpty(), "classes of 'manage --list-nodes' outside the archive: " + outside);

        if (Files.isReadable(Path.of("/proc", Long.toString(client.pid()), "status"))) {
            long residentKib = residentKib(client.pid());
            assertTrue(residentKib < 128 * 1024, "the client stays small for 512 MB nodes: " + residentKib + " KiB");
        }

        // Service files from the installation: ExecStart is the launcher behind the link, as it was run.
        Path units = dir.resolve("units");
        Run unit = run(List.of(director, "service-files", "systemd", "client", "--output", units.toString(),
                "--config-file", config.toString()), Map.of());
        assertEquals(0, unit.exitCode(), unit.output());
        String text = Files.readString(units.resolve("director-client.service"));
        assertTrue(text.contains("\nExecStart=" + director + " client --config-file " + config + "\n"), text);
        if (System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux")) {
            Run verify = run(List.of("systemd-analyze", "verify", "--man=no",
                    units.resolve("director-client.service").toString()), Map.of());
            assertEquals(0, verify.exitCode(), verify.output());
            assertEquals("", verify.output());
        }
        Run script = run(List.of(director, "service-files", "rcd", "server", "--output", units.toString(),
                "--config-file", config.toString()), Map.of());
        assertEquals(0, script.exitCode(), script.output());
        assertEquals(0, run(List.of("sh", "-n", units.resolve("director_server").toString()), Map.of()).exitCode());

        // Once the enrolled run has stopped, the next start makes an archive of the classes it listed
        // and maps it, and the failed run's list goes.
        client.destroy();
        assertTrue(client.waitFor(5, TimeUnit.SECONDS), "stops within 5 s of SIGTERM");
        assertEquals(2, clientArchives(lib, ".pending").size(), clientArchives(lib, "").toString());
        // Two newer lists the launcher must pass over: one of a run still going (this JVM's pid),
        // whose list is not finished (one class here: an archive of it would miss the client's), and
        // one of an ended run that is no class list at all (the start of an archive, as a release
        // that recorded archives at exit left them), which it deletes, and goes on. Newest first:
        // the running one, the broken one, then the real one (the jar older than all).
        Process ended = new ProcessBuilder("true").start();
        assertTrue(ended.waitFor(10, TimeUnit.SECONDS));
        long now = System.currentTimeMillis();
        Files.setLastModifiedTime(lib.resolve("director.jar"), FileTime.fromMillis(now - 3_600_000));
        String enrolledList = clientArchives(lib, ".enrolled").get(0).replace(".enrolled", "");
        Files.setLastModifiedTime(lib.resolve(enrolledList), FileTime.fromMillis(now - 3_000));
        byte[] classList = Files.readAllBytes(lib.resolve(enrolledList));
        byte[] notAList;
        try (var in = Files.newInputStream(archive)) {
            notAList = in.readNBytes(65_536);
        }
        Path broken = listed(lib, ended.pid(), notAList, now - 2_000);
        listed(lib, ProcessHandle.current().pid(), "java/lang/Object\n".getBytes(StandardCharsets.UTF_8), now - 1_000);
        Path againClasses = dir.resolve("client-classes.log");
        Process again = start(List.of(director, "client", "--config-file", config.toString()),
                Map.of("DIRECTOR_JAVA_OPTS", "-Xlog:class+load:file=" + againClasses), dir.resolve("client.log"));
        long javaDeadline = System.currentTimeMillis() + 60_000;
        while (again.isAlive() && !commandLine(again).contains("-jar ")) {
            assertTrue(System.currentTimeMillis() < javaDeadline, "the launcher never started Java: " + commandLine(again));
            Thread.sleep(100);
        }
        awaitNode(director, socket, "dist-node", again);
        assertTrue(Files.isRegularFile(lib.resolve("director-client.jsa")), clientArchives(lib, "").toString());
        assertTrue(commandLine(again).contains("-XX:SharedArchiveFile=" + home.resolve("lib/director-client.jsa")),
                commandLine(again));
        for (String name : List.of("java.lang.Object", "io.director.client.DirectorClient", "org.zeromq.ZMQ")) {
            // (the node may still be listed alive from the run before: wait for the class itself)
            long loadDeadline = System.currentTimeMillis() + 60_000;
            List<String> lines;
            while ((lines = Files.readString(againClasses).lines().filter(line -> line.contains(" " + name + " source: "))
                    .toList()).isEmpty() && System.currentTimeMillis() < loadDeadline) {
                Thread.sleep(100);
            }
            assertTrue(lines.stream().anyMatch(line -> line.endsWith(" source: shared objects file")),
                    name + " comes from the archive: " + lines);
        }
        assertFalse(Files.exists(broken), "the list that is none is deleted");
        assertEquals(List.of(), clientArchives(lib, ".pending"), "the others are deleted");
        assertEquals(List.of(), clientArchives(lib, ".enrolled"));

        for (Process process : List.of(again, server)) {
            process.destroy();
            assertTrue(process.waitFor(5, TimeUnit.SECONDS), "stops within 5 s of SIGTERM");
        }
        assertTrue(Files.readString(dir.resolve("client.log")).contains("director client stopped"));
        assertTrue(Files.readString(dir.resolve("server.log")).contains("director server stopped"));

        // One start at a time makes the archive: while another holds the lock, a start goes on
        // without it (and lists its classes); a lock left by a killed start goes after 10 minutes.
        Files.delete(lib.resolve("director-client.jsa"));
        listed(lib, ended.pid(), classList, System.currentTimeMillis());
        Path lock = Files.createDirectory(lib.resolve("director-client.jsa.lock"));
        String locked = launchedJava(director, config);
        assertFalse(locked.contains("-XX:SharedArchiveFile="), locked);
        assertTrue(locked.contains("-XX:DumpLoadedClassList="), locked);
        assertTrue(Files.isDirectory(lock), "a recent lock is left to its holder");
        Files.setLastModifiedTime(lock, FileTime.fromMillis(System.currentTimeMillis() - 11 * 60_000));
        launchedJava(director, config);
        assertFalse(Files.exists(lock), "a lock older than 10 minutes is removed");
    }

    /** Starts a client, waits until the launcher has started Java, stops it; its command line. */
    private String launchedJava(String director, Path config) throws Exception {
        Process client = start(List.of(director, "client", "--config-file", config.toString()), Map.of(),
                dir.resolve("client-locked.log"));
        long deadline = System.currentTimeMillis() + 60_000;
        String line;
        while (!(line = commandLine(client)).contains("-jar ")) {
            assertTrue(client.isAlive() && System.currentTimeMillis() < deadline, "the launcher never started Java: " + line);
            Thread.sleep(50);
        }
        client.destroy();
        assertTrue(client.waitFor(10, TimeUnit.SECONDS), "stops within 10 s of SIGTERM");
        return line;
    }

    private Process start(List<String> command, Map<String, String> environment, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("DIRECTOR_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    private static void awaitFile(Path file, Process owner, Path log) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!Files.exists(file)) {
            if (!owner.isAlive()) {
                fail("exited with " + owner.exitValue() + ":\n" + Files.readString(log));
            }
            if (System.currentTimeMillis() > deadline) {
                fail(file + " did not appear:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    private JsonNode awaitNode(String director, Path socket, String identity, Process client) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            Run nodes = run(List.of(director, "manage", "--list-nodes", "--json", "--socket-path", socket.toString()),
                    Map.of());
            if (nodes.exitCode() == 0) {
                for (JsonNode node : WireCodec.mapper().readTree(nodes.stdout()).path("nodes")) {
                    if (node.path("identity").asText().equals(identity) && node.path("state").asText().equals("alive")) {
                        return node;
                    }
                }
            }
            if (!client.isAlive()) {
                fail("the client exited with " + client.exitValue() + ":\n" + Files.readString(dir.resolve("client.log")));
            }
            if (System.currentTimeMillis() > deadline) {
                fail(identity + " not alive in time:\n" + nodes.output() + "\n" + Files.readString(dir.resolve("client.log")));
            }
            Thread.sleep(200);
        }
    }

    /** Writes a client run's class list as the launcher names it, with its enrolled marker. */
    private static Path listed(Path lib, long pid, byte[] content, long modifiedMillis) throws IOException {
        Path list = lib.resolve("director-client.jsa." + pid + ".pending");
        Files.write(list, content);
        Files.createFile(lib.resolve(list.getFileName() + ".enrolled"));
        Files.setLastModifiedTime(list, FileTime.fromMillis(modifiedMillis));
        return list;
    }

    /** The client runs' class lists (and their markers) in {@code lib} whose names end so. */
    private static List<String> clientArchives(Path lib, String ending) throws IOException {
        try (var files = Files.list(lib)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> name.startsWith("director-client.jsa.") && name.endsWith(ending))
                    .sorted().toList();
        }
    }

    /** The process's command line (the launcher execs java, so the JVM's). */
    private static String commandLine(Process process) {
        return process.info().arguments().map(args -> String.join(" ", args)).orElse("");
    }

    private static long residentKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private record Run(int exitCode, String stdout, String output) {
    }

    /** Runs a command to its end; stdout alone, and stdout with stderr for messages. */
    private static Run run(List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("DIRECTOR_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        java.util.concurrent.CompletableFuture<byte[]> stderr = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "finished: " + command);
        return new Run(process.exitValue(), stdout, stdout + new String(stderr.get(), StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
