package dev.encore.bot.telegram;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A message to send: plain text, optional URL buttons (one per row), in a forum topic when {@code threadId} is set, as a
 * reply when {@code replyTo} is set.
 */
public record OutgoingMessage(long chatId, Integer threadId, String text, List<UrlButton> buttons, Integer replyTo) {
    public OutgoingMessage {
        requireNonNull(text, "text");
        buttons = buttons == null ? List.of() : List.copyOf(buttons);
    }
}
