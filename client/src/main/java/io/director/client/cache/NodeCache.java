package io.director.client.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.JobResult;
import io.director.dsl.wire.NodeState;
import io.director.dsl.wire.WireCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The node's durable state, one SQLite file under the cache path:
 * <ul>
 *   <li>{@code inbox}: every job received (pending, running, done), so a repeat is recognised
 *       and a restart knows what it was doing;</li>
 *   <li>{@code outbox}: results the server has not acknowledged yet, sent again after a reconnect;</li>
 *   <li>{@code succeeded}: cache keys of jobs that succeeded here, each with the job's own
 *       fingerprint ({@code job_fingerprint}) so CACHEEVICT can name a job by it even when the
 *       key also covers the job's rendered inputs;</li>
 *   <li>{@code args}: the node's ARGs, each a JSON value;</li>
 *   <li>{@code envs}: the node's ENVs, plain strings.</li>
 * </ul>
 * Used by the link and the runner threads; every method is synchronized on the connection.
 */
public final class NodeCache implements AutoCloseable {

    private static final ObjectMapper JSON = WireCodec.mapper();
    /** The fingerprint inside a job as the inbox stores it (wire JSON). */
    private static final String JOB_FINGERPRINT_OF_INBOX = "SELECT json_extract(job, '$.fingerprint') FROM inbox";

    private static final String MARK_RUNNING = "UPDATE inbox SET state = 'running' WHERE job_id = ?";

    /** Where a received job stands. */
    public enum Arrival { NEW, PENDING, DONE }

    /** How long opening waits for the cache held by another process (one that is stopping). */
    static final int CLAIM_WAIT_MILLIS = 3000;
    /** SQLite's page cache for the node cache, in KiB. */
    static final int PAGE_CACHE_KIB = 512;
    private static final int SQLITE_BUSY = 5;

    private final Connection db;
    /** Prepared statements by SQL, kept for the connection's life (see {@link #prepared}). */
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    private NodeCache(Connection db) {
        this.db = db;
    }

