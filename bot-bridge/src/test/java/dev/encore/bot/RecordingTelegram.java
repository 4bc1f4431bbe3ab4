package dev.encore.bot;

import dev.encore.bot.telegram.BotUser;
import dev.encore.bot.telegram.MessageEdit;
import dev.encore.bot.telegram.OutgoingMessage;
import dev.encore.bot.telegram.OutgoingVideo;
import dev.encore.bot.telegram.SentMessage;
import dev.encore.bot.telegram.TelegramApi;
import dev.encore.bot.telegram.TelegramException;
import dev.encore.bot.telegram.Update;
import dev.encore.bot.telegram.UrlButton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory Bot API for the bridge's unit tests: records what was posted and edited (with the test clock's time), keeps
 * each message's current text and buttons, and fails calls as scripted. Thread-safe.
 */
final class RecordingTelegram implements TelegramApi {
    /** A call that reached "Telegram" and was done. */
    record Call(String method, Instant at, long chatId, int messageId, Integer threadId, Integer replyTo, String text,
            List<UrlButton> buttons) {
    }

    /** The current state of a message. */
    record Message(long chatId, int messageId, String text, List<UrlButton> buttons) {
    }

    private final Clock clock;
    private final String username;
    private final List<Call> calls = new ArrayList<>();
    private final Map<Integer, Message> messages = new HashMap<>();
    private final Deque<TelegramException> failures = new ArrayDeque<>();
    private final List<Update> updates = new ArrayList<>();
    private final Map<Long, Deque<Instant>> perChat = new HashMap<>();
    private boolean actThenDrop;
    private boolean enforceLimits;
    private int nextMessageId = 100;
    private int rateLimitHits;

    RecordingTelegram(Clock clock, String username) {
        this.clock = clock;
        this.username = username;
    }

    /** The next calls to send or edit fail with these, in order (before acting). */
    synchronized RecordingTelegram failNext(TelegramException... exceptions) {
        failures.addAll(List.of(exceptions));
        return this;
    }

    /** The next send acts (the message is posted) and then reports that the answer was lost. */
    synchronized void actThenDropNext() {
        actThenDrop = true;
    }

    /** Answers 429 like a group would: more than 20 messages a minute, or less than a second apart. */
    synchronized void enforceGroupLimits() {
        enforceLimits = true;
    }

    synchronized int rateLimitHits() {
        return rateLimitHits;
    }

    synchronized void addUpdate(Update update) {
        updates.add(update);
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized List<Call> calls(long chatId) {
        return calls.stream().filter(c -> c.chatId() == chatId).toList();
    }

    synchronized Message message(int messageId) {
        return messages.get(messageId);
    }

    @Override
    public synchronized BotUser getMe() {
        return new BotUser(42, username);
    }

    @Override
    public synchronized SentMessage sendMessage(OutgoingMessage message) throws TelegramException {
        gate(message.chatId());
        int id = nextMessageId++;
        messages.put(id, new Message(message.chatId(), id, message.text(), message.buttons()));
        calls.add(new Call("sendMessage", clock.instant(), message.chatId(), id, message.threadId(), message.replyTo(),
                message.text(), message.buttons()));
        if (actThenDrop) {
            actThenDrop = false;
            throw new TelegramException(TelegramException.Kind.OUTCOME_UNKNOWN, 0, "read timed out", 0, null, null);
        }
        return new SentMessage(message.chatId(), id);
    }

    /** Records a video like a post: its text is the caption. */
    @Override
    public synchronized SentMessage sendVideo(OutgoingVideo video) throws TelegramException {
        gate(video.chatId());
        int id = nextMessageId++;
        messages.put(id, new Message(video.chatId(), id, video.caption(), video.buttons()));
        calls.add(new Call("sendVideo", clock.instant(), video.chatId(), id, video.threadId(), null, video.caption(),
                video.buttons()));
        if (actThenDrop) {
            actThenDrop = false;
            throw new TelegramException(TelegramException.Kind.OUTCOME_UNKNOWN, 0, "read timed out", 0, null, null);
        }
        return new SentMessage(video.chatId(), id);
    }

    @Override
    public synchronized void editMessage(MessageEdit edit) throws TelegramException {
        gate(edit.chatId());
        Message old = messages.get(edit.messageId());
        if (old == null || old.chatId() != edit.chatId()) {
            throw new TelegramException(TelegramException.Kind.REFUSED, 400, "Bad Request: message to edit not found", 0, null,
                    null);
        }
        messages.put(edit.messageId(), new Message(edit.chatId(), edit.messageId(), edit.text(), edit.buttons()));
        calls.add(new Call("editMessageText", clock.instant(), edit.chatId(), edit.messageId(), null, null, edit.text(),
                edit.buttons()));
    }

    private void gate(long chatId) throws TelegramException {
        TelegramException failure = failures.poll();
        if (failure != null) {
            throw failure;
        }
        if (enforceLimits) {
            Instant now = clock.instant();
            Deque<Instant> sent = perChat.computeIfAbsent(chatId, c -> new ArrayDeque<>());
            while (!sent.isEmpty() && !sent.peekFirst().isAfter(now.minusSeconds(60))) {
                sent.removeFirst();
            }
            if (sent.size() >= 20 || !sent.isEmpty() && sent.peekLast().plusSeconds(1).isAfter(now)) {
                rateLimitHits++;
                throw new TelegramException(TelegramException.Kind.RATE_LIMITED, 429, "Too Many Requests: retry after 7", 7,
                        null, null);
            }
            sent.addLast(now);
        }
    }

    @Override
    public synchronized List<Update> getUpdates(long offset, int timeoutSeconds, int limit) {
        return updates.stream().filter(u -> u.updateId() >= offset).limit(limit).toList();
    }

    @Override
    public void close() {
    }

    static TelegramException serverError() {
        return new TelegramException(TelegramException.Kind.SERVER_ERROR, 502, "Bad Gateway", 0, null, null);
    }

    static TelegramException rateLimited(int seconds) {
        return new TelegramException(TelegramException.Kind.RATE_LIMITED, 429, "Too Many Requests: retry after " + seconds,
                seconds, null, null);
    }
}
