package dev.encore.bot.telegram;

/** A message Telegram accepted: where it is and its id (needed to edit it later). */
public record SentMessage(long chatId, int messageId) {
}
