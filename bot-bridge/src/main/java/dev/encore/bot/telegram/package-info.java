/**
 * The Telegram Bot API as Encore uses it: {@link dev.encore.bot.telegram.TelegramApi} and its value types; the client over a
 * maintained Bot API library; the dry-run recorder.
 */
package dev.encore.bot.telegram;
