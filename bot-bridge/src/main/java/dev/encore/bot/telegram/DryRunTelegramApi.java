package dev.encore.bot.telegram;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's visible dry run (no token configured, e.g. {@code ./encore demo}): nothing goes over the network; each post,
 * video and edit is logged at INFO, kept in memory for the performer console ({@link #recent()}, {@link #onPost}) and answered
 * with increasing fake message ids, so the bridge runs on the same schedule as with Telegram. {@code getUpdates} just
 * waits out its timeout and returns nothing.
 *
 * <p>Thread-safe.
 */
public final class DryRunTelegramApi implements TelegramApi {
    /** How many posts and edits {@link #recent()} keeps. */
    public static final int RECENT = 100;
    private static final Logger LOG = LoggerFactory.getLogger(DryRunTelegramApi.class);

    private final Clock clock;
    private final Deque<DryRunPost> recent = new ArrayDeque<>();
    private final List<Consumer<DryRunPost>> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private int nextMessageId = 1;

    public DryRunTelegramApi(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public BotUser getMe() {
        return new BotUser(0L, "encore_dry_run_bot");
    }

    @Override
    public SentMessage sendMessage(OutgoingMessage message) {
        requireNonNull(message, "message");
        DryRunPost post;
        synchronized (this) {
            post = new DryRunPost(clock.instant(), DryRunPost.Kind.POST, message.chatId(), message.threadId(), nextMessageId++,
                    message.text(), message.buttons());
            remember(post);
        }
        LOG.info("[dry-run] chat {}{} would post: \"{}\"{}", message.chatId(),
                message.threadId() == null ? "" : " topic " + message.threadId(), oneLine(message.text()),
                describe(message.buttons(), false));
        listeners.forEach(l -> l.accept(post));
        return new SentMessage(message.chatId(), post.messageId());
    }

    /** Records the video with its caption; the file is not read (only its size is logged, when it can be had). */
    @Override
    public SentMessage sendVideo(OutgoingVideo video) {
        requireNonNull(video, "video");
        DryRunPost post;
        synchronized (this) {
            post = new DryRunPost(clock.instant(), DryRunPost.Kind.VIDEO, video.chatId(), video.threadId(), nextMessageId++,
                    video.caption(), video.buttons());
            remember(post);
        }
        long bytes;
        try {
            bytes = Files.size(video.file());
        } catch (IOException e) {
            bytes = -1;
        }
        LOG.info("[dry-run] chat {}{} would post the video {} ({} bytes, {} s): \"{}\"{}", video.chatId(),
                video.threadId() == null ? "" : " topic " + video.threadId(), video.file(), bytes, video.durationSeconds(),
                oneLine(video.caption()), describe(video.buttons(), false));
        listeners.forEach(l -> l.accept(post));
        return new SentMessage(video.chatId(), post.messageId());
    }

    @Override
    public void editMessage(MessageEdit edit) {
        requireNonNull(edit, "edit");
        DryRunPost post = new DryRunPost(clock.instant(), DryRunPost.Kind.EDIT, edit.chatId(), null, edit.messageId(), edit.text(),
                edit.buttons());
        synchronized (this) {
            remember(post);
        }
        LOG.info("[dry-run] chat {} would edit message {}: \"{}\"{}", edit.chatId(), edit.messageId(), oneLine(edit.text()),
                describe(edit.buttons(), true));
        listeners.forEach(l -> l.accept(post));
    }

    /** Waits {@code timeoutSeconds} (ended early by an interrupt, which stays set, or by {@link #close}); no updates. */
    @Override
    public List<Update> getUpdates(long offset, int timeoutSeconds, int limit) {
        try {
            closed.await(Math.max(0, timeoutSeconds), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.of();
    }

    /** The last {@value #RECENT} posts and edits, oldest first. */
    public synchronized List<DryRunPost> recent() {
        return List.copyOf(recent);
    }

    /** Calls {@code listener} (on the posting thread) after each post or edit, e.g. to push it to the performer console. */
    public void onPost(Consumer<DryRunPost> listener) {
        listeners.add(requireNonNull(listener, "listener"));
    }

    @Override
    public void close() {
        closed.countDown();
    }

    @Override
    public String toString() {
        return "DryRunTelegramApi";
    }

    private void remember(DryRunPost post) {
        recent.addLast(post);
        while (recent.size() > RECENT) {
            recent.removeFirst();
        }
    }

    private static String oneLine(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"");
    }

    private static String describe(List<UrlButton> buttons, boolean edit) {
        if (buttons.isEmpty()) {
            return edit ? " [no buttons]" : "";
        }
        return buttons.stream().map(b -> " [button: " + b.text() + " → " + b.url() + "]").collect(Collectors.joining());
    }
}
