package dev.encore.bot;

import dev.encore.bot.telegram.UrlButton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One row of the bot's outbox as stored: a post or an edit of one show run, identified by its key ({@code announce},
 * {@code drop:vinyl}, {@code drop:vinyl:count}, {@code reply:4711}, ...). Immutable snapshot; for the console and tests.
 *
 * @param ord its place in the show's queue (posts to one chat go out in this order)
 * @param edit true for an edit of the post {@code targetKey}, false for a new message
 * @param chatId where it goes (for an edit: filled in from its target's chat once that is known), or 0
 * @param threadId the forum topic, or null
 * @param replyTo the message it answers, or null
 * @param targetKey for an edit, the key of the post it edits; else null
 * @param version for an edit, the version of the desired state it holds (newer replaces older); else 0
 * @param minInterval for an edit, the least time between two edits of it (coalescing); zero otherwise
 * @param notBefore not sent before this moment (backoff after a failure; the coalescing interval of an edit)
 * @param messageId Telegram's message id once a post is sent, else null
 * @param error the last failure, for people, or null
 * @param video for a video post ({@code sendVideo}, the text is its caption), the file; else null
 */
public record OutboxEntry(long ord, String showId, long runId, String key, boolean edit, long chatId, Integer threadId,
        Integer replyTo, String targetKey, String text, List<UrlButton> buttons, long version, Duration minInterval,
        Instant notBefore, OutboxState state, Integer messageId, int attempts, String error, OutboxVideo video) {

    public OutboxEntry {
        buttons = List.copyOf(buttons);
    }

    /** True for an edit that coalesces (a desired state, sent at most once per {@link #minInterval}). */
    boolean coalescing() {
        return edit && !minInterval.isZero();
    }
}
