package dev.encore.bot.telegram;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** New text and buttons for a message the bot sent; an empty button list removes the keyboard. */
public record MessageEdit(long chatId, int messageId, String text, List<UrlButton> buttons) {
    public MessageEdit {
        requireNonNull(text, "text");
        buttons = buttons == null ? List.of() : List.copyOf(buttons);
    }
}
