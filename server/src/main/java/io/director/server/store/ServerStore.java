package io.director.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.JobResult;
import io.director.dsl.wire.NodeState;
import io.director.dsl.wire.TransferFile;
import io.director.dsl.wire.WireCodec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Nodes, jobs and per-node results in one SQLite file (WAL). Two connections: the writer, used
 * by the server loop for every change, and the reader, used by API threads, so a large
 * {@code --job-info} never holds up dispatch. Each is guarded by its own lock.
 */
public final class ServerStore implements AutoCloseable {

    private static final ObjectMapper JSON = WireCodec.mapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private static final TypeReference<List<TransferFile>> FILE_LIST = new TypeReference<>() {
    };
    private static final String FINAL_STATES = "('success','skipped','failed','cancelled')";
    private static final String OPEN_STATES = "('queued','processing')";

    private final Path path;
    private final Connection writer;
    private final Connection reader;
    /**
     * Statements the loop runs for every job on every node (a result stored, a start, a
     * dispatch), prepared once on the writer and kept; guarded by the writer.
     */
    private final Map<String, PreparedStatement> kept = new HashMap<>();

    private ServerStore(Path path, Connection writer, Connection reader) {
        this.path = path;
        this.writer = writer;
        this.reader = reader;
    }

    /** Opens (creating when needed) the store at a {@code sqlite:PATH} URL. */
    public static ServerStore open(String datastoreUrl) {
        if (datastoreUrl == null || !datastoreUrl.startsWith("sqlite:")) {
            throw new IllegalArgumentException("unsupported datastore '" + datastoreUrl
                    + "': use sqlite:/path/to/server.db");
        }
        return open(Path.of(datastoreUrl.substring("sqlite:".length())));
    }

