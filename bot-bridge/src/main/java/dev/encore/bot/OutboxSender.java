package dev.encore.bot;

import dev.encore.bot.telegram.MessageEdit;
import dev.encore.bot.telegram.OutgoingMessage;
import dev.encore.bot.telegram.OutgoingVideo;
import dev.encore.bot.telegram.SentMessage;
import dev.encore.bot.telegram.TelegramApi;
import dev.encore.bot.telegram.TelegramException;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works off a show's outbox: takes the pending rows in queue order and hands each to Telegram when its chat's limits
 * ({@link ChatPacer}) allow, keeping the order of posts within a chat (a row that waits for a retry holds back the rows
 * after it in its chat; only a coalescing edit waiting out its own interval lets them pass).
 *
 * <p>What a failure does: a {@code 429} pauses the chat for {@code retry_after}; a 5xx or a request that was not sent
 * retries with backoff (1 s, 2 s, 4 s ... 60 s); a migrated group is followed; a refusal fails the row and tells the
 * staff; a post whose outcome is unknown is never sent again and is reported; an edit is simply retried (editing to the
 * same text twice is harmless: Telegram's "message is not modified" counts as success). A video whose file is gone or
 * larger than Telegram takes ({@link TelegramApi#MAX_UPLOAD_BYTES}) fails before any call, and the staff is told.
 *
 * <p>Not thread-safe: owned by the bridge's sender thread (tests call {@link #runDue} themselves).
 */
final class OutboxSender {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxSender.class);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    /** How long every post waits when Telegram refuses the token. */
    static final Duration UNAUTHORIZED_PAUSE = Duration.ofSeconds(60);

    private final String showId;
    private final TelegramApi api;
    private final Outbox outbox;
    private final GroupChat group;
    private final Long staffChatId;
    private final Clock clock;
    private final ChatPacer pacer = new ChatPacer();
    private boolean tokenRefusedLogged;

    OutboxSender(String showId, TelegramApi api, Outbox outbox, GroupChat group, Long staffChatId, Clock clock) {
        this.showId = showId;
        this.api = api;
        this.outbox = outbox;
        this.group = group;
        this.staffChatId = staffChatId;
        this.clock = clock;
    }

    /**
     * Sends every row that is due now, in order, and returns when the next one will be (null when nothing is pending).
     */
    Instant runDue() throws SQLException {
        while (true) {
            Instant now = clock.instant();
            List<OutboxEntry> pending = outbox.pending(showId);
            if (pending.isEmpty()) {
                return null;
            }
            Set<Long> blocked = new HashSet<>();
            Instant wake = null;
            boolean changed = false;
            for (OutboxEntry row : pending) {
                OutboxEntry target = null;
                long chat = row.chatId();
                if (row.edit()) {
                    target = outbox.get(showId, row.runId(), row.targetKey());
                    if (target == null || target.state() == OutboxState.UNKNOWN || target.state() == OutboxState.FAILED
                            || target.state() == OutboxState.SKIPPED) {
                        skipEdit(row, target, now);
                        changed = true;
                        break;
                    }
                    chat = target.chatId();
                    if (target.state() != OutboxState.SENT) {
                        blocked.add(chat); // its post is still ahead of it in the chat
                        continue;
                    }
                }
                if (blocked.contains(chat)) {
                    continue;
                }
                if (row.notBefore().isAfter(now)) {
                    wake = min(wake, row.notBefore());
                    if (!row.coalescing()) {
                        blocked.add(chat);
                    }
                    continue;
                }
                Instant allowed = pacer.earliest(chat, now);
                if (allowed.isAfter(now)) {
                    wake = min(wake, allowed);
                    blocked.add(chat);
                    continue;
                }
                send(row, chat, target, now);
                changed = true;
                break;
            }
            if (!changed) {
                return wake != null ? wake : now.plusSeconds(1);
            }
        }
    }

    private void send(OutboxEntry row, long chat, OutboxEntry target, Instant now) throws SQLException {
        if (row.video() != null && !uploadable(row, now)) {
            return;
        }
        outbox.markSending(row, chat, now);
        try {
            if (row.edit()) {
                api.editMessage(new MessageEdit(chat, target.messageId(), row.text(), row.buttons()));
                Instant done = clock.instant();
                pacer.sent(chat, done);
                outbox.markSent(row, chat, null, done);
            } else {
                OutboxVideo video = row.video();
                SentMessage sent = video != null
                        ? api.sendVideo(new OutgoingVideo(chat, row.threadId(), video.file(), row.text(), row.buttons(),
                                video.durationSeconds(), video.width(), video.height()))
                        : api.sendMessage(new OutgoingMessage(chat, row.threadId(), row.text(), row.buttons(), row.replyTo()));
                Instant done = clock.instant();
                pacer.sent(chat, done);
                outbox.markSent(row, sent.chatId(), sent.messageId(), done);
            }
            LOG.debug("telegram {}: {} {} in chat {}", showId, row.edit() ? "edited" : "posted", row.key(), chat);
        } catch (TelegramException e) {
            failed(row, chat, e);
        } catch (RuntimeException e) {
            // a client bug: the request may have gone out, so a post is treated like a lost answer
            LOG.warn("telegram {}: {} failed unexpectedly", showId, row.key(), e);
            failed(row, chat, new TelegramException(TelegramException.Kind.OUTCOME_UNKNOWN, 0,
                    "unexpected " + e.getClass().getSimpleName(), 0, null, null));
        }
    }

    /** A video row's file is there and small enough to upload; else the row fails (nothing was sent) and the staff hears. */
    private boolean uploadable(OutboxEntry row, Instant now) throws SQLException {
        String problem;
        try {
            long size = Files.size(row.video().file());
            problem = size > TelegramApi.MAX_UPLOAD_BYTES ? "the video " + row.video().file() + " is " + size
                    + " bytes (expected: at most " + TelegramApi.MAX_UPLOAD_BYTES + ", Telegram's upload limit for bots)"
                    : null;
        } catch (IOException e) {
            problem = "the video " + row.video().file() + " cannot be read: " + e.getClass().getSimpleName()
                    + " (expected: the file that was queued)";
        }
        if (problem == null) {
            return true;
        }
        outbox.markEnded(row, OutboxState.FAILED, problem, now);
        report(row, "could not post " + describe(row) + ": " + problem);
        return false;
    }

    private void failed(OutboxEntry row, long chat, TelegramException e) throws SQLException {
        Instant now = clock.instant();
        String error = e.kind() + ": " + Posts.clip(String.valueOf(e.getMessage()));
        switch (e.kind()) {
            case RATE_LIMITED -> {
                Duration wait = Duration.ofSeconds(Math.max(1, e.retryAfterSeconds()));
                LOG.info("telegram {}: chat {} rate limited for {} s ({} waits)", showId, chat, wait.toSeconds(), row.key());
                pacer.pause(chat, now.plus(wait));
                outbox.markRetry(row, now, error, now);
            }
            case MIGRATED -> {
                if (row.edit()) {
                    outbox.markEnded(row, OutboxState.FAILED, error, now);
                    report(row, "could not edit “" + row.targetKey() + "”: the group moved to a new chat");
                } else {
                    group.moved(chat, e.migrateToChatId(), now);
                    outbox.markRetry(row, now, error, now);
                }
            }
            case REFUSED -> {
                outbox.markEnded(row, OutboxState.FAILED, error, now);
                report(row, "Telegram refused " + describe(row) + ": " + Posts.clip(String.valueOf(e.getMessage())));
            }
            case UNAUTHORIZED -> {
                if (!tokenRefusedLogged) {
                    tokenRefusedLogged = true;
                    LOG.error("telegram {}: the bot token was refused (error {}); posts wait until it is fixed", showId,
                            e.errorCode());
                }
                pacer.pause(chat, now.plus(UNAUTHORIZED_PAUSE));
                outbox.markRetry(row, now.plus(UNAUTHORIZED_PAUSE), error, now);
            }
            case OUTCOME_UNKNOWN -> {
                pacer.sent(chat, now); // it may have counted
                if (row.edit()) {
                    outbox.markRetry(row, now.plus(backoff(row)), error, now);
                } else {
                    outbox.markEnded(row, OutboxState.UNKNOWN, error, now);
                    report(row, "no answer from Telegram for " + describe(row) + ": it may or may not be in the chat."
                            + " It will not be sent again; check and post it by hand if it is missing.");
                }
            }
            default -> { // SERVER_ERROR, NOT_SENT: nothing was done
                Duration wait = backoff(row);
                LOG.info("telegram {}: {} not sent ({}), retry in {} s", showId, row.key(), e.kind(), wait.toSeconds());
                outbox.markRetry(row, now.plus(wait), error, now);
            }
        }
    }

    /** 1 s after the first failed attempt, doubling, at most {@link #MAX_BACKOFF}. */
    private static Duration backoff(OutboxEntry row) {
        int attempts = row.attempts() + 1; // the one that just failed was counted in markSending
        long seconds = 1L << Math.min(6, Math.max(0, attempts - 1));
        return Duration.ofSeconds(Math.min(seconds, MAX_BACKOFF.toSeconds()));
    }

    private void skipEdit(OutboxEntry row, OutboxEntry target, Instant now) throws SQLException {
        String why = target == null ? "its post “" + row.targetKey() + "” was never queued"
                : "its post “" + row.targetKey() + "” is " + target.state().column();
        outbox.markEnded(row, OutboxState.SKIPPED, why, now);
        report(row, "skipped the edit “" + row.key() + "”: " + why);
    }

    /** A post that may or may not be in the group after a restart (left {@code sending}): reported, never re-sent. */
    void reportInterrupted(OutboxEntry row) throws SQLException {
        report(row, "the server stopped while sending " + describe(row) + ": it may or may not be in the chat. It will not"
                + " be sent again; check and post it by hand if it is missing.");
    }

    private static String describe(OutboxEntry row) {
        return (row.edit() ? "the edit “" : row.video() != null ? "the video “" : "the post “") + row.key() + "” ("
                + Posts.clip(row.text()) + ")";
    }

    /**
     * Tells the crew: a message to the staff chat (itself an outbox row, {@code alert:<key>}, so once), and the log. Problems
     * with alerts themselves only go to the log.
     */
    private void report(OutboxEntry row, String what) throws SQLException {
        String text = Posts.alert(showId, what);
        LOG.warn("telegram {}: {}", showId, what);
        if (staffChatId == null || row.key().startsWith("alert:")) {
            return;
        }
        long staff = outbox.currentChat(showId, staffChatId);
        outbox.enqueueSend(showId, row.runId(), "alert:" + row.key(), staff, null, null, text, List.of(), clock.instant());
    }

    private static Instant min(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}
