package dev.encore.bot.telegram;

/** The bot ({@code getMe}): its user id and {@code @username} without the at sign. */
public record BotUser(long id, String username) {
}
