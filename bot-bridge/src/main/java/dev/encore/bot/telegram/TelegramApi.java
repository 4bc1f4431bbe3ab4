package dev.encore.bot.telegram;

import java.util.List;

/**
 * The few Bot API methods Encore uses (https://core.telegram.org/bots/api), behind Encore's own interface so the bridge can
 * be driven by the real client, a dry-run recorder or a test double. Each call is one HTTP request, never retried by the
 * transport: a call that may have reached Telegram without an answer fails with {@link TelegramException.Kind#OUTCOME_UNKNOWN},
 * and deciding what to do about it is the caller's job (the outbox).
 *
 * <p>Implementations are thread-safe. Errors never contain the bot token.
 */
public interface TelegramApi extends AutoCloseable {
    /** The largest file a bot may upload (https://core.telegram.org/bots/api#sending-files): 50 MB. */
    long MAX_UPLOAD_BYTES = 50L * 1024 * 1024;

    /** {@code getMe}: the bot itself (its username tells {@code /request@thisbot} from another bot's command). */
    BotUser getMe() throws TelegramException;

    /** {@code sendMessage} with plain text (no parse mode) and optional URL buttons, one per row. */
    SentMessage sendMessage(OutgoingMessage message) throws TelegramException;

    /**
     * {@code sendVideo}: uploads the file (multipart/form-data) with its caption (plain text) and URL buttons. A file larger
     * than {@link #MAX_UPLOAD_BYTES} is refused by Telegram ({@code 413 Request Entity Too Large}).
     */
    SentMessage sendVideo(OutgoingVideo video) throws TelegramException;

    /**
     * {@code editMessageText}: new text and buttons (an empty list removes the keyboard). "message is not modified" is
     * success, not an error.
     */
    void editMessage(MessageEdit edit) throws TelegramException;

    /** {@code getUpdates} long poll: messages with {@code update_id >= offset}, waiting up to {@code timeoutSeconds}. */
    List<Update> getUpdates(long offset, int timeoutSeconds, int limit) throws TelegramException;

    @Override
    void close();
}
