package dev.encore.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.bot.telegram.UrlButton;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
    private static final Instant T = Instant.parse("2026-11-22T20:00:00Z");
    private static final String SHOW = "rooftop-3";
    private static final List<UrlButton> BUY = List.of(new UrlButton("Buy", "https://live.example.org/go/rooftop-3/vinyl"));

    @TempDir
    Path dir;

    private Outbox open() throws SQLException {
        return Outbox.open(dir.resolve("encore.db"));
    }

    @Test
    void theSchemaIsMigratedOnceAndANewerOneIsRefused() throws SQLException {
        try (Outbox outbox = open()) {
            assertThat(outbox.schemaVersion()).isEqualTo(Outbox.MIGRATIONS.size());
        }
        try (Outbox outbox = open()) { // reopening applies nothing twice
            assertThat(outbox.schemaVersion()).isEqualTo(Outbox.MIGRATIONS.size());
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("encore.db"));
                Statement s = db.createStatement()) {
            s.execute("UPDATE tg_schema_version SET version = 99");
        }
        assertThatThrownBy(this::open).isInstanceOf(SQLException.class).hasMessageContaining("99")
                .hasMessageContaining("newer Encore");
    }

    @Test
    void aDatabaseOfTheFirstSchemaGainsVideoRowsAndKeepsItsRows() throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("encore.db"));
                Statement s = db.createStatement()) {
            s.execute("CREATE TABLE tg_schema_version (version INTEGER NOT NULL)");
            for (String sql : Outbox.MIGRATIONS.get(0)) {
                s.execute(sql);
            }
            s.execute("INSERT INTO tg_schema_version (version) VALUES (1)");
            s.execute("INSERT INTO tg_outbox (show_id, run_id, key, ord, edit, chat_id, text, buttons, version,"
                    + " min_interval_ms, not_before_ms, state, message_id, attempts, created_ms, updated_ms) VALUES"
                    + " ('rooftop-3', 1, 'announce', 1, 0, -1, 'live', '[]', 0, 0, 0, 'sent', 5, 1, 0, 0)");
        }
        try (Outbox outbox = open()) {
            assertThat(outbox.schemaVersion()).isEqualTo(2);
            OutboxEntry old = outbox.get(SHOW, 1, "announce");
            assertThat(old.state()).isEqualTo(OutboxState.SENT);
            assertThat(old.video()).isNull();

            OutboxVideo video = new OutboxVideo(dir.resolve("clips/rooftop-3-run1.mp4"), 42, 640, 360);
            assertThat(outbox.enqueueVideo(SHOW, 1, "clip", -1, 7, "caption", BUY, video, T)).isTrue();
            assertThat(outbox.enqueueVideo(SHOW, 1, "clip", -1, 7, "other caption", BUY, video, T)).isFalse();
            OutboxEntry clip = outbox.get(SHOW, 1, "clip");
            assertThat(clip.video()).isEqualTo(video);
            assertThat(clip.text()).isEqualTo("caption");
            assertThat(clip.threadId()).isEqualTo(7);
            assertThat(clip.edit()).isFalse();
            assertThat(outbox.pending(SHOW)).extracting(OutboxEntry::key).containsExactly("clip");
        }
    }

    @Test
    void aKeyIsPostedOncePerRun() throws SQLException {
        try (Outbox outbox = open()) {
            assertThat(outbox.enqueueSend(SHOW, 1, "announce", -1, 7, null, "live", List.of(), T)).isTrue();
            assertThat(outbox.enqueueSend(SHOW, 1, "announce", -1, 7, null, "live again", List.of(), T)).isFalse();
            assertThat(outbox.enqueueSend(SHOW, 2, "announce", -1, 7, null, "next run", List.of(), T)).isTrue();
            assertThat(outbox.enqueueSend("other", 1, "announce", -1, 7, null, "other show", List.of(), T)).isTrue();
            assertThat(outbox.pending(SHOW)).extracting(OutboxEntry::text).containsExactly("live", "next run");
        }
    }

    @Test
    void anEditIsADesiredStateThatOnlyMovesForward() throws SQLException {
        try (Outbox outbox = open()) {
            outbox.enqueueSend(SHOW, 1, "drop:vinyl", -1, null, null, "vinyl — 50 left", BUY, T);
            Duration interval = Duration.ofSeconds(10);
            assertThat(outbox.setEdit(SHOW, 1, "drop:vinyl:count", "drop:vinyl", "vinyl — 49 left", BUY, 5, interval, T)).isTrue();
            assertThat(outbox.setEdit(SHOW, 1, "drop:vinyl:count", "drop:vinyl", "vinyl — 48 left", BUY, 6, interval, T)).isTrue();
            assertThat(outbox.setEdit(SHOW, 1, "drop:vinyl:count", "drop:vinyl", "vinyl — 49 left", BUY, 5, interval, T)).isFalse();
            OutboxEntry edit = outbox.get(SHOW, 1, "drop:vinyl:count");
            assertThat(edit.text()).isEqualTo("vinyl — 48 left");

            outbox.markSending(edit, -1, T);
            outbox.markSent(edit, -1, null, T);
            edit = outbox.get(SHOW, 1, "drop:vinyl:count");
            assertThat(edit.state()).isEqualTo(OutboxState.SENT);
            assertThat(edit.notBefore()).isEqualTo(T.plus(interval));

            // the same text again changes nothing; a new count makes it pending again, behind the rows queued since
            outbox.enqueueSend(SHOW, 1, "thanks", -1, null, null, "thanks", List.of(), T);
            assertThat(outbox.setEdit(SHOW, 1, "drop:vinyl:count", "drop:vinyl", "vinyl — 48 left", BUY, 7, interval, T)).isTrue();
            assertThat(outbox.get(SHOW, 1, "drop:vinyl:count").state()).isEqualTo(OutboxState.SENT);
            outbox.setEdit(SHOW, 1, "drop:vinyl:count", "drop:vinyl", "vinyl — 40 left", BUY, 8, interval, T);
            assertThat(outbox.pending(SHOW)).extracting(OutboxEntry::key).containsExactly("drop:vinyl", "thanks",
                    "drop:vinyl:count");

            outbox.supersede(SHOW, 1, "drop:vinyl:count", "the offer closed");
            assertThat(outbox.get(SHOW, 1, "drop:vinyl:count").state()).isEqualTo(OutboxState.SKIPPED);
            assertThat(outbox.setEdit(SHOW, 1, "drop:vinyl:count", "drop:vinyl", "vinyl — 1 left", BUY, 9, interval, T)).isFalse();
        }
    }

    @Test
    void aNewerCountArrivingDuringTheEditIsSentAfterIt() throws SQLException {
        try (Outbox outbox = open()) {
            outbox.setEdit(SHOW, 1, "drop:vinyl:count", "drop:vinyl", "vinyl — 49 left", BUY, 1, Duration.ofSeconds(10), T);
            OutboxEntry sending = outbox.get(SHOW, 1, "drop:vinyl:count");
            outbox.markSending(sending, -1, T);
            outbox.setEdit(SHOW, 1, "drop:vinyl:count", "drop:vinyl", "vinyl — 47 left", BUY, 2, Duration.ofSeconds(10), T);
            outbox.markSent(sending, -1, null, T);

            OutboxEntry after = outbox.get(SHOW, 1, "drop:vinyl:count");
            assertThat(after.state()).isEqualTo(OutboxState.PENDING);
            assertThat(after.text()).isEqualTo("vinyl — 47 left");
        }
    }

    @Test
    void recoveryMarksInterruptedPostsUnknownAndRetriesEdits() throws SQLException {
        try (Outbox outbox = open()) {
            outbox.enqueueSend(SHOW, 1, "announce", -1, null, null, "live", List.of(), T);
            outbox.setEdit(SHOW, 1, "drop:vinyl:closed", "drop:vinyl", "closed", List.of(), 1, Duration.ZERO, T);
            outbox.enqueueSend(SHOW, 1, "thanks", -1, null, null, "thanks", List.of(), T);
            outbox.markSending(outbox.get(SHOW, 1, "announce"), -1, T);
            outbox.markSending(outbox.get(SHOW, 1, "drop:vinyl:closed"), -1, T);
        }
        try (Outbox outbox = open()) {
            List<OutboxEntry> unknown = outbox.recover(SHOW, T.plusSeconds(5));
            assertThat(unknown).extracting(OutboxEntry::key, OutboxEntry::state)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("announce", OutboxState.UNKNOWN));
            assertThat(outbox.pending(SHOW)).extracting(OutboxEntry::key).containsExactly("drop:vinyl:closed", "thanks");
            assertThat(outbox.recover(SHOW, T.plusSeconds(6))).isEmpty();
        }
    }

    @Test
    void theUpdateOffsetMovesWithItsReplyAndNeverBack() throws SQLException {
        try (Outbox outbox = open()) {
            assertThat(outbox.updateOffset(SHOW)).isZero();
            outbox.commitUpdate(SHOW, 11, new Outbox.Reply(1, "reply:10", -1, 7, 1010, "added"), T);
            outbox.commitUpdate(SHOW, 12, null, T);
            outbox.commitUpdate(SHOW, 11, new Outbox.Reply(1, "reply:10", -1, 7, 1010, "added again"), T);
            assertThat(outbox.updateOffset(SHOW)).isEqualTo(12);
            assertThat(outbox.entries(SHOW)).extracting(OutboxEntry::key, OutboxEntry::text, OutboxEntry::replyTo)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("reply:10", "added", 1010));
        }
    }

    @Test
    void aMovedChatIsFollowedByRowsNotYetSentAndRemembered() throws SQLException {
        try (Outbox outbox = open()) {
            outbox.enqueueSend(SHOW, 1, "announce", -1, null, null, "live", List.of(), T);
            outbox.enqueueSend(SHOW, 1, "staff", -9, null, null, "alert", List.of(), T);
            outbox.moveChat(SHOW, -1, -100, T);
            outbox.moveChat(SHOW, -100, -200, T);
            assertThat(outbox.currentChat(SHOW, -1)).isEqualTo(-200);
            assertThat(outbox.currentChat(SHOW, -9)).isEqualTo(-9);
            assertThat(outbox.pending(SHOW)).extracting(OutboxEntry::chatId).containsExactly(-200L, -9L);
        }
    }
}
