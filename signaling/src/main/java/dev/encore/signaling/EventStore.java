package dev.encore.signaling;

import static java.util.Objects.requireNonNull;

import dev.encore.show.live.ShowEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The show event log in an embedded SQLite database ({@code <data-dir>/encore.db}): one row per show run, one row per
 * {@link ShowEvent} (as {@link EventJson}) numbered from 1 within its run.
 *
 * <p><b>Durability.</b> WAL journal with {@code synchronous=FULL}: {@link #append} returns only after the WAL was fsynced,
 * so an acknowledged vote survives {@code kill -9} and a power cut. ({@code NORMAL} would survive a process crash but
 * could lose the last commits on power loss.) The cost, one fsync per commit, is shared by everything one show loop
 * gathered since its last commit: {@link ShowLoop} commits in groups and acknowledges after the commit.
 *
 * <p><b>Schema.</b> {@code schema_version} holds the number of the last migration applied; {@link #MIGRATIONS} are applied
 * in order, each in its own transaction, on {@link #open}. A database from a newer version of Encore is refused.
 *
 * <p><b>Threads:</b> thread-safe; one connection, calls serialized (each show loop calls it from its own thread).
 */
final class EventStore implements AutoCloseable {
    /** Migration n (from 1) is {@code MIGRATIONS.get(n - 1)}. Append only: never edit a released one. */
    static final List<List<String>> MIGRATIONS = List.of(
            List.of("CREATE TABLE show_runs (run_id INTEGER PRIMARY KEY AUTOINCREMENT, show_id TEXT NOT NULL,"
                            + " started_at TEXT NOT NULL)",
                    "CREATE INDEX show_runs_by_show ON show_runs (show_id, run_id)",
                    "CREATE TABLE events (run_id INTEGER NOT NULL REFERENCES show_runs (run_id), seq INTEGER NOT NULL,"
                            + " at TEXT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (run_id, seq))"
                            + " WITHOUT ROWID"));

    private final Connection db;
    private final Map<Long, Long> lastSeq = new HashMap<>();
    private boolean closed;

    private EventStore(Connection db) {
        this.db = db;
    }

    /** A show run as stored. */
    record Run(long runId, String showId, Instant startedAt, List<ShowEvent> events) {
    }

    /** Opens (creating when missing) the database file and brings its schema up to date. */
    static EventStore open(Path file) throws SQLException {
        requireNonNull(file, "file");
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try {
            try (Statement s = db.createStatement()) {
                try (ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
                    String mode = rs.next() ? rs.getString(1) : "?";
                    if (!"wal".equalsIgnoreCase(mode)) {
                        throw new SQLException("journal mode of " + file + ": " + mode + " (expected: wal)");
                    }
                }
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA foreign_keys=ON");
                s.execute("PRAGMA busy_timeout=5000");
            }
            migrate(db, file);
            db.setAutoCommit(false);
            return new EventStore(db);
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static void migrate(Connection db, Path file) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        }
        int version = readVersion(db);
        if (version > MIGRATIONS.size()) {
            throw new SQLException("schema version of " + file + ": " + version + " (expected: at most " + MIGRATIONS.size()
                    + "; the database was written by a newer Encore)");
        }
        for (int n = version + 1; n <= MIGRATIONS.size(); n++) {
            db.setAutoCommit(false);
            try (Statement s = db.createStatement()) {
                for (String sql : MIGRATIONS.get(n - 1)) {
                    s.execute(sql);
                }
                s.execute("DELETE FROM schema_version");
                s.execute("INSERT INTO schema_version (version) VALUES (" + n + ")");
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        }
    }

    private static int readVersion(Connection db) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    synchronized int schemaVersion() throws SQLException {
        check();
        return readVersion(db);
    }

    /** The latest run of a show with all its events in order, or empty when the show never ran. */
    synchronized Optional<Run> latestRun(String showId) throws SQLException {
        return readRun("SELECT run_id, started_at FROM show_runs WHERE show_id = ? ORDER BY run_id DESC LIMIT 1", showId,
                true);
    }

    /**
     * The latest run of a show whose set ended ({@code SetEnded} stored), with all its events; empty when there is none. A
     * read only: the run is not opened for appending.
     */
    synchronized Optional<Run> latestEndedRun(String showId) throws SQLException {
        return readRun("SELECT r.run_id, r.started_at FROM show_runs r WHERE r.show_id = ? AND EXISTS (SELECT 1 FROM events e"
                + " WHERE e.run_id = r.run_id AND e.kind = 'SetEnded') ORDER BY r.run_id DESC LIMIT 1", showId, false);
    }

    /**
     * The run {@code query} (run_id, started_at of the show given as its one parameter) finds, with its events; when
     * {@code forAppending}, {@link #append} may add to it next.
     */
    private Optional<Run> readRun(String query, String showId, boolean forAppending) throws SQLException {
        check();
        try {
            long runId;
            Instant startedAt;
            try (PreparedStatement q = db.prepareStatement(query)) {
                q.setString(1, showId);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        db.commit();
                        return Optional.empty();
                    }
                    runId = rs.getLong(1);
                    startedAt = Instant.parse(rs.getString(2));
                }
            }
            Stored stored = events(runId);
            db.commit();
            if (forAppending) {
                lastSeq.put(runId, stored.lastSeq());
            }
            return Optional.of(new Run(runId, showId, startedAt, stored.events()));
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
    }

    private record Stored(List<ShowEvent> events, long lastSeq) {
    }

    /** A run's events in order, and the sequence number of its last (0 for none). */
    private Stored events(long runId) throws SQLException {
        List<ShowEvent> events = new ArrayList<>();
        long seq = 0;
        try (PreparedStatement q = db.prepareStatement("SELECT seq, body FROM events WHERE run_id = ? ORDER BY seq")) {
            q.setLong(1, runId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    seq = rs.getLong(1);
                    events.add(EventJson.read(rs.getString(2)));
                }
            }
        }
        return new Stored(events, seq);
    }

    /** Starts a new run of a show; its events are {@link #append appended} next. */
    synchronized long newRun(String showId, Instant startedAt) throws SQLException {
        check();
        try (PreparedStatement q = db.prepareStatement("INSERT INTO show_runs (show_id, started_at) VALUES (?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            q.setString(1, showId);
            q.setString(2, startedAt.toString());
            q.executeUpdate();
            long runId;
            try (ResultSet keys = q.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("no run id for a new show run (expected: a generated key)");
                }
                runId = keys.getLong(1);
            }
            db.commit();
            lastSeq.put(runId, 0L);
            return runId;
        } catch (SQLException e) {
            rollbackQuietly();
            throw e;
        }
    }

    /**
     * Appends events to a run in one transaction, durable when this returns.
     *
     * @return the sequence number of the last event of the run
     */
    synchronized long append(long runId, List<ShowEvent> events) throws SQLException {
        check();
        Long last = lastSeq.get(runId);
        if (last == null) {
            throw new SQLException("run " + runId + " (expected: a run opened or read by this store)");
        }
        if (events.isEmpty()) {
            return last;
        }
        long seq = last;
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO events (run_id, seq, at, kind, body) VALUES (?, ?, ?, ?, ?)")) {
            for (ShowEvent event : events) {
                insert.setLong(1, runId);
                insert.setLong(2, ++seq);
                insert.setString(3, event.at().toString());
                insert.setString(4, event.getClass().getSimpleName());
                insert.setString(5, EventJson.write(event));
                insert.addBatch();
            }
            insert.executeBatch();
            db.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
        lastSeq.put(runId, seq);
        return seq;
    }

    private void rollbackQuietly() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // The connection is broken; the original failure is what matters.
        }
    }

    private void check() throws SQLException {
        if (closed) {
            throw new SQLException("event store is closed (expected: an open store)");
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        if (!closed) {
            closed = true;
            db.close();
        }
    }
}