    /**
     * Opens the cache and holds it for this process until {@link #close}: a second client on the
     * same cache path is refused, since two daemons on one inbox would run its jobs twice.
     *
     * @throws CacheHeldException   when another process holds the cache
     * @throws IllegalStateException when it cannot be opened
     */
    public static NodeCache open(Path cacheDir) {
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cache path " + cacheDir, e);
        }
        Connection db = null;
        try {
            db = DriverManager.getConnection("jdbc:sqlite:" + cacheDir.resolve("client.db"));
            try (Statement st = db.createStatement()) {
                claim(st, cacheDir);
                st.execute("""
                        CREATE TABLE IF NOT EXISTS inbox (
                          seq INTEGER PRIMARY KEY AUTOINCREMENT,
                          job_id TEXT NOT NULL UNIQUE,
                          job TEXT NOT NULL,
                          state TEXT NOT NULL,
                          received_at INTEGER NOT NULL)""");
                st.execute("CREATE INDEX IF NOT EXISTS inbox_open ON inbox(state) WHERE state <> 'done'");
                st.execute("""
                        CREATE TABLE IF NOT EXISTS workloads (
                          kind TEXT NOT NULL,
                          name TEXT NOT NULL,
                          record TEXT NOT NULL,
                          updated_at INTEGER NOT NULL,
                          PRIMARY KEY (kind, name))""");
                st.execute("""
                        CREATE TABLE IF NOT EXISTS workload_projects (
                          kind TEXT NOT NULL,
                          name TEXT NOT NULL,
                          project TEXT NOT NULL,
                          PRIMARY KEY (kind, name))""");
                st.execute("CREATE TABLE IF NOT EXISTS outbox (job_id TEXT PRIMARY KEY, result TEXT NOT NULL)");
                st.execute("""
                        CREATE TABLE IF NOT EXISTS succeeded (
                          fingerprint TEXT PRIMARY KEY,
                          job_id TEXT NOT NULL,
                          finished_at INTEGER NOT NULL)""");
                addJobFingerprintColumn(st);
                addInboxOutcomeColumn(st);
                st.execute("CREATE TABLE IF NOT EXISTS args (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
                st.execute("CREATE TABLE IF NOT EXISTS envs (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
            }
            return new NodeCache(db);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(db);
            if (e instanceof IllegalStateException refused) {
                throw refused;
            }
            throw new IllegalStateException("cannot open the node cache in " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Takes the cache for this connection's life. Exclusive locking mode, set before the first
     * access in WAL mode, also keeps the WAL index in this process's memory: no lock calls per
     * transaction (about two dozen system calls a job before, docs/performance.md, Throughput).
     * A client that just stopped may still be closing: the lock is waited for briefly.
     */
    private static void claim(Statement st, Path cacheDir) throws SQLException {
        st.execute("PRAGMA locking_mode=EXCLUSIVE");
        st.execute("PRAGMA busy_timeout=" + CLAIM_WAIT_MILLIS);
        try {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("BEGIN EXCLUSIVE");
            st.execute("COMMIT");
        } catch (SQLException e) {
            if (e.getErrorCode() == SQLITE_BUSY || String.valueOf(e.getMessage()).contains("SQLITE_BUSY")) {
                throw new CacheHeldException("the node cache in " + cacheDir + " is held by another client:"
                        + " one client per --cache-path");
            }
            throw e;
        }
        st.execute("PRAGMA synchronous=NORMAL");
        // A node's hot pages are few (the newest inbox and outbox rows, their indexes): SQLite's
        // default page cache (2 MB) filled with old rows over a few thousand jobs and stayed resident.
        st.execute("PRAGMA cache_size=-" + PAGE_CACHE_KIB);
    }

    /** Another process (or connection) holds the cache: {@link #open} refused it. */
    public static final class CacheHeldException extends IllegalStateException {
        CacheHeldException(String message) {
            super(message);
        }
    }

    private static void closeQuietly(Connection db) {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException ignored) {
                // already failing
            }
        }
    }

    /**
     * Records received jobs, in one transaction (a burst the link read at once comes as one): a
     * transaction a job was most of the cost of taking in a thousand jobs submitted at once.
     * Says for each, in order, whether it is new, still to finish, or already done.
     */
    public synchronized List<Arrival> receiveAll(List<Job> jobs, long now) {
        return transaction("record " + jobs.size() + " received job(s)", () -> {
            List<Arrival> arrivals = new ArrayList<>(jobs.size());
            PreparedStatement find = prepared("SELECT state FROM inbox WHERE job_id = ?");
            PreparedStatement insert = prepared(
                    "INSERT INTO inbox (job_id, job, state, received_at) VALUES (?,?,'pending',?)");
            for (Job job : jobs) {
                find.setString(1, job.jobId());
                Arrival arrival = null;
                try (ResultSet rs = find.executeQuery()) {
                    if (rs.next()) {
                        arrival = "done".equals(rs.getString(1)) ? Arrival.DONE : Arrival.PENDING;
                    }
                }
                if (arrival == null) {
                    insert.setString(1, job.jobId());
                    insert.setString(2, JSON.writeValueAsString(job));
                    insert.setLong(3, now);
                    insert.executeUpdate();
                    arrival = Arrival.NEW;
                }
                arrivals.add(arrival);
            }
            return arrivals;
        });
    }

    /** Jobs received but not started, in arrival order. */
    public synchronized List<Job> pendingJobs() {
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT job FROM inbox WHERE state = 'pending' ORDER BY seq")) {
            List<Job> jobs = new ArrayList<>();
            while (rs.next()) {
                jobs.add(JSON.readValue(rs.getString(1), Job.class));
            }
            return jobs;
        } catch (SQLException | JsonProcessingException e) {
            throw failed("read pending jobs", e);
        }
    }

    /**
     * Forgets finished jobs received before {@code before} whose results the server has: the
     * inbox only needs to remember a job as long as the server might send it again.
     */
    public synchronized int pruneDone(long before) {
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM inbox WHERE state = 'done' AND received_at < ? "
                + "AND job_id NOT IN (SELECT job_id FROM outbox)")) {
            ps.setLong(1, before);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failed("prune the inbox", e);
        }
    }

    public synchronized void markRunning(String jobId) {
        update(MARK_RUNNING, jobId);
    }

    /**
     * A restart found jobs marked running: the process that ran them is gone. Each becomes a
     * failed result in the outbox, as the spec says ("client restarted").
     */
    public synchronized List<JobResult> failInterrupted(long now) {
        List<JobResult> failed = new ArrayList<>();
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT job_id FROM inbox WHERE state = 'running'")) {
            while (rs.next()) {
                failed.add(new JobResult(rs.getString(1), NodeState.FAILED, null, "", "", "client restarted",
                        0, now, now));
            }
        } catch (SQLException e) {
            throw failed("find interrupted jobs", e);
        }
        for (JobResult result : failed) {
            finish(result, null);
        }
        return failed;
    }

    /**
     * Orchestrations (parent ids) with a job that failed here, each with the first such job, as
     * the inbox remembers them: a restarted client goes on cancelling the rest of an
     * orchestration that failed before the restart, "client restarted" included.
     */
    public synchronized Map<String, String> failedOrchestrations() {
        Map<String, String> failed = new LinkedHashMap<>();
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT job FROM inbox WHERE outcome = 'failed' ORDER BY seq")) {
            while (rs.next()) {
                Job job = JSON.readValue(rs.getString(1), Job.class);
                if (job.parentId() != null) {
                    failed.putIfAbsent(job.parentId(), job.jobId());
                }
            }
            return failed;
        } catch (SQLException | JsonProcessingException e) {
            throw failed("read failed orchestrations", e);
        }
    }

    /**
     * Stores a job's result in the outbox and marks it done, in one transaction; when
     * {@code cacheFingerprint} is given, the job also counts as succeeded here.
     */
    public synchronized void finish(JobResult result, String cacheFingerprint) {
        finishAndStart(result, cacheFingerprint, null);
    }

    /**
     * {@link #finish} and, in the same transaction, marks {@code nextJobId} (the next job of the
     * same queue, already known to run) running: one commit between two jobs instead of two.
     *
     * @param nextJobId the job to mark running, or null
     */
    public synchronized void finishAndStart(JobResult result, String cacheFingerprint, String nextJobId) {
        transaction("store the result of " + result.jobId(), () -> {
            PreparedStatement outbox = prepared("INSERT OR REPLACE INTO outbox (job_id, result) VALUES (?,?)");
            outbox.setString(1, result.jobId());
            outbox.setString(2, JSON.writeValueAsString(result));
            outbox.executeUpdate();
            PreparedStatement done = prepared("UPDATE inbox SET state = 'done', outcome = ? WHERE job_id = ?");
            done.setString(1, result.state().wireName());
            done.setString(2, result.jobId());
            done.executeUpdate();
            if (cacheFingerprint != null) {
                // An upsert: a key stored before (the same job run again) is updated where it is,
                // where INSERT OR REPLACE deleted the row and its index entry and inserted both anew.
                PreparedStatement succeeded = prepared(
                        "INSERT INTO succeeded (fingerprint, job_id, finished_at, job_fingerprint) "
                                + "VALUES (?,?,?,(" + JOB_FINGERPRINT_OF_INBOX + " WHERE job_id = ?)) "
                                + "ON CONFLICT (fingerprint) DO UPDATE SET job_id = excluded.job_id, "
                                + "finished_at = excluded.finished_at, job_fingerprint = excluded.job_fingerprint");
                succeeded.setString(1, cacheFingerprint);
                succeeded.setString(2, result.jobId());
                succeeded.setLong(3, result.finishedAt());
                succeeded.setString(4, result.jobId());
                succeeded.executeUpdate();
            }
            if (nextJobId != null) {
                PreparedStatement running = prepared(MARK_RUNNING);
                running.setString(1, nextJobId);
                running.executeUpdate();
            }
            return null;
        });
    }

    /** Work of one transaction: SQL and JSON, any of which fails it as a whole. */
    private interface TransactionWork<T> {
        T run() throws SQLException, JsonProcessingException;
    }

    /** Runs {@code work} in one transaction, rolled back if any of it fails. */
    private <T> T transaction(String what, TransactionWork<T> work) {
        try {
            db.setAutoCommit(false);
            try {
                T value = work.run();
                db.commit();
                return value;
            } catch (SQLException | JsonProcessingException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException | JsonProcessingException e) {
            throw failed(what, e);
        }
    }

    /** Results the server has not acknowledged yet, oldest first. */
    public synchronized List<JobResult> unacknowledged() {
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT result FROM outbox ORDER BY rowid")) {
            List<JobResult> results = new ArrayList<>();
            while (rs.next()) {
                results.add(JSON.readValue(rs.getString(1), JobResult.class));
            }
            return results;
        } catch (SQLException | JsonProcessingException e) {
            throw failed("read the outbox", e);
        }
    }

    public synchronized JobResult unacknowledged(String jobId) {
        try (PreparedStatement ps = db.prepareStatement("SELECT result FROM outbox WHERE job_id = ?")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? JSON.readValue(rs.getString(1), JobResult.class) : null;
            }
        } catch (SQLException | JsonProcessingException e) {
            throw failed("read the outbox", e);
        }
    }

    /** Forgets results the server acknowledged together, in one transaction. */
    public synchronized void acknowledged(List<String> jobIds) {
        transaction("forget " + jobIds.size() + " acknowledged result(s)", () -> {
            PreparedStatement delete = prepared("DELETE FROM outbox WHERE job_id = ?");
            for (String jobId : jobIds) {
                delete.setString(1, jobId);
                delete.executeUpdate();
            }
            return null;
        });
    }

    /** Whether a job with this fingerprint succeeded on this node before. */
    public synchronized boolean succeededBefore(String fingerprint) {
        try {
            PreparedStatement ps = prepared("SELECT 1 FROM succeeded WHERE fingerprint = ?");
            ps.setString(1, fingerprint);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw failed("read the cache", e);
        }
    }

    /** Every stored ARG: name to its value as JSON, in name order. */
    public synchronized Map<String, String> args() {
        return readPairs("SELECT name, value FROM args ORDER BY name", "read the ARGs");
    }

    /** The JSON value of one ARG, or null when it is not set. */
    public synchronized String arg(String name) {
        try (PreparedStatement ps = db.prepareStatement("SELECT value FROM args WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw failed("read ARG " + name, e);
        }
    }

    /** Stores ARGs (name to JSON value), all or none. */
    public synchronized void putArgs(Map<String, String> jsonByName) {
        transaction("store ARGs", () -> {
            for (Map.Entry<String, String> arg : jsonByName.entrySet()) {
                putPair("INSERT OR REPLACE INTO args (name, value) VALUES (?,?)", arg.getKey(), arg.getValue());
            }
            return null;
        });
    }

    /**
     * Replaces one ARG by {@code change(current)} (current is null when unset) atomically, so two
     * job queues extending the same ARG both count. An exception from {@code change} leaves it as it was.
     */
    public synchronized void updateArg(String name, UnaryOperator<String> change) {
        String next = change.apply(arg(name));
        putPair("INSERT OR REPLACE INTO args (name, value) VALUES (?,?)", name, next);
    }

    /** Every stored ENV, in name order. */
    public synchronized Map<String, String> envs() {
        return readPairs("SELECT name, value FROM envs ORDER BY name", "read the ENVs");
    }

    public synchronized void putEnv(String name, String value) {
        putPair("INSERT OR REPLACE INTO envs (name, value) VALUES (?,?)", name, value);
    }

    /** Forgets every ARG; returns how many there were. */
    public synchronized int clearArgs() {
        return delete("DELETE FROM args", null, "clear the ARGs");
    }

    /** Forgets every ENV; returns how many there were. */
    public synchronized int clearEnvs() {
        return delete("DELETE FROM envs", null, "clear the ENVs");
    }

    /** Forgets every job that succeeded here, so each runs again; returns how many there were. */
    public synchronized int clearSucceeded() {
        return delete("DELETE FROM succeeded", null, "clear the job cache");
    }

    /**
     * Forgets that the job with this fingerprint succeeded here, whatever inputs it ran with (or
     * the one entry with this cache key); returns how many entries there were.
     */
    public synchronized int forgetSucceeded(String fingerprint) {
        try (PreparedStatement ps = db.prepareStatement(
                "DELETE FROM succeeded WHERE fingerprint = ? OR job_fingerprint = ?")) {
            ps.setString(1, fingerprint);
            ps.setString(2, fingerprint);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failed("evict " + fingerprint, e);
        }
    }

    /**
     * Caches made before {@code job_fingerprint} existed get the column, filled from the inbox
     * where the job is still remembered.
     */
    /** Caches made before the inbox kept each job's outcome get the column (empty for old rows). */
    private static void addInboxOutcomeColumn(Statement st) throws SQLException {
        try (ResultSet columns = st.executeQuery("SELECT 1 FROM pragma_table_info('inbox') WHERE name = 'outcome'")) {
            if (columns.next()) {
                return;
            }
        }
        st.execute("ALTER TABLE inbox ADD COLUMN outcome TEXT");
    }

    private static void addJobFingerprintColumn(Statement st) throws SQLException {
        try (ResultSet columns = st.executeQuery("SELECT 1 FROM pragma_table_info('succeeded') "
                + "WHERE name = 'job_fingerprint'")) {
            if (columns.next()) {
                return;
            }
        }
        st.execute("ALTER TABLE succeeded ADD COLUMN job_fingerprint TEXT");
        st.execute("UPDATE succeeded SET job_fingerprint = (" + JOB_FINGERPRINT_OF_INBOX
                + " WHERE inbox.job_id = succeeded.job_id)");
        st.execute("CREATE INDEX IF NOT EXISTS succeeded_by_job ON succeeded(job_fingerprint)");
    }

    private Map<String, String> readPairs(String sql, String what) {
        // Read for every job (its template context and environment): prepared once.
        try (ResultSet rs = prepared(sql).executeQuery()) {
            Map<String, String> pairs = new LinkedHashMap<>();
            while (rs.next()) {
                pairs.put(rs.getString(1), rs.getString(2));
            }
            return pairs;
        } catch (SQLException e) {
            throw failed(what, e);
        }
    }

    private void putPair(String sql, String name, String value) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failed("store " + name, e);
        }
    }

    private int delete(String sql, String parameter, String what) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            if (parameter != null) {
                ps.setString(1, parameter);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failed(what, e);
        }
    }

    // ---- workloads (jails, VMs): one JSON record per kind and name ---------------------------

    /** Stores (or replaces) the record of a workload, e.g. kind {@code jail}, its spec and state as JSON. */
    public synchronized void putWorkload(String kind, String name, String recordJson) {
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT OR REPLACE INTO workloads (kind, name, record, updated_at) VALUES (?,?,?,?)")) {
            ps.setString(1, kind);
            ps.setString(2, name);
            ps.setString(3, recordJson);
            ps.setLong(4, System.currentTimeMillis());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failed("store " + kind + " " + name, e);
        }
    }

    /** The record of a workload as stored, or null. */
    public synchronized String workload(String kind, String name) {
        try (PreparedStatement ps = db.prepareStatement("SELECT record FROM workloads WHERE kind = ? AND name = ?")) {
            ps.setString(1, kind);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw failed("read " + kind + " " + name, e);
        }
    }

    /** Every record of a kind, by name. */
    public synchronized java.util.Map<String, String> workloads(String kind) {
        try (PreparedStatement ps = db.prepareStatement("SELECT name, record FROM workloads WHERE kind = ? ORDER BY name")) {
            ps.setString(1, kind);
            java.util.Map<String, String> records = new java.util.LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    records.put(rs.getString(1), rs.getString(2));
                }
            }
            return records;
        } catch (SQLException e) {
            throw failed("list " + kind + "s", e);
        }
    }

    /** Forgets a workload; returns whether there was one. */
    public synchronized boolean deleteWorkload(String kind, String name) {
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM workloads WHERE kind = ? AND name = ?")) {
            ps.setString(1, kind);
            ps.setString(2, name);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failed("forget " + kind + " " + name, e);
        }
    }

    private void update(String sql, String jobId) {
        try {
            PreparedStatement ps = prepared(sql);
            ps.setString(1, jobId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failed("update job " + jobId, e);
        }
    }

    /**
     * A statement of a job's way through the node (arrival, running, result, acknowledgement),
     * prepared once and kept: SQLite compiling the same SQL four to six times a job was a
     * measurable part of a short job's cost (docs/performance.md, Throughput).
     */
    private PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = db.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /**
     * The failure of an operation, after letting go of the kept statements: a statement that
     * failed in SQLite (a full disk, say) cannot run again ("statement is not executing"), so all
     * are prepared afresh at their next use.
     */
    private IllegalStateException failed(String what, Exception e) {
        forgetStatements();
        return fail(what, e);
    }

    private void forgetStatements() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // dropped anyway
            }
        }
        statements.clear();
    }

    private static IllegalStateException fail(String what, Exception e) {
        return new IllegalStateException("node cache: cannot " + what + ": " + e.getMessage(), e);
    }

    /** Tags a jail or VM with its project ({@code --project}); null removes the tag. */
    public synchronized void tagProject(String kind, String name, String project) {
        String sql = project == null ? "DELETE FROM workload_projects WHERE kind = ? AND name = ?"
                : "INSERT INTO workload_projects (kind, name, project) VALUES (?,?,?) "
                + "ON CONFLICT(kind, name) DO UPDATE SET project = excluded.project";
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, kind);
            ps.setString(2, name);
            if (project != null) {
                ps.setString(3, project);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot tag " + kind + " " + name + " with its project: " + e.getMessage(), e);
        }
    }

    /** The project of each tagged workload of a kind, by name. */
    public synchronized Map<String, String> projects(String kind) {
        try (PreparedStatement ps = db.prepareStatement("SELECT name, project FROM workload_projects WHERE kind = ?")) {
            ps.setString(1, kind);
            Map<String, String> projects = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    projects.put(rs.getString(1), rs.getString(2));
                }
            }
            return projects;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read workload projects: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        forgetStatements();
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }
}
