package dev.encore.bot;

import java.util.Locale;

/** Where an outbox row is: {@code pending → sending → sent}, or one of the ends a failure leads to. */
public enum OutboxState {
    /** Waiting for its turn (and for its chat's rate limit). */
    PENDING,
    /** Handed to Telegram; committed before the call, so a crash leaves it here. */
    SENDING,
    /** Telegram accepted it (a post has its message id). */
    SENT,
    /** A post that may or may not be in the chat (the process died or the answer was lost mid-request): never re-sent. */
    UNKNOWN,
    /** Telegram refused it; retrying would not help. */
    FAILED,
    /** Not sent on purpose: a later edit replaced it, or the message it edits was never known to be posted. */
    SKIPPED;

    String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    static OutboxState ofColumn(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
