package dev.encore.bot;

import java.sql.SQLException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The show's group and where it is now: a group upgraded to a supergroup ({@code migrate_to_chat_id}) gets a new chat id,
 * which is remembered in the outbox so a restarted bridge posts to the new one.
 *
 * <p>Thread-safe: the sender and the update poller both read it and may both move it.
 */
final class GroupChat {
    private static final Logger LOG = LoggerFactory.getLogger(GroupChat.class);

    private final String showId;
    private final long configured;
    private final Outbox outbox;
    private volatile long current;

    GroupChat(String showId, long configured, Outbox outbox) throws SQLException {
        this.showId = showId;
        this.configured = configured;
        this.outbox = outbox;
        this.current = outbox.currentChat(showId, configured);
    }

    long current() {
        return current;
    }

    /** True for the group as configured or as it is now (its messages are the show's). */
    boolean contains(long chatId) {
        return chatId == current || chatId == configured;
    }

    /** Telegram says chat {@code from} is now {@code to}: remembered, and rows not yet sent there follow it. */
    synchronized void moved(long from, long to, Instant now) throws SQLException {
        outbox.moveChat(showId, from, to, now);
        if (from == current || from == configured) {
            LOG.info("telegram {}: the group {} is now the supergroup {}", showId, from, to);
            current = to;
        }
    }
}
