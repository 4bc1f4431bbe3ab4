package dev.encore.bot;

import dev.encore.bot.telegram.BotUser;
import dev.encore.bot.telegram.TelegramApi;
import dev.encore.bot.telegram.TelegramException;
import dev.encore.bot.telegram.Update;
import dev.encore.show.live.ShowRuleException;
import dev.encore.signaling.RequestReceipt;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the group's commands by long polling ({@code getUpdates}): {@code /request <song>} (also
 * {@code /request@thisbot}) goes into the show's request queue as listener {@code tg:<user id>}, {@code /now} says what is
 * playing; each answer is a reply in the outbox ({@code reply:<update_id>}).
 *
 * <p><b>Once per update.</b> The offset is stored in the outbox and moves past an update only once it is handled, in the
 * same transaction as its reply; an update at or below the stored offset (a duplicate) is ignored. If the process stops
 * between storing a request and committing the offset, Telegram delivers the update again and the second submission is
 * refused by the show's rules ({@code already_voted}: the same listener and song), so it still counts once.
 *
 * <p>Not thread-safe: owned by the bridge's poller thread (tests call {@link #pollOnce} themselves).
 */
final class UpdatePoller {
    private static final Logger LOG = LoggerFactory.getLogger(UpdatePoller.class);
    static final int BATCH = 100;

    private final String showId;
    private final TelegramApi api;
    private final Outbox outbox;
    private final ShowDesk desk;
    private final GroupChat group;
    private final LongSupplier runId;
    private final Clock clock;
    private final Duration answerTimeout;
    private String username;

    UpdatePoller(String showId, TelegramApi api, Outbox outbox, ShowDesk desk, GroupChat group, LongSupplier runId, Clock clock,
            Duration answerTimeout) {
        this.showId = showId;
        this.api = api;
        this.outbox = outbox;
        this.desk = desk;
        this.group = group;
        this.runId = runId;
        this.clock = clock;
        this.answerTimeout = answerTimeout;
    }

    /**
     * One long poll: asks for updates from the stored offset, waiting up to {@code timeoutSeconds}, and handles them in
     * order.
     *
     * @return how many updates were handled (duplicates not counted)
     * @throws TelegramException when Telegram could not be asked; nothing was handled
     * @throws SQLException when the outbox failed; the update being handled will come again
     * @throws ShowUnavailableException when the show did not answer a request in time; the update will come again
     */
    int pollOnce(int timeoutSeconds) throws TelegramException, SQLException, InterruptedException {
        if (username == null) {
            BotUser me = api.getMe();
            username = me.username() == null ? "" : me.username();
        }
        long offset = outbox.updateOffset(showId);
        List<Update> updates = new ArrayList<>(api.getUpdates(offset, timeoutSeconds, BATCH));
        updates.sort(Comparator.comparingLong(Update::updateId));
        int handled = 0;
        for (Update update : updates) {
            if (update.updateId() < offset) {
                continue; // handled before
            }
            Outbox.Reply reply = handle(update);
            outbox.commitUpdate(showId, update.updateId() + 1, reply, clock.instant());
            offset = update.updateId() + 1;
            handled++;
        }
        return handled;
    }

    private Outbox.Reply handle(Update update) throws SQLException, InterruptedException {
        if (!group.contains(update.chatId())) {
            return null; // another chat (the staff chat, a private message): not the show's
        }
        if (update.migrateToChatId() != null) {
            group.moved(update.chatId(), update.migrateToChatId(), clock.instant());
            return null;
        }
        Command command = Command.parse(update.text(), username);
        if (command == null) {
            return null;
        }
        String answer;
        if (command.name().equals("request")) {
            answer = command.argument().isEmpty() ? Posts.usage() : request(update, command.argument());
        } else {
            try {
                answer = Posts.nowPlaying(await(desk.nowPlaying(showId)));
            } catch (ShowRuleException e) {
                answer = "Sorry, I can't tell right now.";
            }
        }
        return new Outbox.Reply(runId.getAsLong(), "reply:" + update.updateId(), update.chatId(), update.threadId(),
                update.messageId() == 0 ? null : update.messageId(), answer);
    }

    private String request(Update update, String title) throws InterruptedException {
        String listener = "tg:" + update.fromId();
        try {
            RequestReceipt receipt = await(desk.submitRequest(showId, listener, title));
            LOG.info("telegram {}: request #{} from {} ({} votes)", showId, receipt.requestId(), listener, receipt.votes());
            return Posts.requestTaken(title, receipt);
        } catch (ShowRuleException e) {
            LOG.info("telegram {}: request from {} refused: {}", showId, listener, e.code());
            return Posts.requestRefused(title, e);
        }
    }

    /** The answer of the show, or its {@link ShowRuleException}; anything else means "try again later". */
    private <T> T await(CompletableFuture<T> answer) throws InterruptedException {
        try {
            return answer.get(answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ShowRuleException rule) {
                throw rule;
            }
            throw new ShowUnavailableException("the show failed to answer: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ShowUnavailableException("the show did not answer within " + answerTimeout.toMillis() + " ms", e);
        }
    }

    /** The show could not take a command just now; the update is not committed and comes again. */
    static final class ShowUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ShowUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A bot command addressed to this bot: {@code /name} or {@code /name@thisbot}, then an argument. See
     * https://core.telegram.org/bots/features#commands.
     */
    record Command(String name, String argument) {
        /** The command, or null for text that is not one of ours ({@code /request@otherbot}, chat, unknown commands). */
        static Command parse(String text, String username) {
            if (text == null || !text.startsWith("/")) {
                return null;
            }
            String[] parts = text.strip().split("\\s+", 2);
            String head = parts[0].substring(1);
            String argument = parts.length > 1 ? parts[1].strip() : "";
            int at = head.indexOf('@');
            if (at >= 0) {
                if (!head.substring(at + 1).equalsIgnoreCase(username)) {
                    return null;
                }
                head = head.substring(0, at);
            }
            String name = head.toLowerCase(Locale.ROOT);
            return name.equals("request") || name.equals("now") ? new Command(name, argument) : null;
        }
    }
}