    public static ServerStore open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Connection writer = connect(file);
            try (Statement st = writer.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("""
                        CREATE TABLE IF NOT EXISTS nodes (
                          identity TEXT PRIMARY KEY,
                          machine_id TEXT NOT NULL,
                          routing_id TEXT NOT NULL,
                          version TEXT,
                          labels TEXT NOT NULL,
                          facts TEXT NOT NULL,
                          started_at INTEGER NOT NULL,
                          first_seen INTEGER NOT NULL,
                          last_heartbeat INTEGER NOT NULL,
                          expired INTEGER NOT NULL DEFAULT 0)""");
                st.execute("""
                        CREATE TABLE IF NOT EXISTS jobs (
                          seq INTEGER PRIMARY KEY AUTOINCREMENT,
                          job_id TEXT NOT NULL UNIQUE,
                          parent_id TEXT NOT NULL,
                          name TEXT,
                          verb TEXT NOT NULL,
                          definition TEXT NOT NULL,
                          fingerprint TEXT NOT NULL,
                          run_once INTEGER NOT NULL,
                          queue TEXT NOT NULL,
                          files TEXT NOT NULL,
                          created INTEGER NOT NULL)""");
                st.execute("""
                        CREATE TABLE IF NOT EXISTS job_nodes (
                          job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
                          identity TEXT NOT NULL,
                          position INTEGER NOT NULL,
                          state TEXT NOT NULL,
                          exit_code INTEGER,
                          stdout TEXT,
                          stderr TEXT,
                          info TEXT,
                          dispatched_at INTEGER NOT NULL DEFAULT 0,
                          started_at INTEGER NOT NULL DEFAULT 0,
                          finished_at INTEGER NOT NULL DEFAULT 0,
                          execution_time REAL,
                          roundtrip_time REAL,
                          PRIMARY KEY (job_id, identity))""");
                st.execute("""
                        CREATE TABLE IF NOT EXISTS node_keys (
                          public_key TEXT PRIMARY KEY,
                          identity TEXT NOT NULL,
                          state TEXT NOT NULL,
                          machine_id TEXT,
                          address TEXT,
                          first_seen INTEGER NOT NULL,
                          last_seen INTEGER NOT NULL)""");
                st.execute("""
                        CREATE TABLE IF NOT EXISTS job_hops (
                          job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
                          seq INTEGER NOT NULL,
                          from_node TEXT NOT NULL,
                          to_node TEXT,
                          reason TEXT NOT NULL,
                          at INTEGER NOT NULL,
                          PRIMARY KEY (job_id, seq))""");
                st.execute("""
                        CREATE TABLE IF NOT EXISTS deployments (
                          id TEXT PRIMARY KEY,
                          document TEXT NOT NULL,
                          created INTEGER NOT NULL)""");
                st.execute("CREATE INDEX IF NOT EXISTS job_nodes_open ON job_nodes(identity) WHERE state IN "
                        + OPEN_STATES);
                st.execute("CREATE INDEX IF NOT EXISTS jobs_run_once ON jobs(fingerprint) WHERE run_once = 1");
                st.execute("CREATE INDEX IF NOT EXISTS jobs_parent ON jobs(parent_id)");
            }
            Connection reader = connect(file);
            return new ServerStore(file, writer, reader);
        } catch (SQLException | java.io.IOException e) {
            throw new StoreException("cannot open the datastore " + file + readOnlyHint(file) + ": " + e.getMessage(), e);
        }
    }

    /** SQLite says only "unable to open": name the usual cause, a store the server may not write. */
    private static String readOnlyHint(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (Files.exists(file) && !Files.isWritable(file)) {
            return " (read-only: the server cannot write the file)";
        }
        if (parent != null && Files.isDirectory(parent) && !Files.isWritable(parent)) {
            return " (read-only: the server cannot write its directory " + parent + ")";
        }
        return "";
    }

    private static Connection connect(Path file) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement st = connection.createStatement()) {
            st.execute("PRAGMA busy_timeout=10000");
            st.execute("PRAGMA foreign_keys=ON");
            // WAL with NORMAL: a commit survives the process being killed; only an OS crash can
            // lose the last transactions. Results are acknowledged to nodes after the commit.
            st.execute("PRAGMA synchronous=NORMAL");
        }
        return connection;
    }

    public Path path() {
        return path;
    }

    // ---- nodes -------------------------------------------------------------------------------

    public void upsertNode(StoredNode node) {
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement("""
                    INSERT INTO nodes (identity, machine_id, routing_id, version, labels, facts, started_at,
                                       first_seen, last_heartbeat)
                    VALUES (?,?,?,?,?,?,?,?,?)
                    ON CONFLICT(identity) DO UPDATE SET machine_id=excluded.machine_id,
                      routing_id=excluded.routing_id, version=excluded.version, labels=excluded.labels,
                      facts=excluded.facts, started_at=excluded.started_at, last_heartbeat=excluded.last_heartbeat,
                      expired=0""")) {
                ps.setString(1, node.identity());
                ps.setString(2, node.machineId());
                ps.setString(3, node.routingId());
                ps.setString(4, node.version());
                ps.setString(5, json(node.labels()));
                ps.setString(6, json(node.facts()));
                ps.setLong(7, node.startedAt());
                ps.setLong(8, node.firstSeen());
                ps.setLong(9, node.lastHeartbeat());
                ps.executeUpdate();
            } catch (SQLException e) {
                throw fail("store node " + node.identity(), e);
            }
        }
    }

    /** Records heartbeat times of many nodes in one transaction. */
    public void touchNodes(Map<String, Long> lastHeartbeats) {
        if (lastHeartbeats.isEmpty()) {
            return;
        }
        synchronized (writer) {
            inTransaction(writer, "record heartbeats", () -> {
                try (PreparedStatement ps = writer.prepareStatement(
                        "UPDATE nodes SET last_heartbeat = ? WHERE identity = ?")) {
                    for (Map.Entry<String, Long> e : lastHeartbeats.entrySet()) {
                        ps.setLong(1, e.getValue());
                        ps.setString(2, e.getKey());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            });
        }
    }

    /** Records that these nodes expired, so a restarted server does not take them for alive. */
    public void markExpired(List<String> identities) {
        if (identities.isEmpty()) {
            return;
        }
        synchronized (writer) {
            inTransaction(writer, "mark nodes expired", () -> {
                try (PreparedStatement ps = writer.prepareStatement("UPDATE nodes SET expired = 1 WHERE identity = ?")) {
                    for (String identity : identities) {
                        ps.setString(1, identity);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            });
        }
    }

    public List<StoredNode> loadNodes() {
        synchronized (reader) {
            try (Statement st = reader.createStatement();
                 ResultSet rs = st.executeQuery("SELECT * FROM nodes ORDER BY identity")) {
                List<StoredNode> nodes = new ArrayList<>();
                while (rs.next()) {
                    nodes.add(new StoredNode(rs.getString("identity"), rs.getString("machine_id"),
                            rs.getString("routing_id"), rs.getString("version"),
                            JSON.readValue(rs.getString("labels"), STRING_MAP),
                            JSON.readValue(rs.getString("facts"), STRING_MAP), rs.getLong("started_at"),
                            rs.getLong("first_seen"), rs.getLong("last_heartbeat"), rs.getInt("expired") == 1));
                }
                return nodes;
            } catch (SQLException | JsonProcessingException e) {
                throw fail("load nodes", e);
            }
        }
    }

    public int purgeNodes() {
        synchronized (writer) {
            try (Statement st = writer.createStatement()) {
                return st.executeUpdate("DELETE FROM nodes");
            } catch (SQLException e) {
                throw fail("purge nodes", e);
            }
        }
    }

    /** Forgets one node (its jobs' history stays). */
    public boolean deleteNode(String identity) {
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement("DELETE FROM nodes WHERE identity = ?")) {
                ps.setString(1, identity);
                return ps.executeUpdate() > 0;
            } catch (SQLException e) {
                throw fail("delete node " + identity, e);
            }
        }
    }

    // ---- node keys ---------------------------------------------------------------------------

    public void upsertKey(StoredKey key) {
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement("""
                    INSERT INTO node_keys (public_key, identity, state, machine_id, address, first_seen, last_seen)
                    VALUES (?,?,?,?,?,?,?)
                    ON CONFLICT(public_key) DO UPDATE SET identity=excluded.identity, state=excluded.state,
                      machine_id=excluded.machine_id, address=excluded.address, last_seen=excluded.last_seen""")) {
                ps.setString(1, key.publicKey());
                ps.setString(2, key.identity());
                ps.setString(3, key.state());
                ps.setString(4, key.machineId());
                ps.setString(5, key.address());
                ps.setLong(6, key.firstSeen());
                ps.setLong(7, key.lastSeen());
                ps.executeUpdate();
            } catch (SQLException e) {
                throw fail("store the key of " + key.identity(), e);
            }
        }
    }

    public void deleteKey(String publicKey) {
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement("DELETE FROM node_keys WHERE public_key = ?")) {
                ps.setString(1, publicKey);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw fail("delete a node key", e);
            }
        }
    }

    public List<StoredKey> loadKeys() {
        synchronized (reader) {
            try (Statement st = reader.createStatement();
                 ResultSet rs = st.executeQuery("SELECT * FROM node_keys ORDER BY identity, first_seen")) {
                List<StoredKey> keys = new ArrayList<>();
                while (rs.next()) {
                    keys.add(new StoredKey(rs.getString("public_key"), rs.getString("identity"),
                            rs.getString("state"), rs.getString("machine_id"), rs.getString("address"),
                            rs.getLong("first_seen"), rs.getLong("last_seen")));
                }
                return keys;
            } catch (SQLException e) {
                throw fail("load node keys", e);
            }
        }
    }

    // ---- jobs --------------------------------------------------------------------------------

    /** Stores jobs and their targets' first states in one transaction: all or none. */
    public void insertJobs(List<NewJob> jobs, long created) {
        synchronized (writer) {
            inTransaction(writer, "store jobs", () -> {
                try (PreparedStatement job = writer.prepareStatement("""
                        INSERT INTO jobs (job_id, parent_id, name, verb, definition, fingerprint, run_once, queue,
                                          files, created)
                        VALUES (?,?,?,?,?,?,?,?,?,?)""");
                     PreparedStatement target = writer.prepareStatement("""
                             INSERT INTO job_nodes (job_id, identity, position, state, info, finished_at)
                             VALUES (?,?,?,?,?,?)""")) {
                    for (NewJob newJob : jobs) {
                        Job j = newJob.job();
                        job.setString(1, j.jobId());
                        job.setString(2, j.parentId());
                        job.setString(3, j.name());
                        job.setString(4, j.definition().verb());
                        job.setString(5, json(j.definition()));
                        job.setString(6, j.fingerprint());
                        job.setInt(7, j.definition().runOnce() ? 1 : 0);
                        job.setString(8, j.queue());
                        job.setString(9, json(j.files()));
                        job.setLong(10, created);
                        job.addBatch();
                        int position = 0;
                        for (Map.Entry<String, NodeState> t : newJob.states().entrySet()) {
                            target.setString(1, j.jobId());
                            target.setString(2, t.getKey());
                            target.setInt(3, position++);
                            target.setString(4, t.getValue().wireName());
                            target.setString(5, newJob.infos().get(t.getKey()));
                            target.setLong(6, t.getValue().isFinal() ? created : 0);
                            target.addBatch();
                        }
                    }
                    job.executeBatch();
                    target.executeBatch();
                }
            });
        }
    }

    /** Marks jobs as sent to a node at {@code now}. */
    public void markDispatched(String identity, Collection<String> jobIds, long now) {
        if (jobIds.isEmpty()) {
            return;
        }
        synchronized (writer) {
            inTransaction(writer, "mark dispatched", () -> {
                PreparedStatement ps = kept(
                        "UPDATE job_nodes SET dispatched_at = ? WHERE job_id = ? AND identity = ? AND dispatched_at = 0");
                for (String jobId : jobIds) {
                    ps.setLong(1, now);
                    ps.setString(2, jobId);
                    ps.setString(3, identity);
                    ps.addBatch();
                }
                ps.executeBatch();
            });
        }
    }

    /** The jobs a node has not finished, oldest first: what to send it again after a reconnect. */
    public List<Job> openJobs(String identity) {
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement("""
                    SELECT j.job_id, j.parent_id, j.name, j.definition, j.fingerprint, j.queue, j.files
                    FROM job_nodes n JOIN jobs j ON j.job_id = n.job_id
                    WHERE n.identity = ? AND n.state IN """ + OPEN_STATES + " ORDER BY j.seq")) {
                ps.setString(1, identity);
                List<Job> jobs = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        jobs.add(job(rs));
                    }
                }
                return jobs;
            } catch (SQLException e) {
                throw fail("load open jobs of " + identity, e);
            }
        }
    }

    /** Each target's current state of a job, in target order (writer connection: loop thread). */
    public Map<String, NodeState> targetStates(String jobId) {
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement(
                    "SELECT identity, state FROM job_nodes WHERE job_id = ? ORDER BY position")) {
                ps.setString(1, jobId);
                Map<String, NodeState> states = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        states.put(rs.getString(1), NodeState.fromWire(rs.getString(2)));
                    }
                }
                return states;
            } catch (SQLException e) {
                throw fail("read the targets of " + jobId, e);
            }
        }
    }

    /** queued → processing. Returns false when the job is unknown for that node or already further. */
    public boolean markStarted(String identity, String jobId, long startedAt) {
        synchronized (writer) {
            try {
                PreparedStatement ps = kept("""
                    UPDATE job_nodes SET state = 'processing', started_at = ?
                    WHERE job_id = ? AND identity = ? AND state = 'queued'""");
                ps.setLong(1, startedAt);
                ps.setString(2, jobId);
                ps.setString(3, identity);
                return ps.executeUpdate() == 1;
            } catch (SQLException e) {
                throw fail("mark " + jobId + " started on " + identity, e);
            }
        }
    }

    /** What happened when a result was offered. */
    public enum ResultOutcome { STORED, DUPLICATE, NOT_SENT_TO_NODE }

    /**
     * Stores a node's result unless the job already has a final state there. A job failed as
     * unreachable while the node was silent takes the late real result, since it did run.
     */
    public ResultOutcome recordResult(String identity, JobResult result, long receivedAt) {
        synchronized (writer) {
            try {
                PreparedStatement ps = kept("""
                    UPDATE job_nodes SET state = ?, exit_code = ?, stdout = ?, stderr = ?, info = ?,
                      started_at = CASE WHEN started_at = 0 THEN ? ELSE started_at END,
                      finished_at = ?, execution_time = ?,
                      roundtrip_time = (? - (SELECT created FROM jobs WHERE jobs.job_id = job_nodes.job_id)) / 1000.0
                    WHERE job_id = ? AND identity = ?
                      AND (state IN """ + OPEN_STATES + " OR (state = 'failed' AND info = ?))");
                ps.setString(1, result.state().wireName());
                if (result.exitCode() == null) {
                    ps.setNull(2, Types.INTEGER);
                } else {
                    ps.setInt(2, result.exitCode());
                }
                ps.setString(3, result.stdout());
                ps.setString(4, result.stderr());
                ps.setString(5, result.info());
                // No `started` came (a short job sends none): the result's own start, node clock as `started` is.
                ps.setLong(6, result.startedAt() > 0 ? result.startedAt() : receivedAt);
                ps.setLong(7, receivedAt);
                ps.setDouble(8, result.executionTime());
                ps.setLong(9, receivedAt);
                ps.setString(10, result.jobId());
                ps.setString(11, identity);
                ps.setString(12, UNREACHABLE);
                int stored = ps.executeUpdate();
                ps.clearParameters(); // the kept statement need not hold on to the output
                if (stored == 1) {
                    return ResultOutcome.STORED;
                }
            } catch (SQLException e) {
                throw fail("store the result of " + result.jobId() + " from " + identity, e);
            }
            try {
                PreparedStatement ps = kept("SELECT 1 FROM job_nodes WHERE job_id = ? AND identity = ?");
                ps.setString(1, result.jobId());
                ps.setString(2, identity);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? ResultOutcome.DUPLICATE : ResultOutcome.NOT_SENT_TO_NODE;
                }
            } catch (SQLException e) {
                throw fail("look up " + result.jobId() + " on " + identity, e);
            }
        }
    }

    /** The info given to jobs of a node that expired before answering. */
    public static final String UNREACHABLE = "node unreachable";

    /** Fails every unfinished job of a node with {@code info}; returns how many. */
    public int failOpenJobs(String identity, String info, long now) {
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement("UPDATE job_nodes SET state = 'failed', info = ?, "
                    + "finished_at = ? WHERE identity = ? AND state IN " + OPEN_STATES)) {
                ps.setString(1, info);
                ps.setLong(2, now);
                ps.setString(3, identity);
                return ps.executeUpdate();
            } catch (SQLException e) {
                throw fail("fail open jobs of " + identity, e);
            }
        }
    }

    /**
     * For run-once: the node where a run-once job with this fingerprint succeeded, or failing
     * that one where it is still open, so it never runs twice in the cluster.
     */
    public Optional<RunOnceHolder> runOnceHolder(String fingerprint) {
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement("""
                    SELECT n.identity, n.state FROM jobs j JOIN job_nodes n ON n.job_id = j.job_id
                    WHERE j.fingerprint = ? AND j.run_once = 1
                      AND n.state IN ('success','queued','processing')
                    ORDER BY CASE n.state WHEN 'success' THEN 0 ELSE 1 END, j.seq LIMIT 1""")) {
                ps.setString(1, fingerprint);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return Optional.of(new RunOnceHolder(rs.getString(1),
                                NodeState.fromWire(rs.getString(2)) == NodeState.SUCCESS));
                    }
                    return Optional.empty();
                }
            } catch (SQLException e) {
                throw fail("look up run-once " + fingerprint, e);
            }
        }
    }

    /** Where a run-once job ran (done) or is running (not done). */
    public record RunOnceHolder(String identity, boolean done) {
    }

    // ---- kept deployments --------------------------------------------------------------------

    public void saveDeployment(Deployment deployment) {
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement(
                    "INSERT OR REPLACE INTO deployments (id, document, created) VALUES (?,?,?)")) {
                ps.setString(1, deployment.id());
                ps.setString(2, json(deployment));
                ps.setLong(3, deployment.created());
                ps.executeUpdate();
            } catch (SQLException e) {
                throw fail("store deployment " + deployment.id(), e);
            }
        }
    }

    public void deleteDeployment(String id) {
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement("DELETE FROM deployments WHERE id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw fail("delete deployment " + id, e);
            }
        }
    }

    public List<Deployment> loadDeployments() {
        synchronized (reader) {
            try (Statement st = reader.createStatement();
                 ResultSet rs = st.executeQuery("SELECT document FROM deployments ORDER BY created")) {
                List<Deployment> deployments = new ArrayList<>();
                while (rs.next()) {
                    deployments.add(JSON.readValue(rs.getString(1), Deployment.class));
                }
                return deployments;
            } catch (SQLException | JsonProcessingException e) {
                throw fail("load deployments", e);
            }
        }
    }

    // ---- capacity forwarding ----------------------------------------------------------------

    /**
     * Moves jobs from a node that refused them for capacity to another one, in one transaction:
     * their open targets on {@code from} become {@code skipped} with {@code info}, {@code to}
     * becomes a new {@code queued} target of each (after the others), and the hop is recorded.
     */
    public void forward(List<String> jobIds, String from, String to, String reason, String info, long now) {
        synchronized (writer) {
            inTransaction(writer, "forward jobs from " + from + " to " + to, () -> {
                try (PreparedStatement skip = writer.prepareStatement("UPDATE job_nodes SET state = 'skipped', "
                        + "info = ?, finished_at = ? WHERE job_id = ? AND identity = ? AND state IN " + OPEN_STATES);
                     PreparedStatement add = writer.prepareStatement("""
                             INSERT OR IGNORE INTO job_nodes (job_id, identity, position, state)
                             VALUES (?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM job_nodes WHERE job_id = ?),
                                     'queued')""")) {
                    for (String jobId : jobIds) {
                        skip.setString(1, info);
                        skip.setLong(2, now);
                        skip.setString(3, jobId);
                        skip.setString(4, from);
                        skip.executeUpdate();
                        add.setString(1, jobId);
                        add.setString(2, to);
                        add.setString(3, jobId);
                        add.executeUpdate();
                        insertHop(jobId, from, to, reason, now);
                    }
                }
            });
        }
    }

    /**
     * No candidate is left: {@code jobId} fails on {@code from} with {@code info}, and the targets
     * its group was forwarded from (skipped so far) fail too, so the job reads as failed.
     */
    public void failForwarding(List<String> jobIds, String refusedJobId, String from, String reason, String info,
                               long now) {
        synchronized (writer) {
            inTransaction(writer, "fail forwarded jobs", () -> {
                try (PreparedStatement fail = writer.prepareStatement("UPDATE job_nodes SET state = 'failed', "
                        + "info = ?, finished_at = ? WHERE job_id = ? AND identity = ? AND state IN " + OPEN_STATES);
                     PreparedStatement earlier = writer.prepareStatement("UPDATE job_nodes SET state = 'failed' "
                             + "WHERE job_id = ? AND state = 'skipped' AND info LIKE 'forwarded to %'")) {
                    fail.setString(1, info);
                    fail.setLong(2, now);
                    fail.setString(3, refusedJobId);
                    fail.setString(4, from);
                    fail.executeUpdate();
                    for (String jobId : jobIds) {
                        earlier.setString(1, jobId);
                        earlier.executeUpdate();
                        insertHop(jobId, from, null, reason, now);
                    }
                }
            });
        }
    }

    private void insertHop(String jobId, String from, String to, String reason, long now) throws SQLException {
        try (PreparedStatement hop = writer.prepareStatement("""
                INSERT INTO job_hops (job_id, seq, from_node, to_node, reason, at)
                VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM job_hops WHERE job_id = ?), ?, ?, ?, ?)""")) {
            hop.setString(1, jobId);
            hop.setString(2, jobId);
            hop.setString(3, from);
            hop.setString(4, to);
            hop.setString(5, reason);
            hop.setLong(6, now);
            hop.executeUpdate();
        }
    }

    /** The hops of a job, oldest first (reader connection). */
    public List<Hop> hops(String jobId) {
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement(
                    "SELECT from_node, to_node, reason, at FROM job_hops WHERE job_id = ? ORDER BY seq")) {
                ps.setString(1, jobId);
                List<Hop> hops = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        hops.add(new Hop(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
                    }
                }
                return hops;
            } catch (SQLException e) {
                throw fail("read the hops of " + jobId, e);
            }
        }
    }

    public int purgeJobs() {
        synchronized (writer) {
            int[] count = new int[1];
            inTransaction(writer, "purge jobs", () -> {
                try (Statement st = writer.createStatement()) {
                    st.executeUpdate("DELETE FROM job_nodes");
                    st.executeUpdate("DELETE FROM job_hops");
                    count[0] = st.executeUpdate("DELETE FROM jobs");
                }
            });
            return count[0];
        }
    }

    // ---- reads for the API --------------------------------------------------------------------

    public Optional<StoredJob> findJob(String jobId, boolean withOutput) {
        List<StoredJob> jobs = findJobs(List.of(jobId), withOutput);
        return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(0));
    }

    public Optional<String> lastJobId() {
        synchronized (reader) {
            try (Statement st = reader.createStatement();
                 ResultSet rs = st.executeQuery("SELECT job_id FROM jobs ORDER BY seq DESC LIMIT 1")) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            } catch (SQLException e) {
                throw fail("find the last job", e);
            }
        }
    }

    /** The jobs with these ids, in the order given; unknown ids are left out. */
    public List<StoredJob> findJobs(List<String> jobIds, boolean withOutput) {
        Map<String, StoredJob> found = new LinkedHashMap<>();
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement(
                    "SELECT job_id, parent_id, name, definition, fingerprint, queue, files, created FROM jobs WHERE job_id = ?")) {
                for (String id : jobIds) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            found.put(id, new StoredJob(job(rs), rs.getLong("created"), new LinkedHashMap<>()));
                        }
                    }
                }
                loadOutcomes(found, withOutput);
            } catch (SQLException e) {
                throw fail("read jobs", e);
            }
        }
        return List.copyOf(found.values());
    }

    /** Every job, oldest first, without output. */
    public List<StoredJob> listJobs() {
        Map<String, StoredJob> found = new LinkedHashMap<>();
        synchronized (reader) {
            try (Statement st = reader.createStatement();
                 ResultSet rs = st.executeQuery(
                         "SELECT job_id, parent_id, name, definition, fingerprint, queue, files, created FROM jobs ORDER BY seq")) {
                while (rs.next()) {
                    found.put(rs.getString("job_id"), new StoredJob(job(rs), rs.getLong("created"),
                            new LinkedHashMap<>()));
                }
                loadOutcomes(found, false);
            } catch (SQLException e) {
                throw fail("list jobs", e);
            }
        }
        return List.copyOf(found.values());
    }

    private void loadOutcomes(Map<String, StoredJob> jobs, boolean withOutput) throws SQLException {
        if (jobs.isEmpty()) {
            return;
        }
        String columns = withOutput ? "stdout, stderr" : "NULL AS stdout, NULL AS stderr";
        String sql = "SELECT job_id, identity, state, exit_code, " + columns + ", info, dispatched_at, started_at, "
                + "finished_at, execution_time, roundtrip_time FROM job_nodes "
                + (jobs.size() == 1 ? "WHERE job_id = ? " : "") + "ORDER BY job_id, position";
        try (PreparedStatement ps = reader.prepareStatement(sql)) {
            if (jobs.size() == 1) {
                ps.setString(1, jobs.keySet().iterator().next());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StoredJob job = jobs.get(rs.getString("job_id"));
                    if (job == null) {
                        continue;
                    }
                    int exit = rs.getInt("exit_code");
                    Integer exitCode = rs.wasNull() ? null : exit;
                    double exec = rs.getDouble("execution_time");
                    Double executionTime = rs.wasNull() ? null : exec;
                    double rt = rs.getDouble("roundtrip_time");
                    Double roundtripTime = rs.wasNull() ? null : rt;
                    job.nodes().put(rs.getString("identity"), new NodeOutcome(rs.getString("identity"),
                            NodeState.fromWire(rs.getString("state")), exitCode, output(rs, "stdout", withOutput),
                            output(rs, "stderr", withOutput), rs.getString("info"), rs.getLong("dispatched_at"),
                            rs.getLong("started_at"), rs.getLong("finished_at"), executionTime, roundtripTime));
                }
            }
        }
    }

    /** Output as stored; "" for a node that produced none yet, null when output was not asked for. */
    private static String output(ResultSet rs, String column, boolean withOutput) throws SQLException {
        String text = rs.getString(column);
        return withOutput && text == null ? "" : text;
    }

    private static Job job(ResultSet rs) throws SQLException {
        try {
            JobDefinition definition = JSON.readValue(rs.getString("definition"), JobDefinition.class);
            List<TransferFile> files = JSON.readValue(rs.getString("files"), FILE_LIST);
            return new Job(rs.getString("job_id"), rs.getString("parent_id"), rs.getString("name"), definition,
                    rs.getString("fingerprint"), rs.getString("queue"), files);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable job definition of " + rs.getString("job_id"), e);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private interface SqlWork {
        void run() throws SQLException;
    }

    private void inTransaction(Connection connection, String what, SqlWork work) {
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            throw fail(what, e);
        }
        try {
            work.run();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            // SQLite rolls back by itself on some errors (SQLITE_FULL, SQLITE_IOERR): then our
            // rollback and the commit in setAutoCommit fail too, and must not hide the cause.
            try {
                connection.rollback();
            } catch (SQLException alreadyRolledBack) {
                e.addSuppressed(alreadyRolledBack);
            }
            throw e instanceof SQLException sql ? fail(what, sql) : (RuntimeException) e;
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException noTransaction) {
                // The transaction ended already (committed or rolled back); the flag is set anyway.
            }
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private StoreException fail(String what, Exception e) {
        if (Thread.holdsLock(writer)) {
            // A statement that failed in SQLite (a full disk, say) cannot run again ("statement
            // is not executing"): the kept ones are prepared afresh at their next use.
            forgetKept();
        }
        return new StoreException("datastore " + path + ": cannot " + what + ": " + e.getMessage(), e);
    }

    private void forgetKept() {
        for (PreparedStatement ps : kept.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // dropped anyway
            }
        }
        kept.clear();
    }

    /** A writer statement prepared once and kept; the caller holds the writer's lock. */
    private PreparedStatement kept(String sql) throws SQLException {
        PreparedStatement ps = kept.get(sql);
        if (ps == null) {
            ps = writer.prepareStatement(sql);
            kept.put(sql, ps);
        }
        return ps;
    }

    @Override
    public void close() {
        synchronized (writer) {
            forgetKept();
            try {
                writer.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        synchronized (reader) {
            try {
                reader.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
