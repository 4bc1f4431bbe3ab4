package dev.encore.show;

import static java.util.Objects.requireNonNull;

import java.net.URI;

/**
 * A show file's {@code telegram:} section: where the bot posts. Immutable; {@link #toString} never shows the token.
 *
 * @param botToken the Bot API token (from the environment or a file; never logged), or null for dry-run mode
 * @param chatId the show's group
 * @param messageThreadId a forum topic in that group, or null
 * @param staffChatId where crew alerts go, or null
 * @param apiUrl the Bot API base URL ({@code https://api.telegram.org} unless set; tests point it at a fake)
 */
public record TelegramSettings(Secret botToken, long chatId, Integer messageThreadId, Long staffChatId, URI apiUrl) {
    /** Telegram's own Bot API. */
    public static final URI DEFAULT_API_URL = URI.create("https://api.telegram.org");

    public TelegramSettings {
        requireNonNull(apiUrl, "apiUrl");
    }

    /** True when no token is configured: the bridge only logs and shows what it would post. */
    public boolean dryRun() {
        return botToken == null;
    }
}
