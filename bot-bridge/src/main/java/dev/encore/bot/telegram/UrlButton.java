package dev.encore.bot.telegram;

import static java.util.Objects.requireNonNull;

/** An inline keyboard button that opens a URL (never a {@code web_app} button: groups refuse those). */
public record UrlButton(String text, String url) {
    public UrlButton {
        requireNonNull(text, "text");
        requireNonNull(url, "url");
    }
}
