/**
 * The show in its Telegram group (issue 5): {@link dev.encore.bot.TelegramBridge} turns show events into posts through a
 * durable outbox in the show database, sends them within Telegram's limits, and takes {@code /request} and {@code /now}
 * from the group.
 */
package dev.encore.bot;
