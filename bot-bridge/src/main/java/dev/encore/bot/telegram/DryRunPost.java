package dev.encore.bot.telegram;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * What the dry-run bridge would have done: a post, a video or an edit, for the performer console.
 *
 * @param at when, on the bridge's clock
 * @param kind a new message or an edit of one
 * @param chatId the chat it would go to
 * @param threadId the forum topic, or null
 * @param messageId the (fake) id of the message posted or edited
 * @param text the message text (a video's caption)
 * @param buttons its URL buttons (empty: none, or removed by an edit)
 */
public record DryRunPost(Instant at, Kind kind, long chatId, Integer threadId, int messageId, String text,
        List<UrlButton> buttons) {
    /** A new message, a video ({@code sendVideo}, the text is its caption) or an edit. */
    public enum Kind {
        POST,
        EDIT,
        VIDEO
    }

    public DryRunPost {
        requireNonNull(at, "at");
        requireNonNull(kind, "kind");
        requireNonNull(text, "text");
        buttons = buttons == null ? List.of() : List.copyOf(buttons);
    }
}
