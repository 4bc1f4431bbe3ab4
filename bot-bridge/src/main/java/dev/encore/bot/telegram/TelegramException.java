package dev.encore.bot.telegram;

import static java.util.Objects.requireNonNull;

/** A Bot API call that did not succeed, classified for the outbox. The message never contains the bot token. */
public final class TelegramException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What the failure means for a retry. */
    public enum Kind {
        /** 429: the chat is paused for {@link #retryAfterSeconds()}; nothing was done, retry after it. */
        RATE_LIMITED,
        /** 400 with {@code migrate_to_chat_id}: the group became a supergroup; nothing was done, retry in the new chat. */
        MIGRATED,
        /** 400/403 other than the above (bad request, bot not in the chat, button refused): retrying will not help. */
        REFUSED,
        /** 401/404 on every call: the token is wrong or revoked. */
        UNAUTHORIZED,
        /** 5xx: Telegram failed before acting; retry later. */
        SERVER_ERROR,
        /** The request was not sent (connection refused, DNS): nothing was done, retry later. */
        NOT_SENT,
        /** The request may have reached Telegram but no answer came (timeout, connection lost): it may have acted. */
        OUTCOME_UNKNOWN
    }

    private final Kind kind;
    private final int errorCode;
    private final int retryAfterSeconds;
    private final Long migrateToChatId;

    public TelegramException(Kind kind, int errorCode, String description, int retryAfterSeconds, Long migrateToChatId,
            Throwable cause) {
        super(requireNonNull(description, "description"), cause);
        this.kind = requireNonNull(kind, "kind");
        this.errorCode = errorCode;
        this.retryAfterSeconds = retryAfterSeconds;
        this.migrateToChatId = migrateToChatId;
    }

    public Kind kind() {
        return kind;
    }

    /** Telegram's {@code error_code}, or 0 when no answer came. */
    public int errorCode() {
        return errorCode;
    }

    /** For {@link Kind#RATE_LIMITED}: Telegram's {@code retry_after}; else 0. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** For {@link Kind#MIGRATED}: the supergroup's chat id; else null. */
    public Long migrateToChatId() {
        return migrateToChatId;
    }
}
