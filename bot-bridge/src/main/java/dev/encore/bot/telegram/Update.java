package dev.encore.bot.telegram;

/**
 * An incoming update, reduced to what the bridge reads: a text message in a chat (other update kinds arrive with
 * {@code text} null and are acknowledged without action).
 *
 * @param updateId Telegram's update id (the offset is committed past it once handled)
 * @param chatId the chat the message is in, or 0 when the update is not a message
 * @param messageId the message's id, to reply to it
 * @param threadId the forum topic, or null
 * @param fromId the sender's user id, or 0
 * @param fromName the sender's display name (first name, or username), or null
 * @param text the message text, or null
 * @param migrateToChatId set when the group was upgraded to a supergroup with this new id, else null
 */
public record Update(long updateId, long chatId, int messageId, Integer threadId, long fromId, String fromName, String text,
        Long migrateToChatId) {
}
