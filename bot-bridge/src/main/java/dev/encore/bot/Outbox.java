package dev.encore.bot;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.encore.bot.telegram.UrlButton;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The bot's durable outbox, in the show database ({@code <data-dir>/encore.db}, next to the signaling event log; tables
 * prefixed {@code tg_}). Every post and edit the bot makes is first a row here, keyed by (show, run, key), so that
 * replaying a run's events never makes a second post and a restart never loses one:
 * <ul>
 *   <li>{@link #enqueueSend} is {@code INSERT OR IGNORE}: the same key twice is one post;</li>
 *   <li>before a call to Telegram the row becomes {@code sending} (committed, and with {@code synchronous=FULL} fsynced),
 *   after it {@code sent} with the message id; a post found {@code sending} on start ({@link #recover}) may or may not be
 *   in the chat and becomes {@code unknown}: never re-sent blindly. Edits are idempotent and simply go back to
 *   {@code pending};</li>
 *   <li>an edit is a desired state ({@link #setEdit}): a newer version replaces an older one, sent or not, so a run of
 *   supply counts converges on the last;</li>
 *   <li>the {@code getUpdates} offset is stored here too, committed together with the reply it led to
 *   ({@link #commitUpdate}).</li>
 * </ul>
 *
 * <p>A row is a message ({@code sendMessage}), an edit, or a video ({@code sendVideo}: its text is the caption and
 * {@code video_path} names the file, uploaded when the row's turn comes; issue 7's highlights clip).
 *
 * <p><b>Schema.</b> {@code tg_schema_version} holds the number of the last of {@link #MIGRATIONS} applied (append only;
 * like the signaling event store's {@code schema_version}, but the bot's own). Each write is one {@code BEGIN IMMEDIATE}
 * transaction, so several connections to the file (one per bridge, the event store) wait for each other
 * ({@code busy_timeout}) instead of failing.
 *
 * <p><b>Threads:</b> thread-safe; one connection, calls serialized.
 */
final class Outbox implements AutoCloseable {
    /** Migration n (from 1) is {@code MIGRATIONS.get(n - 1)}. Append only: never edit a released one. */
    static final List<List<String>> MIGRATIONS = List.of(
            List.of("CREATE TABLE tg_outbox (show_id TEXT NOT NULL, run_id INTEGER NOT NULL, key TEXT NOT NULL,"
                            + " ord INTEGER NOT NULL, edit INTEGER NOT NULL, chat_id INTEGER NOT NULL, thread_id INTEGER,"
                            + " reply_to INTEGER, target_key TEXT, text TEXT NOT NULL, buttons TEXT NOT NULL,"
                            + " version INTEGER NOT NULL, min_interval_ms INTEGER NOT NULL, not_before_ms INTEGER NOT NULL,"
                            + " state TEXT NOT NULL, message_id INTEGER, attempts INTEGER NOT NULL, error TEXT,"
                            + " created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
                            + " PRIMARY KEY (show_id, run_id, key)) WITHOUT ROWID",
                    "CREATE INDEX tg_outbox_by_state ON tg_outbox (show_id, state, ord)",
                    "CREATE TABLE tg_chat_moves (show_id TEXT NOT NULL, from_chat INTEGER NOT NULL,"
                            + " to_chat INTEGER NOT NULL, at_ms INTEGER NOT NULL, PRIMARY KEY (show_id, from_chat))"
                            + " WITHOUT ROWID",
                    "CREATE TABLE tg_update_offsets (show_id TEXT NOT NULL PRIMARY KEY, next_offset INTEGER NOT NULL)"),
            // 2: video posts (sendVideo, issue 7): the file uploaded when the row is sent, and its length and size
            List.of("ALTER TABLE tg_outbox ADD COLUMN video_path TEXT",
                    "ALTER TABLE tg_outbox ADD COLUMN video_seconds INTEGER",
                    "ALTER TABLE tg_outbox ADD COLUMN video_width INTEGER",
                    "ALTER TABLE tg_outbox ADD COLUMN video_height INTEGER"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "ord, show_id, run_id, key, edit, chat_id, thread_id, reply_to, target_key, text,"
            + " buttons, version, min_interval_ms, not_before_ms, state, message_id, attempts, error, video_path, video_seconds,"
            + " video_width, video_height";

    private final Connection db;
    private boolean closed;

    private Outbox(Connection db) {
        this.db = db;
    }

    /** Opens (creating when missing) the database file and brings the bot's tables up to date. */
    static Outbox open(Path file) throws SQLException {
        requireNonNull(file, "file");
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try {
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA busy_timeout=5000");
                try (ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
                    String mode = rs.next() ? rs.getString(1) : "?";
                    if (!"wal".equalsIgnoreCase(mode)) {
                        throw new SQLException("journal mode of " + file + ": " + mode + " (expected: wal)");
                    }
                }
                s.execute("PRAGMA synchronous=FULL");
            }
            migrate(db, file);
            return new Outbox(db);
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static void migrate(Connection db, Path file) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS tg_schema_version (version INTEGER NOT NULL)");
        }
        while (true) {
            try (Statement s = db.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                try {
                    int version = readVersion(db);
                    if (version > MIGRATIONS.size()) {
                        throw new SQLException("bot schema version of " + file + ": " + version + " (expected: at most "
                                + MIGRATIONS.size() + "; the database was written by a newer Encore)");
                    }
                    if (version == MIGRATIONS.size()) {
                        s.execute("COMMIT");
                        return;
                    }
                    for (String sql : MIGRATIONS.get(version)) {
                        s.execute(sql);
                    }
                    s.execute("DELETE FROM tg_schema_version");
                    s.execute("INSERT INTO tg_schema_version (version) VALUES (" + (version + 1) + ")");
                    s.execute("COMMIT");
                } catch (SQLException | RuntimeException e) {
                    s.execute("ROLLBACK");
                    throw e;
                }
            }
        }
    }

    private static int readVersion(Connection db) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT max(version) FROM tg_schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    synchronized int schemaVersion() throws SQLException {
        check();
        return readVersion(db);
    }

    // ---- enqueueing ----

    /**
     * A new message, unless the key exists already in this run (then nothing changes).
     *
     * @return true when the row was added
     */
    synchronized boolean enqueueSend(String showId, long runId, String key, long chatId, Integer threadId, Integer replyTo,
            String text, List<UrlButton> buttons, Instant now) throws SQLException {
        check();
        return inTransaction(() -> insertSend(showId, runId, key, chatId, threadId, replyTo, text, buttons, null, now));
    }

    /**
     * A new video post ({@code sendVideo}) with {@code caption}, unless the key exists already in this run (then nothing
     * changes, whatever state the row is in).
     *
     * @return true when the row was added
     */
    synchronized boolean enqueueVideo(String showId, long runId, String key, long chatId, Integer threadId, String caption,
            List<UrlButton> buttons, OutboxVideo video, Instant now) throws SQLException {
        check();
        requireNonNull(video, "video");
        return inTransaction(() -> insertSend(showId, runId, key, chatId, threadId, null, caption, buttons, video, now));
    }

    private boolean insertSend(String showId, long runId, String key, long chatId, Integer threadId, Integer replyTo,
            String text, List<UrlButton> buttons, OutboxVideo video, Instant now) throws SQLException {
        try (PreparedStatement q = db.prepareStatement("INSERT OR IGNORE INTO tg_outbox (show_id, run_id, key, ord, edit,"
                + " chat_id, thread_id, reply_to, target_key, text, buttons, version, min_interval_ms, not_before_ms, state,"
                + " message_id, attempts, error, created_ms, updated_ms, video_path, video_seconds, video_width, video_height)"
                + " VALUES (?, ?, ?, " + nextOrd() + ", 0, ?, ?, ?, NULL, ?, ?, 0, 0, 0, 'pending', NULL, 0, NULL, ?, ?, ?, ?,"
                + " ?, ?)")) {
            q.setString(1, showId);
            q.setLong(2, runId);
            q.setString(3, key);
            q.setString(4, showId);
            q.setLong(5, chatId);
            setInteger(q, 6, threadId);
            setInteger(q, 7, replyTo);
            q.setString(8, text);
            q.setString(9, writeButtons(buttons));
            q.setLong(10, now.toEpochMilli());
            q.setLong(11, now.toEpochMilli());
            q.setString(12, video == null ? null : video.file().toAbsolutePath().toString());
            setInteger(q, 13, video == null ? null : video.durationSeconds());
            setInteger(q, 14, video == null ? null : video.width());
            setInteger(q, 15, video == null ? null : video.height());
            return q.executeUpdate() == 1;
        }
    }

    /** A subquery for the next place in a show's queue (the first parameter after it is bound to the show id). */
    private static String nextOrd() {
        return "(SELECT coalesce(max(ord), 0) + 1 FROM tg_outbox WHERE show_id = ?)";
    }

    /**
     * The desired state of an edit of post {@code targetKey}: added when new; when {@code version} is newer than the
     * stored one, it replaces it, and an edit already sent with other text goes back to {@code pending} (at the end of the
     * queue, and not before {@code minInterval} after its last send). Older or equal versions, and edits that ended
     * (skipped, failed), change nothing.
     *
     * @return true when something changed
     */
    synchronized boolean setEdit(String showId, long runId, String key, String targetKey, String text, List<UrlButton> buttons,
            long version, Duration minInterval, Instant now) throws SQLException {
        check();
        requireNonNull(targetKey, "targetKey");
        String buttonsJson = writeButtons(buttons);
        return inTransaction(() -> {
            OutboxEntry existing = select(showId, runId, key);
            if (existing == null) {
                try (PreparedStatement q = db.prepareStatement("INSERT INTO tg_outbox (show_id, run_id, key, ord, edit,"
                        + " chat_id, thread_id, reply_to, target_key, text, buttons, version, min_interval_ms, not_before_ms,"
                        + " state, message_id, attempts, error, created_ms, updated_ms) VALUES (?, ?, ?, " + nextOrd()
                        + ", 1, 0, NULL, NULL, ?, ?, ?, ?, ?, 0, 'pending', NULL, 0, NULL, ?, ?)")) {
                    q.setString(1, showId);
                    q.setLong(2, runId);
                    q.setString(3, key);
                    q.setString(4, showId);
                    q.setString(5, targetKey);
                    q.setString(6, text);
                    q.setString(7, buttonsJson);
                    q.setLong(8, version);
                    q.setLong(9, minInterval.toMillis());
                    q.setLong(10, now.toEpochMilli());
                    q.setLong(11, now.toEpochMilli());
                    q.executeUpdate();
                }
                return true;
            }
            if (version <= existing.version()) {
                return false;
            }
            boolean same = existing.text().equals(text) && writeButtons(existing.buttons()).equals(buttonsJson);
            String sql;
            switch (existing.state()) {
                case PENDING, SENDING -> sql = "UPDATE tg_outbox SET text = ?, buttons = ?, version = ?, updated_ms = ?";
                case SENT -> sql = same
                        ? "UPDATE tg_outbox SET text = ?, buttons = ?, version = ?, updated_ms = ?"
                        : "UPDATE tg_outbox SET text = ?, buttons = ?, version = ?, updated_ms = ?, state = 'pending',"
                                + " attempts = 0, error = NULL, ord = " + nextOrd();
                default -> {
                    return false;
                }
            }
            try (PreparedStatement q = db.prepareStatement(sql + " WHERE show_id = ? AND run_id = ? AND key = ?")) {
                int i = 1;
                q.setString(i++, text);
                q.setString(i++, buttonsJson);
                q.setLong(i++, version);
                q.setLong(i++, now.toEpochMilli());
                if (sql.endsWith(nextOrd())) {
                    q.setString(i++, showId);
                }
                q.setString(i++, showId);
                q.setLong(i++, runId);
                q.setString(i, key);
                q.executeUpdate();
            }
            return true;
        });
    }

    /** A pending row that is no longer wanted (e.g. a count edit once the closing edit is queued) becomes skipped. */
    synchronized void supersede(String showId, long runId, String key, String why) throws SQLException {
        check();
        inTransaction(() -> update("UPDATE tg_outbox SET state = 'skipped', error = ? WHERE show_id = ? AND run_id = ?"
                + " AND key = ? AND state = 'pending'", why, showId, runId, key));
    }

    // ---- reading ----

    synchronized OutboxEntry get(String showId, long runId, String key) throws SQLException {
        check();
        return inTransaction(() -> select(showId, runId, key));
    }

    /** The show's pending rows, in queue order. */
    synchronized List<OutboxEntry> pending(String showId) throws SQLException {
        check();
        return inTransaction(() -> selectAll("SELECT " + COLUMNS + " FROM tg_outbox WHERE show_id = ? AND state = 'pending'"
                + " ORDER BY ord", showId));
    }

    /** Every row of the show, in queue order. */
    synchronized List<OutboxEntry> entries(String showId) throws SQLException {
        check();
        return inTransaction(() -> selectAll("SELECT " + COLUMNS + " FROM tg_outbox WHERE show_id = ? ORDER BY ord", showId));
    }

    private OutboxEntry select(String showId, long runId, String key) throws SQLException {
        try (PreparedStatement q = db.prepareStatement("SELECT " + COLUMNS + " FROM tg_outbox WHERE show_id = ? AND run_id = ?"
                + " AND key = ?")) {
            q.setString(1, showId);
            q.setLong(2, runId);
            q.setString(3, key);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    private List<OutboxEntry> selectAll(String sql, String showId) throws SQLException {
        try (PreparedStatement q = db.prepareStatement(sql)) {
            q.setString(1, showId);
            try (ResultSet rs = q.executeQuery()) {
                List<OutboxEntry> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(read(rs));
                }
                return rows;
            }
        }
    }

    private static OutboxEntry read(ResultSet rs) throws SQLException {
        int threadId = rs.getInt(7);
        Integer thread = rs.wasNull() ? null : threadId;
        int replyTo = rs.getInt(8);
        Integer reply = rs.wasNull() ? null : replyTo;
        int messageId = rs.getInt(16);
        Integer message = rs.wasNull() ? null : messageId;
        String videoPath = rs.getString(19);
        OutboxVideo video = videoPath == null ? null : new OutboxVideo(Path.of(videoPath), rs.getInt(20), rs.getInt(21),
                rs.getInt(22));
        return new OutboxEntry(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getInt(5) != 0,
                rs.getLong(6), thread, reply, rs.getString(9), rs.getString(10), readButtons(rs.getString(11)), rs.getLong(12),
                Duration.ofMillis(rs.getLong(13)), Instant.ofEpochMilli(rs.getLong(14)),
                OutboxState.ofColumn(rs.getString(15)), message, rs.getInt(17), rs.getString(18), video);
    }

    // ---- the send cycle ----

    /** The row is about to be handed to Telegram in {@code chatId}; committed (fsynced) before the call. */
    synchronized void markSending(OutboxEntry row, long chatId, Instant now) throws SQLException {
        check();
        inTransaction(() -> update("UPDATE tg_outbox SET state = 'sending', chat_id = ?, attempts = attempts + 1,"
                + " updated_ms = ? WHERE show_id = ? AND run_id = ? AND key = ?", chatId, now.toEpochMilli(), row.showId(),
                row.runId(), row.key()));
    }

    /**
     * Telegram accepted the row: a post with {@code messageId} (null for an edit). An edit whose desired state changed while
     * it was being sent goes back to pending.
     */
    synchronized void markSent(OutboxEntry row, long chatId, Integer messageId, Instant now) throws SQLException {
        check();
        long notBefore = row.coalescing() ? now.plus(row.minInterval()).toEpochMilli() : 0;
        inTransaction(() -> update("UPDATE tg_outbox SET state = CASE WHEN version > ? THEN 'pending' ELSE 'sent' END,"
                + " chat_id = ?, message_id = ?, not_before_ms = ?, error = NULL, updated_ms = ? WHERE show_id = ?"
                + " AND run_id = ? AND key = ?", row.version(), chatId, messageId, notBefore, now.toEpochMilli(), row.showId(),
                row.runId(), row.key()));
    }

    /** Not done this time (rate limit, 5xx, nothing sent): pending again, not before {@code notBefore}. */
    synchronized void markRetry(OutboxEntry row, Instant notBefore, String error, Instant now) throws SQLException {
        check();
        inTransaction(() -> update("UPDATE tg_outbox SET state = 'pending', not_before_ms = ?, error = ?, updated_ms = ?"
                + " WHERE show_id = ? AND run_id = ? AND key = ?", notBefore.toEpochMilli(), error, now.toEpochMilli(),
                row.showId(), row.runId(), row.key()));
    }

    /** The row ended in {@code state} (unknown, failed, skipped) for the reason {@code error}. */
    synchronized void markEnded(OutboxEntry row, OutboxState state, String error, Instant now) throws SQLException {
        check();
        if (state != OutboxState.UNKNOWN && state != OutboxState.FAILED && state != OutboxState.SKIPPED) {
            throw new IllegalArgumentException("state: " + state + " (expected: unknown, failed or skipped)");
        }
        inTransaction(() -> update("UPDATE tg_outbox SET state = ?, error = ?, updated_ms = ? WHERE show_id = ?"
                + " AND run_id = ? AND key = ?", state.column(), error, now.toEpochMilli(), row.showId(), row.runId(),
                row.key()));
    }

    /**
     * After a restart: rows left {@code sending} by a process that stopped mid-call. Edits go back to pending (they are
     * idempotent); posts become {@code unknown} and are returned, to be reported.
     */
    synchronized List<OutboxEntry> recover(String showId, Instant now) throws SQLException {
        check();
        return inTransaction(() -> {
            List<OutboxEntry> interrupted = selectAll("SELECT " + COLUMNS + " FROM tg_outbox WHERE show_id = ?"
                    + " AND state = 'sending' AND edit = 0 ORDER BY ord", showId);
            update("UPDATE tg_outbox SET state = 'pending' WHERE show_id = ? AND state = 'sending' AND edit = 1", showId);
            update("UPDATE tg_outbox SET state = 'unknown', error = 'the process stopped during the send', updated_ms = ?"
                    + " WHERE show_id = ? AND state = 'sending' AND edit = 0", now.toEpochMilli(), showId);
            List<OutboxEntry> unknown = new ArrayList<>();
            for (OutboxEntry row : interrupted) {
                unknown.add(select(showId, row.runId(), row.key()));
            }
            return unknown;
        });
    }

    // ---- chats and updates ----

    /** The chat the bot should use for the configured {@code chatId}: itself, or where the group moved to. */
    synchronized long currentChat(String showId, long chatId) throws SQLException {
        check();
        return inTransaction(() -> {
            long chat = chatId;
            for (int hops = 0; hops < 16; hops++) {
                try (PreparedStatement q = db.prepareStatement("SELECT to_chat FROM tg_chat_moves WHERE show_id = ?"
                        + " AND from_chat = ?")) {
                    q.setString(1, showId);
                    q.setLong(2, chat);
                    try (ResultSet rs = q.executeQuery()) {
                        if (!rs.next()) {
                            return chat;
                        }
                        chat = rs.getLong(1);
                    }
                }
            }
            return chat;
        });
    }

    /** The group {@code from} became the supergroup {@code to}: remembered, and rows not yet sent follow it. */
    synchronized void moveChat(String showId, long from, long to, Instant now) throws SQLException {
        check();
        inTransaction(() -> {
            update("INSERT OR REPLACE INTO tg_chat_moves (show_id, from_chat, to_chat, at_ms) VALUES (?, ?, ?, ?)", showId, from,
                    to, now.toEpochMilli());
            update("UPDATE tg_outbox SET chat_id = ? WHERE show_id = ? AND chat_id = ? AND state IN ('pending', 'sending')"
                    + " AND edit = 0", to, showId, from);
            return null;
        });
    }

    /** The next {@code getUpdates} offset: one past the last update handled, or 0. */
    synchronized long updateOffset(String showId) throws SQLException {
        check();
        return inTransaction(() -> {
            try (PreparedStatement q = db.prepareStatement("SELECT next_offset FROM tg_update_offsets WHERE show_id = ?")) {
                q.setString(1, showId);
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /** A reply to an update, enqueued with the offset that marks the update handled. */
    record Reply(long runId, String key, long chatId, Integer threadId, Integer replyTo, String text) {
    }

    /**
     * An update was handled: in one transaction, its reply (if any) is enqueued and the offset moves to
     * {@code nextOffset} (never backwards).
     */
    synchronized void commitUpdate(String showId, long nextOffset, Reply reply, Instant now) throws SQLException {
        check();
        inTransaction(() -> {
            if (reply != null) {
                insertSend(showId, reply.runId(), reply.key(), reply.chatId(), reply.threadId(), reply.replyTo(), reply.text(),
                        List.of(), null, now);
            }
            update("INSERT INTO tg_update_offsets (show_id, next_offset) VALUES (?, ?) ON CONFLICT (show_id) DO UPDATE"
                    + " SET next_offset = max(next_offset, excluded.next_offset)", showId, nextOffset);
            return null;
        });
    }

    // ---- plumbing ----

    private interface Work<T> {
        T run() throws SQLException;
    }

    /** One {@code BEGIN IMMEDIATE} transaction: takes the write lock first (waiting up to the busy timeout). */
    private <T> T inTransaction(Work<T> work) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                T result = work.run();
                s.execute("COMMIT");
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    s.execute("ROLLBACK");
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }

    private int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement q = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                q.setObject(i + 1, args[i]);
            }
            return q.executeUpdate();
        }
    }

    private static void setInteger(PreparedStatement q, int index, Integer value) throws SQLException {
        if (value == null) {
            q.setNull(index, Types.INTEGER);
        } else {
            q.setInt(index, value);
        }
    }

    static String writeButtons(List<UrlButton> buttons) {
        ArrayNode array = JSON.createArrayNode();
        for (UrlButton b : buttons) {
            array.addObject().put("text", b.text()).put("url", b.url());
        }
        return array.toString();
    }

    static List<UrlButton> readButtons(String json) {
        try {
            List<UrlButton> buttons = new ArrayList<>();
            for (JsonNode b : JSON.readTree(json)) {
                buttons.add(new UrlButton(b.get("text").asText(), b.get("url").asText()));
            }
            return buttons;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("outbox buttons: not JSON (expected: [{\"text\":...,\"url\":...}])", e);
        }
    }

    private void check() throws SQLException {
        if (closed) {
            throw new SQLException("outbox: closed (expected: an open outbox)");
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
