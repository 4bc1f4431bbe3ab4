package dev.encore.bot.telegram.fake;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.encore.bot.telegram.TelegramApi;
import dev.encore.bot.telegram.UrlButton;
import dev.encore.bot.telegram.fake.FakeRequestParser.FilePart;
import dev.encore.bot.telegram.fake.FakeRequestParser.Parsed;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process fake of the Telegram Bot API (https://core.telegram.org/bots/api) on 127.0.0.1, for tests: it speaks the wire
 * format ({@code POST /bot<token>/<method>}, form, JSON or multipart parameters, {@code {"ok":…}} answers) for the methods
 * Encore uses, keeps each chat's messages like Telegram would, records every call, and enforces the rules that matter to
 * the bridge:
 * <ul>
 *   <li>a wrong token answers {@code 401 Unauthorized}, an unknown method {@code 404 Not Found}, an unknown chat
 *       {@code 400 Bad Request: chat not found};</li>
 *   <li>in a group (chat id &lt; 0) at most {@value #GROUP_MESSAGES_PER_MINUTE} sends and edits per minute and one per second,
 *       else {@code 429 Too Many Requests: retry after N} with {@code parameters.retry_after}, measured on the given clock;</li>
 *   <li>an edit that changes nothing answers {@code 400 Bad Request: message is not modified: …};</li>
 *   <li>a {@code web_app} button in a group answers {@code 400 Bad Request: BUTTON_TYPE_INVALID};</li>
 *   <li>a chat {@linkplain #migrateChat migrated} to a supergroup answers 400 with {@code parameters.migrate_to_chat_id};</li>
 *   <li>{@code sendVideo} takes the file as a multipart upload ({@code video} part) and answers a message with a
 *       {@code video} object; an upload over {@linkplain #uploadLimit the limit} (50 MB, as for bots) answers
 *       {@code 413 Request Entity Too Large} and does nothing;</li>
 *   <li>{@code getUpdates} long-polls in real time (woken by {@link #addTextMessage}), confirms updates below {@code offset},
 *       and a second concurrent poll ends the first with {@code 409 Conflict};</li>
 *   <li>{@link #failNext} injects failures: 502, hanging without an answer, or acting and then dropping the connection.</li>
 * </ul>
 * Checks run in that order (token, chat, request validity, rate) and a refused call changes nothing and does not count
 * toward the rate. Only the failure kinds that act ({@link Failure#ACT_THEN_DROP}, {@link Failure#ACT_THEN_HANG}) do so.
 *
 * <p>Thread-safe: handlers run on the server's own pool; all state is guarded by one lock; tests read snapshots.
 */
public final class FakeBotApi implements AutoCloseable {
    /** Telegram's limit for one group: messages (sends and edits together) per minute. */
    public static final int GROUP_MESSAGES_PER_MINUTE = 20;
    /** Telegram's spacing for one group: about one message per second. */
    public static final Duration GROUP_MIN_INTERVAL = Duration.ofSeconds(1);

    static final String NOT_MODIFIED = "Bad Request: message is not modified: specified new message content and reply markup are"
            + " exactly the same as a current content and reply markup of the message";
    private static final Pattern PATH = Pattern.compile("^/bot([^/]*)/([A-Za-z]+)$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TEXT = 4096;

    /** A failure to inject into the next calls of a method. */
    public enum Failure {
        /** Answer {@code 502} with Telegram's JSON error body, doing nothing. */
        BAD_GATEWAY,
        /** Answer {@code 502} with an HTML body, as a proxy in front of Telegram does, doing nothing. */
        BAD_GATEWAY_HTML,
        /** Answer {@code 503} with {@code Retry-After: 0}, doing nothing: an HTTP client that retries by itself re-sends. */
        SERVICE_UNAVAILABLE_RETRY_NOW,
        /** Never answer and do nothing; the connection is dropped on {@link #releaseHung()} or {@link #close()}. */
        HANG,
        /** Perform the call, then close the connection without answering. */
        ACT_THEN_DROP,
        /** Perform the call, then never answer (dropped on {@link #releaseHung()} or {@link #close()}). */
        ACT_THEN_HANG
    }

    /** An inline keyboard button as Telegram received it (one of {@code url}, {@code webAppUrl}, {@code callbackData}). */
    public record Button(String text, String url, String webAppUrl, String callbackData) {
        public static Button url(String text, String url) {
            return new Button(text, url, null, null);
        }

        public static Button of(UrlButton button) {
            return url(button.text(), button.url());
        }
    }

    /**
     * One request the fake received.
     *
     * @param at when it arrived, on the fake's clock
     * @param method the Bot API method as sent
     * @param chatId the {@code chat_id} parameter, or null
     * @param messageId for a send that went through, the new message's id; for an edit or delete, the target's; else null
     * @param text {@code text} (or a video's {@code caption}), or null
     * @param buttons the inline keyboard's buttons, row after row (empty when none)
     * @param params every parameter as received (JSON-valued ones as JSON text)
     * @param status the HTTP status answered, or 0 when no answer was sent (hung or dropped)
     * @param description Telegram's error description, or null on success
     * @param failure the injected failure applied to this call, or null
     */
    public record Call(Instant at, String method, Long chatId, Integer messageId, String text, List<Button> buttons,
            Map<String, String> params, int status, String description, Failure failure) {
        /** True when Telegram answered {@code ok:true}. */
        public boolean ok() {
            return status == 200;
        }
    }

    /**
     * A message in a chat as it stands now.
     *
     * @param earlierTexts the texts it had before each edit, oldest first
     * @param editCount how many edits (text or keyboard) were applied
     * @param videoFileName for a video, the uploaded file's name, else null
     */
    public record ChatMessage(long chatId, int messageId, boolean fromBot, long fromId, Integer threadId, Integer replyTo,
            String text, List<Button> buttons, List<String> earlierTexts, int editCount, Instant sentAt, String videoFileName) {
    }

    /**
     * A {@code sendVideo} upload.
     *
     * @param params every parameter of the call (caption, duration, width, height, reply_markup, ...)
     * @param content the uploaded bytes (empty for a {@code file_id} or URL); the fake's own copy
     */
    public record Video(long chatId, int messageId, String caption, String fileName, String contentType, int size,
            Map<String, String> params, byte[] content) {
    }

    private final String token;
    private final Clock clock;
    private final long botId;
    private final String botUsername;
    private final HttpServer server;
    private final ExecutorService pool;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled on every recorded call, queued update, new poll and on close. */
    private final Condition changed = lock.newCondition();
    private final Map<Long, ChatState> chats = new HashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final List<Video> videos = new ArrayList<>();
    private final Deque<ObjectNode> updates = new ArrayDeque<>();
    private final Map<String, Deque<Failure>> failures = new HashMap<>();
    private final AtomicInteger hung = new AtomicInteger();
    private long uploadLimit = TelegramApi.MAX_UPLOAD_BYTES;
    private long nextUpdateId = 700_000_001L;
    private long confirmedOffset;
    private int pollGeneration;
    private CountDownLatch hangRelease = new CountDownLatch(1);
    private boolean closed;

    private FakeBotApi(String token, Clock clock, long botId, String botUsername) throws IOException {
        this.token = requireNonNull(token, "token");
        this.clock = requireNonNull(clock, "clock");
        this.botId = botId;
        this.botUsername = requireNonNull(botUsername, "botUsername");
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-bot-api-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a fake for the bot {@code @encore_test_bot} (id 4242) with the given token, on the given clock. */
    public static FakeBotApi start(String token, Clock clock) {
        return start(token, clock, 4242L, "encore_test_bot");
    }

    public static FakeBotApi start(String token, Clock clock, long botId, String botUsername) {
        try {
            return new FakeBotApi(token, clock, botId, botUsername);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake Bot API on 127.0.0.1", e);
        }
    }

    /** The base URL to configure as {@code telegram.apiUrl} ({@code http://127.0.0.1:<port>}, no trailing slash). */
    public URI apiUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public String token() {
        return token;
    }

    public long botId() {
        return botId;
    }

    public String botUsername() {
        return botUsername;
    }

    // ---------------------------------------------------------------- chats and updates

    /** Makes a chat known (the bot is a member). Negative ids are groups (below -10^12 supergroups); positive are private. */
    public void addChat(long chatId) {
        lock.lock();
        try {
            chat(chatId);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Upgrades a group: from now on calls to {@code fromChatId} answer 400 with {@code migrate_to_chat_id = toChatId}, and
     * {@code toChatId} is a known supergroup. No update is queued (see {@link #addMigrationNotice}).
     */
    public void migrateChat(long fromChatId, long toChatId) {
        lock.lock();
        try {
            chat(fromChatId).migratedTo = toChatId;
            chat(toChatId);
        } finally {
            lock.unlock();
        }
    }

    /** Queues a user's text message in a chat (the chat becomes known); returns its {@code update_id}. */
    public long addTextMessage(long chatId, long fromId, String fromName, String text) {
        return addTextMessage(chatId, null, fromId, fromName, text);
    }

    /** Queues a user's text message, in a forum topic when {@code threadId} is set; returns its {@code update_id}. */
    public long addTextMessage(long chatId, Integer threadId, long fromId, String fromName, String text) {
        requireNonNull(text, "text");
        lock.lock();
        try {
            ChatState chat = chat(chatId);
            MessageState m = chat.newMessage(false, fromId, threadId, null, text, List.of(), clock.instant());
            ObjectNode message = messageJson(chat, m);
            ObjectNode from = JSON.createObjectNode().put("id", fromId).put("is_bot", false)
                    .put("first_name", fromName == null ? "User " + fromId : fromName);
            message.set("from", from);
            if (text.startsWith("/")) {
                int end = text.indexOf(' ');
                ArrayNode entities = message.putArray("entities");
                entities.addObject().put("type", "bot_command").put("offset", 0).put("length", end < 0 ? text.length() : end);
            }
            return queue(JSON.createObjectNode().set("message", message));
        } finally {
            lock.unlock();
        }
    }

    /** Queues the service message Telegram sends in a group that became a supergroup; returns its {@code update_id}. */
    public long addMigrationNotice(long fromChatId, long toChatId) {
        lock.lock();
        try {
            ChatState chat = chat(fromChatId);
            ObjectNode message = JSON.createObjectNode().put("message_id", chat.nextMessageId++)
                    .put("date", clock.instant().getEpochSecond()).put("migrate_to_chat_id", toChatId);
            message.set("chat", chatJson(chat));
            return queue(JSON.createObjectNode().set("message", message));
        } finally {
            lock.unlock();
        }
    }

    /** Queues any update, given as its JSON without {@code update_id} (e.g. {@code {"my_chat_member":{…}}}); returns its id. */
    public long addUpdate(String updateJsonWithoutId) {
        try {
            JsonNode node = JSON.readTree(updateJsonWithoutId);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("update is not a JSON object: " + updateJsonWithoutId);
            }
            lock.lock();
            try {
                return queue((ObjectNode) node);
            } finally {
                lock.unlock();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("update is not JSON: " + updateJsonWithoutId, e);
        }
    }

    /** The highest {@code offset} a {@code getUpdates} call confirmed (updates below it are gone), or 0. */
    public long confirmedOffset() {
        lock.lock();
        try {
            return confirmedOffset;
        } finally {
            lock.unlock();
        }
    }

    /** Updates queued and not yet confirmed by an {@code offset}. */
    public int pendingUpdates() {
        lock.lock();
        try {
            return updates.size();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- failure injection

    /** The next {@code count} calls of {@code method} (e.g. {@code "sendMessage"}) fail with {@code failure}. */
    public void failNext(String method, int count, Failure failure) {
        requireNonNull(failure, "failure");
        lock.lock();
        try {
            Deque<Failure> queue = failures.computeIfAbsent(method.toLowerCase(Locale.ROOT), k -> new ArrayDeque<>());
            for (int i = 0; i < count; i++) {
                queue.add(failure);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Uploads larger than this many bytes are refused with {@code 413} (default: Telegram's 50 MB for bots). */
    public void uploadLimit(long bytes) {
        lock.lock();
        try {
            uploadLimit = bytes;
        } finally {
            lock.unlock();
        }
    }

    /** Drops every hung call's connection (without an answer); later hangs wait for the next release. */
    public void releaseHung() {
        lock.lock();
        try {
            hangRelease.countDown();
            hangRelease = new CountDownLatch(1);
        } finally {
            lock.unlock();
        }
    }

    /** Calls hanging right now. */
    public int hungCount() {
        return hung.get();
    }

    // ---------------------------------------------------------------- inspection

    /** Every call so far, in the order they were answered (hung calls when they started hanging). */
    public List<Call> calls() {
        lock.lock();
        try {
            return List.copyOf(calls);
        } finally {
            lock.unlock();
        }
    }

    /** The calls of one method (as Telegram matches them: case-insensitive). */
    public List<Call> calls(String method) {
        return calls().stream().filter(c -> c.method().equalsIgnoreCase(method)).toList();
    }

    /** Forgets the recorded calls (chats, messages and rate windows stay). */
    public void clearCalls() {
        lock.lock();
        try {
            calls.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until {@code count} recorded calls match; returns them, or fails the test after {@code timeout}. */
    public List<Call> awaitCalls(Predicate<Call> match, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                List<Call> found = calls.stream().filter(match).toList();
                if (found.size() >= count) {
                    return found;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " matching calls within " + timeout + ", got " + found.size()
                            + "; all calls: " + calls);
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for calls", e);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until {@code count} calls of {@code method} succeeded ({@code ok:true}). */
    public List<Call> awaitOk(String method, int count, Duration timeout) {
        return awaitCalls(c -> c.method().equalsIgnoreCase(method) && c.ok(), count, timeout);
    }

    /** Waits until {@code count} calls hang at once, or fails the test after {@code timeout}. */
    public void awaitHung(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (hung.get() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " hung calls within " + timeout + ", got " + hung.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** The chat's messages (the bot's and the users'), in order. Empty for an unknown chat. */
    public List<ChatMessage> messages(long chatId) {
        lock.lock();
        try {
            ChatState chat = chats.get(chatId);
            return chat == null ? List.of() : chat.messages.values().stream().map(m -> m.snapshot(chatId)).toList();
        } finally {
            lock.unlock();
        }
    }

    /** The bot's messages in the chat, in order. */
    public List<ChatMessage> botMessages(long chatId) {
        return messages(chatId).stream().filter(ChatMessage::fromBot).toList();
    }

    public Optional<ChatMessage> message(long chatId, int messageId) {
        return messages(chatId).stream().filter(m -> m.messageId() == messageId).findFirst();
    }

    /** Every {@code sendVideo} that went through. */
    public List<Video> videos() {
        lock.lock();
        try {
            return List.copyOf(videos);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            hangRelease.countDown();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        server.stop(0);
        pool.shutdownNow();
    }

    // ---------------------------------------------------------------- the HTTP side

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher path = PATH.matcher(exchange.getRequestURI().getRawPath());
            Parsed parsed = FakeRequestParser.parse(exchange);
            if (!path.matches()) {
                answer(exchange, Reply.error(404, "Not Found"));
                return;
            }
            String method = path.group(2);
            Map<String, String> params = parsed.params();
            if (!path.group(1).equals(token)) {
                // Telegram answers a wrong token the same way for every method, before looking at anything else.
                answer(exchange, record(method, params, null, Reply.error(401, "Unauthorized"), null));
                return;
            }
            Failure failure = takeFailure(method);
            if (failure == Failure.BAD_GATEWAY) {
                answer(exchange, record(method, params, null, Reply.error(502, "Bad Gateway"), failure));
                return;
            }
            if (failure == Failure.BAD_GATEWAY_HTML) {
                record(method, params, null, Reply.error(502, "Bad Gateway"), failure);
                answerRaw(exchange, 502, "text/html", "<html><head><title>502 Bad Gateway</title></head>"
                        + "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>", null);
                return;
            }
            if (failure == Failure.SERVICE_UNAVAILABLE_RETRY_NOW) {
                record(method, params, null, Reply.error(503, "Service Unavailable"), failure);
                answerRaw(exchange, 503, "application/json", Reply.error(503, "Service Unavailable").body.toString(), "0");
                return;
            }
            if (failure == Failure.HANG) {
                record(method, params, null, Reply.noAnswer(), failure);
                hang();
                return; // closing the exchange without a response drops the connection
            }
            Reply reply = "getupdates".equalsIgnoreCase(method) ? getUpdates(params) : process(method, params, parsed.files());
            if (failure == Failure.ACT_THEN_DROP) {
                record(method, params, reply, Reply.noAnswer(), failure);
                return;
            }
            if (failure == Failure.ACT_THEN_HANG) {
                record(method, params, reply, Reply.noAnswer(), failure);
                hang();
                return;
            }
            answer(exchange, record(method, params, reply, reply, null));
        } catch (RuntimeException | IOException e) {
            // A bug in the fake (or a body it cannot read): answer like a server error so the test sees it.
            try {
                answerRaw(exchange, 500, "text/plain", "fake Bot API failed: " + e, null);
            } catch (IOException | RuntimeException ignored) {
                // the answer had started or the client is gone: nothing more to say
            }
        }
    }

    private Failure takeFailure(String method) {
        lock.lock();
        try {
            Deque<Failure> queue = failures.get(method.toLowerCase(Locale.ROOT));
            return queue == null ? null : queue.poll();
        } finally {
            lock.unlock();
        }
    }

    private void hang() {
        CountDownLatch release;
        lock.lock();
        try {
            release = hangRelease;
            if (closed) {
                return;
            }
        } finally {
            lock.unlock();
        }
        hung.incrementAndGet();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            hung.decrementAndGet();
        }
    }

    private static void answer(HttpExchange exchange, Reply reply) throws IOException {
        answerRaw(exchange, reply.status, "application/json", reply.body.toString(), null);
    }

    private static void answerRaw(HttpExchange exchange, int status, String contentType, String body, String retryAfter)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (retryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Records the call: {@code acted} is what the fake did (null when it did nothing), {@code answered} what it sends. */
    private Reply record(String method, Map<String, String> params, Reply acted, Reply answered, Failure failure) {
        Reply outcome = acted != null ? acted : answered;
        boolean okOutcome = outcome.body.path("ok").asBoolean(false);
        Integer messageId = okOutcome && outcome.messageId != null ? outcome.messageId : parseInt(params.get("message_id"));
        String text = params.containsKey("text") ? params.get("text") : params.get("caption");
        List<Button> buttons;
        try {
            buttons = parseButtons(params.get("reply_markup"));
        } catch (IOException e) {
            buttons = List.of();
        }
        String description = okOutcome ? null : outcome.body.path("description").asText(null);
        Call call = new Call(clock.instant(), method, parseLong(params.get("chat_id")), messageId, text, buttons,
                Map.copyOf(params), answered.status, description, failure);
        lock.lock();
        try {
            calls.add(call);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return answered;
    }

    // ---------------------------------------------------------------- the Bot API methods

    private Reply process(String method, Map<String, String> params, List<FilePart> files) {
        lock.lock();
        try {
            return switch (method.toLowerCase(Locale.ROOT)) {
                case "getme" -> Reply.ok(botJson());
                case "sendmessage" -> sendMessage(params);
                case "editmessagetext" -> edit(params, true);
                case "editmessagereplymarkup" -> edit(params, false);
                case "deletemessage" -> deleteMessage(params);
                case "sendvideo" -> sendVideo(params, files);
                default -> Reply.error(404, "Not Found");
            };
        } finally {
            lock.unlock();
        }
    }

    private Reply sendMessage(Map<String, String> params) {
        Lookup lookup = lookupChat(params);
        if (lookup.error != null) {
            return lookup.error;
        }
        ChatState chat = lookup.chat;
        String text = params.get("text");
        if (text == null || text.isBlank()) {
            return Reply.error(400, "Bad Request: message text is empty");
        }
        if (text.length() > MAX_TEXT) {
            return Reply.error(400, "Bad Request: message is too long");
        }
        Markup markup = markup(chat, params);
        if (markup.error != null) {
            return markup.error;
        }
        Integer replyTo;
        try {
            replyTo = replyTo(chat, params);
        } catch (IllegalArgumentException e) {
            return Reply.error(400, e.getMessage());
        }
        Reply limited = rateLimit(chat);
        if (limited != null) {
            return limited;
        }
        MessageState m = chat.newMessage(true, botId, parseInt(params.get("message_thread_id")), replyTo, text, markup.buttons,
                clock.instant());
        chat.count(clock.instant());
        return Reply.ok(messageJson(chat, m)).withMessageId(m.id);
    }

    private Reply edit(Map<String, String> params, boolean withText) {
        if (params.containsKey("inline_message_id")) {
            return Reply.error(400, "Bad Request: inline messages are not supported by the fake Bot API");
        }
        Lookup lookup = lookupChat(params);
        if (lookup.error != null) {
            return lookup.error;
        }
        ChatState chat = lookup.chat;
        Integer messageId = parseInt(params.get("message_id"));
        if (messageId == null) {
            return Reply.error(400, "Bad Request: message identifier is not specified");
        }
        MessageState m = chat.messages.get(messageId);
        if (m == null) {
            return Reply.error(400, "Bad Request: message to edit not found");
        }
        if (!m.fromBot) {
            return Reply.error(400, "Bad Request: message can't be edited");
        }
        String text = withText ? params.get("text") : m.text;
        if (withText && (text == null || text.isBlank())) {
            return Reply.error(400, "Bad Request: message text is empty");
        }
        if (text != null && text.length() > MAX_TEXT) {
            return Reply.error(400, "Bad Request: message is too long");
        }
        Markup markup = markup(chat, params);
        if (markup.error != null) {
            return markup.error;
        }
        if (Objects.equals(text, m.text) && markup.buttons.equals(m.buttons)) {
            return Reply.error(400, NOT_MODIFIED);
        }
        Reply limited = rateLimit(chat);
        if (limited != null) {
            return limited;
        }
        if (!Objects.equals(text, m.text)) {
            m.earlierTexts.add(m.text);
        }
        m.text = text;
        m.buttons = markup.buttons;
        m.editCount++;
        chat.count(clock.instant());
        ObjectNode json = messageJson(chat, m);
        json.put("edit_date", clock.instant().getEpochSecond());
        return Reply.ok(json).withMessageId(m.id);
    }

    private Reply deleteMessage(Map<String, String> params) {
        Lookup lookup = lookupChat(params);
        if (lookup.error != null) {
            return lookup.error;
        }
        Integer messageId = parseInt(params.get("message_id"));
        if (messageId == null || lookup.chat.messages.remove(messageId) == null) {
            return Reply.error(400, "Bad Request: message to delete not found");
        }
        return Reply.ok(JSON.getNodeFactory().booleanNode(true)).withMessageId(messageId);
    }

    private Reply sendVideo(Map<String, String> params, List<FilePart> files) {
        FilePart file = files.stream().filter(f -> f.name().equals("video")).findFirst().orElse(null);
        if (file != null && file.bytes().length > uploadLimit) {
            // Telegram's front refuses the body before the Bot API looks at the call.
            return Reply.error(413, "Request Entity Too Large");
        }
        Lookup lookup = lookupChat(params);
        if (lookup.error != null) {
            return lookup.error;
        }
        ChatState chat = lookup.chat;
        if (file == null && params.get("video") == null) {
            return Reply.error(400, "Bad Request: there is no video in the request");
        }
        Markup markup = markup(chat, params);
        if (markup.error != null) {
            return markup.error;
        }
        Reply limited = rateLimit(chat);
        if (limited != null) {
            return limited;
        }
        String caption = params.get("caption");
        MessageState m = chat.newMessage(true, botId, parseInt(params.get("message_thread_id")), null, caption, markup.buttons,
                clock.instant());
        m.videoFileName = file == null ? params.get("video") : file.fileName();
        chat.count(clock.instant());
        videos.add(new Video(chat.id, m.id, caption, m.videoFileName, file == null ? null : file.contentType(),
                file == null ? 0 : file.bytes().length, Map.copyOf(params), file == null ? new byte[0] : file.bytes()));
        ObjectNode json = messageJson(chat, m);
        json.remove("text");
        if (caption != null) {
            json.put("caption", caption);
        }
        json.putObject("video").put("file_id", "fake-video-" + m.id).put("file_unique_id", "u" + m.id)
                .put("file_size", file == null ? 0 : file.bytes().length);
        return Reply.ok(json).withMessageId(m.id);
    }

    /** https://core.telegram.org/bots/api#getupdates: waits in real time (not on the fake clock) for updates. */
    private Reply getUpdates(Map<String, String> params) {
        Long offset = parseLong(params.get("offset"));
        Integer limitParam = parseInt(params.get("limit"));
        Integer timeoutParam = parseInt(params.get("timeout"));
        int limit = limitParam == null || limitParam <= 0 ? 100 : Math.min(limitParam, 100);
        long timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutParam == null ? 0 : Math.max(0, timeoutParam));
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            int generation = ++pollGeneration;
            changed.signalAll();
            if (offset != null && offset > 0) {
                while (!updates.isEmpty() && updates.peekFirst().path("update_id").asLong() < offset) {
                    updates.pollFirst();
                }
                confirmedOffset = Math.max(confirmedOffset, offset);
            } else if (offset != null && offset < 0) {
                while (updates.size() > -offset) {
                    updates.pollFirst();
                }
            }
            while (updates.isEmpty() && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
                if (pollGeneration != generation) {
                    return Reply.error(409, "Conflict: terminated by other getUpdates request; make sure that only one bot"
                            + " instance is running");
                }
            }
            ArrayNode result = JSON.createArrayNode();
            updates.stream().limit(limit).forEach(u -> result.add(u.deepCopy()));
            return Reply.ok(result);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.ok(JSON.createArrayNode());
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- rules

    private Lookup lookupChat(Map<String, String> params) {
        String raw = params.get("chat_id");
        if (raw == null || raw.isEmpty()) {
            return new Lookup(null, Reply.error(400, "Bad Request: chat_id is empty"));
        }
        Long id = parseLong(raw);
        ChatState chat = id == null ? null : chats.get(id);
        if (chat == null) {
            return new Lookup(null, Reply.error(400, "Bad Request: chat not found"));
        }
        if (chat.migratedTo != null) {
            ObjectNode body = Reply.errorBody(400, "Bad Request: group chat was upgraded to a supergroup chat");
            body.putObject("parameters").put("migrate_to_chat_id", chat.migratedTo);
            return new Lookup(null, new Reply(400, body, null));
        }
        return new Lookup(chat, null);
    }

    private Markup markup(ChatState chat, Map<String, String> params) {
        List<Button> buttons;
        try {
            buttons = parseButtons(params.get("reply_markup"));
        } catch (IOException e) {
            return new Markup(List.of(), Reply.error(400, "Bad Request: can't parse reply keyboard markup JSON object"));
        }
        for (Button b : buttons) {
            if (b.webAppUrl() != null && chat.id < 0) {
                // Groups refuse web_app buttons: https://core.telegram.org/bots/api#inlinekeyboardbutton
                return new Markup(buttons, Reply.error(400, "Bad Request: BUTTON_TYPE_INVALID"));
            }
            if (b.text() == null || b.text().isEmpty()) {
                return new Markup(buttons, Reply.error(400, "Bad Request: text buttons are unallowed in the inline keyboard"));
            }
            if (b.url() != null && !(b.url().startsWith("https://") || b.url().startsWith("http://")
                    || b.url().startsWith("tg://"))) {
                return new Markup(buttons, Reply.error(400, "Bad Request: BUTTON_URL_INVALID"));
            }
        }
        return new Markup(buttons, null);
    }

    private Integer replyTo(ChatState chat, Map<String, String> params) {
        Integer target = parseInt(params.get("reply_to_message_id"));
        boolean allowWithout = "true".equals(params.get("allow_sending_without_reply"));
        String replyParameters = params.get("reply_parameters");
        if (replyParameters != null) {
            try {
                JsonNode rp = JSON.readTree(replyParameters);
                target = rp.hasNonNull("message_id") ? rp.get("message_id").asInt() : null;
                allowWithout = rp.path("allow_sending_without_reply").asBoolean(false);
            } catch (IOException e) {
                throw new IllegalArgumentException("Bad Request: can't parse reply parameters JSON object");
            }
        }
        if (target != null && !chat.messages.containsKey(target)) {
            if (allowWithout) {
                return null;
            }
            throw new IllegalArgumentException("Bad Request: message to be replied not found");
        }
        return target;
    }

    /** Telegram's group limits, on the fake clock: 20 per minute and one per second. Null when the call may go. */
    private Reply rateLimit(ChatState chat) {
        if (chat.id >= 0) {
            return null;
        }
        Instant now = clock.instant();
        while (!chat.counted.isEmpty() && !chat.counted.peekFirst().plus(Duration.ofMinutes(1)).isAfter(now)) {
            chat.counted.pollFirst();
        }
        Duration wait = Duration.ZERO;
        if (!chat.counted.isEmpty()) {
            Duration sinceLast = Duration.between(chat.counted.peekLast(), now);
            if (sinceLast.compareTo(GROUP_MIN_INTERVAL) < 0) {
                wait = GROUP_MIN_INTERVAL.minus(sinceLast);
            }
        }
        if (chat.counted.size() >= GROUP_MESSAGES_PER_MINUTE) {
            Duration untilOldestExpires = Duration.between(now, chat.counted.peekFirst().plus(Duration.ofMinutes(1)));
            if (untilOldestExpires.compareTo(wait) > 0) {
                wait = untilOldestExpires;
            }
        }
        if (wait.isZero() || wait.isNegative()) {
            return null;
        }
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        ObjectNode body = Reply.errorBody(429, "Too Many Requests: retry after " + seconds);
        body.putObject("parameters").put("retry_after", seconds);
        return new Reply(429, body, null);
    }

    // ---------------------------------------------------------------- JSON

    static List<Button> parseButtons(String replyMarkup) throws IOException {
        if (replyMarkup == null || replyMarkup.isBlank()) {
            return List.of();
        }
        JsonNode markup = JSON.readTree(replyMarkup);
        if (markup == null || !markup.isObject()) {
            throw new IOException("reply_markup is not an object");
        }
        JsonNode rows = markup.path("inline_keyboard");
        if (rows.isMissingNode()) {
            return List.of();
        }
        if (!rows.isArray()) {
            throw new IOException("inline_keyboard is not an array");
        }
        List<Button> buttons = new ArrayList<>();
        for (JsonNode row : rows) {
            if (!row.isArray()) {
                throw new IOException("inline_keyboard row is not an array");
            }
            for (JsonNode b : row) {
                buttons.add(new Button(b.path("text").asText(null), b.path("url").asText(null),
                        b.path("web_app").path("url").asText(null), b.path("callback_data").asText(null)));
            }
        }
        return List.copyOf(buttons);
    }

    private ObjectNode botJson() {
        return JSON.createObjectNode().put("id", botId).put("is_bot", true).put("first_name", "Encore Test Bot")
                .put("username", botUsername).put("can_join_groups", true).put("can_read_all_group_messages", false)
                .put("supports_inline_queries", false);
    }

    private ObjectNode chatJson(ChatState chat) {
        ObjectNode json = JSON.createObjectNode().put("id", chat.id).put("type", chat.type());
        if (chat.id < 0) {
            json.put("title", "Chat " + chat.id);
        } else {
            json.put("first_name", "User " + chat.id);
        }
        return json;
    }

    private ObjectNode messageJson(ChatState chat, MessageState m) {
        ObjectNode json = JSON.createObjectNode().put("message_id", m.id);
        if (m.fromBot) {
            json.set("from", botJson());
        }
        json.set("chat", chatJson(chat));
        json.put("date", m.sentAt.getEpochSecond());
        if (m.threadId != null) {
            json.put("message_thread_id", m.threadId).put("is_topic_message", true);
        }
        if (m.replyTo != null) {
            json.putObject("reply_to_message").put("message_id", m.replyTo).put("date", m.sentAt.getEpochSecond())
                    .set("chat", chatJson(chat));
        }
        if (m.text != null) {
            json.put("text", m.text);
        }
        if (!m.buttons.isEmpty()) {
            ArrayNode rows = json.putObject("reply_markup").putArray("inline_keyboard");
            for (Button b : m.buttons) {
                ObjectNode button = rows.addArray().addObject().put("text", b.text());
                if (b.url() != null) {
                    button.put("url", b.url());
                }
                if (b.callbackData() != null) {
                    button.put("callback_data", b.callbackData());
                }
                if (b.webAppUrl() != null) {
                    button.putObject("web_app").put("url", b.webAppUrl());
                }
            }
        }
        return json;
    }

    /** Under the lock. */
    private long queue(ObjectNode updateWithoutId) {
        long id = nextUpdateId++;
        ObjectNode update = JSON.createObjectNode().put("update_id", id);
        update.setAll(updateWithoutId);
        updates.add(update);
        changed.signalAll();
        return id;
    }

    /** Under the lock. */
    private ChatState chat(long chatId) {
        if (chatId == 0) {
            throw new IllegalArgumentException("chat id 0 (expected: a group below 0 or a user above 0)");
        }
        return chats.computeIfAbsent(chatId, ChatState::new);
    }

    private static Long parseLong(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Integer parseInt(String s) {
        Long l = parseLong(s);
        return l == null || l != l.intValue() ? null : l.intValue();
    }

    // ---------------------------------------------------------------- state

    private record Lookup(ChatState chat, Reply error) {
    }

    private record Markup(List<Button> buttons, Reply error) {
    }

    /** An answer: HTTP status and the JSON body; {@code messageId} is the message acted on, for the record. */
    private record Reply(int status, ObjectNode body, Integer messageId) {
        static Reply ok(JsonNode result) {
            ObjectNode body = JSON.createObjectNode().put("ok", true);
            body.set("result", result);
            return new Reply(200, body, null);
        }

        static Reply error(int code, String description) {
            return new Reply(code, errorBody(code, description), null);
        }

        static ObjectNode errorBody(int code, String description) {
            return JSON.createObjectNode().put("ok", false).put("error_code", code).put("description", description);
        }

        static Reply noAnswer() {
            return new Reply(0, JSON.createObjectNode().put("ok", false).put("description", "no answer"), null);
        }

        Reply withMessageId(int id) {
            return new Reply(status, body, id);
        }
    }

    /** One chat; guarded by the fake's lock. */
    private static final class ChatState {
        final long id;
        final Map<Integer, MessageState> messages = new LinkedHashMap<>();
        /** Times of the sends and edits counted toward the group rate, oldest first. */
        final Deque<Instant> counted = new ArrayDeque<>();
        Long migratedTo;
        int nextMessageId = 1;

        ChatState(long id) {
            this.id = id;
        }

        String type() {
            return id <= -1_000_000_000_000L ? "supergroup" : id < 0 ? "group" : "private";
        }

        MessageState newMessage(boolean fromBot, long fromId, Integer threadId, Integer replyTo, String text,
                List<Button> buttons, Instant at) {
            MessageState m = new MessageState(nextMessageId++, fromBot, fromId, threadId, replyTo, text, buttons, at);
            messages.put(m.id, m);
            return m;
        }

        void count(Instant at) {
            counted.addLast(at);
        }
    }

    /** One message; guarded by the fake's lock. */
    private static final class MessageState {
        final int id;
        final boolean fromBot;
        final long fromId;
        final Integer threadId;
        final Integer replyTo;
        final Instant sentAt;
        final List<String> earlierTexts = new ArrayList<>();
        String text;
        List<Button> buttons;
        int editCount;
        String videoFileName;

        MessageState(int id, boolean fromBot, long fromId, Integer threadId, Integer replyTo, String text, List<Button> buttons,
                Instant sentAt) {
            this.id = id;
            this.fromBot = fromBot;
            this.fromId = fromId;
            this.threadId = threadId;
            this.replyTo = replyTo;
            this.text = text;
            this.buttons = buttons;
            this.sentAt = sentAt;
        }

        ChatMessage snapshot(long chatId) {
            return new ChatMessage(chatId, id, fromBot, fromId, threadId, replyTo, text, buttons, List.copyOf(earlierTexts),
                    editCount, sentAt, videoFileName);
        }
    }
}
