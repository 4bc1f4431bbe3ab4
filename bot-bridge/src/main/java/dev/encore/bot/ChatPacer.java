package dev.encore.bot;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Telegram's flood limits for bots, per chat: at most {@link #PER_MINUTE} messages (sends and edits together) in any
 * rolling minute and at least {@link #MIN_GAP} between two of them, plus pauses ordered by Telegram ({@code 429} with
 * {@code retry_after}) or by our own backoff after a failure. Pure and clock-free: every method takes the time.
 *
 * <p>See https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this ("no more than 20 messages per
 * minute to the same group", "avoid sending more than one message per second").
 *
 * <p>Not thread-safe: owned by the bridge's sender thread.
 */
final class ChatPacer {
    /** Messages per rolling minute in one group. */
    static final int PER_MINUTE = 20;
    /** The least time between two messages to one chat. */
    static final Duration MIN_GAP = Duration.ofSeconds(1);
    static final Duration WINDOW = Duration.ofMinutes(1);

    private final Map<Long, Chat> chats = new HashMap<>();

    private static final class Chat {
        /** When each message of the last minute went out, oldest first. */
        final ArrayDeque<Instant> sent = new ArrayDeque<>();
        Instant pausedUntil = Instant.MIN;
    }

    /** The earliest moment a message may go to {@code chatId}: {@code now} or later. */
    Instant earliest(long chatId, Instant now) {
        requireNonNull(now, "now");
        Chat chat = chats.get(chatId);
        if (chat == null) {
            return now;
        }
        prune(chat, now);
        Instant t = now;
        if (!chat.sent.isEmpty()) {
            t = max(t, chat.sent.peekLast().plus(MIN_GAP));
        }
        if (chat.sent.size() >= PER_MINUTE) {
            // the (size - PER_MINUTE + 1)-th oldest must leave the window first; with size == PER_MINUTE that is the oldest
            Instant[] times = chat.sent.toArray(new Instant[0]);
            t = max(t, times[chat.sent.size() - PER_MINUTE].plus(WINDOW));
        }
        return max(t, chat.pausedUntil);
    }

    /** A message went to {@code chatId} at {@code at} (successfully or not: Telegram may have counted it). */
    void sent(long chatId, Instant at) {
        requireNonNull(at, "at");
        Chat chat = chats.computeIfAbsent(chatId, id -> new Chat());
        chat.sent.addLast(at);
        prune(chat, at);
    }

    /** Nothing goes to {@code chatId} before {@code until} (a 429's {@code retry_after}, a backoff). */
    void pause(long chatId, Instant until) {
        requireNonNull(until, "until");
        Chat chat = chats.computeIfAbsent(chatId, id -> new Chat());
        chat.pausedUntil = max(chat.pausedUntil, until);
    }

    /** Messages counted for {@code chatId} in the minute before {@code now}. */
    int inWindow(long chatId, Instant now) {
        Chat chat = chats.get(chatId);
        if (chat == null) {
            return 0;
        }
        prune(chat, now);
        return chat.sent.size();
    }

    private static void prune(Chat chat, Instant now) {
        Instant horizon = now.minus(WINDOW);
        while (!chat.sent.isEmpty() && !chat.sent.peekFirst().isAfter(horizon)) {
            chat.sent.removeFirst();
        }
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
