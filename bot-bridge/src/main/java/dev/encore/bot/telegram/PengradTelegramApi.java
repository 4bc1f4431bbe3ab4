package dev.encore.bot.telegram;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pengrad.telegrambot.TelegramBot;
import com.pengrad.telegrambot.model.Message;
import com.pengrad.telegrambot.model.ResponseParameters;
import com.pengrad.telegrambot.model.User;
import com.pengrad.telegrambot.model.request.InlineKeyboardButton;
import com.pengrad.telegrambot.model.request.InlineKeyboardMarkup;
import com.pengrad.telegrambot.model.request.ReplyParameters;
import com.pengrad.telegrambot.request.BaseRequest;
import com.pengrad.telegrambot.request.EditMessageText;
import com.pengrad.telegrambot.request.GetMe;
import com.pengrad.telegrambot.request.GetUpdates;
import com.pengrad.telegrambot.request.SendMessage;
import com.pengrad.telegrambot.request.SendVideo;
import com.pengrad.telegrambot.response.BaseResponse;
import com.pengrad.telegrambot.response.GetMeResponse;
import com.pengrad.telegrambot.response.GetUpdatesResponse;
import com.pengrad.telegrambot.response.SendResponse;
import dev.encore.bot.telegram.TelegramException.Kind;
import dev.encore.show.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TelegramApi} over the pengrad Bot API library (https://github.com/pengrad/java-telegram-bot-api) and OkHttp.
 *
 * <p>One HTTP request per call, never repeated by the transport: OkHttp's {@code retryOnConnectionFailure} and redirects are
 * off, the {@code Retry-After} header (which makes OkHttp silently repeat a 503) is stripped, and a network interceptor
 * refuses a second attempt of the same call. Failures are classified for the outbox:
 * <ul>
 *   <li>429 → {@link Kind#RATE_LIMITED} with {@code retry_after}; 400 with {@code migrate_to_chat_id} → {@link Kind#MIGRATED};</li>
 *   <li>"message is not modified" on an edit → success;</li>
 *   <li>401/404 → {@link Kind#UNAUTHORIZED}; other 4xx → {@link Kind#REFUSED}; 5xx → {@link Kind#SERVER_ERROR};</li>
 *   <li>no connection (refused, DNS, connect timeout, TLS) → {@link Kind#NOT_SENT};</li>
 *   <li>a failure once the connection was up (read timeout, reset, closed without an answer), or a 2xx answer that cannot
 *       be read → {@link Kind#OUTCOME_UNKNOWN}: the request may have been written, so Telegram may have acted.</li>
 * </ul>
 * The token is part of every request URL (https://core.telegram.org/bots/api#making-requests); it never appears in an
 * exception (messages and causes are scrubbed), a log line or {@link #toString}.
 *
 * <p>Thread-safe; calls block the calling thread. {@link #close} cancels calls in flight.
 */
public final class PengradTelegramApi implements TelegramApi {
    private static final Logger LOG = LoggerFactory.getLogger(PengradTelegramApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final Pattern RETRY_AFTER = Pattern.compile("retry after (\\d+)");
    /** An upload's read timeout is this many times {@link Timeouts#read()}. */
    static final int UPLOAD_TIMEOUT_FACTOR = 4;

    /**
     * Client timeouts. {@code read} bounds the wait for an answer to an ordinary call (a hang becomes
     * {@link Kind#OUTCOME_UNKNOWN} after it); a {@code getUpdates} long poll may take its own {@code timeout} plus
     * {@code pollMargin}.
     */
    public record Timeouts(Duration connect, Duration read, Duration pollMargin) {
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(10));

        public Timeouts {
            requireNonNull(connect, "connect");
            requireNonNull(read, "read");
            requireNonNull(pollMargin, "pollMargin");
            if (connect.isNegative() || connect.isZero() || read.isNegative() || read.isZero() || pollMargin.isNegative()
                    || pollMargin.isZero()) {
                throw new IllegalArgumentException("timeouts: " + connect + ", " + read + ", " + pollMargin
                        + " (expected: all positive)");
            }
        }
    }

    private final String apiUrl;
    private final String botApiUrl;
    private final String token;
    private final Scrubber scrubber;
    private final Timeouts timeouts;
    private final OkHttpClient http;
    private final TelegramBot bot;
    /** One client per long-poll timeout (in practice one): its read timeout covers the poll. Shares the connection pool. */
    private final Map<Integer, TelegramBot> pollBots = new ConcurrentHashMap<>();
    /** For uploads: Telegram answers a video only once it has taken the whole file in, so the read timeout is longer. */
    private final TelegramBot uploadBot;

    private PengradTelegramApi(Secret token, URI apiUrl, Timeouts timeouts) {
        this.token = requireNonNull(token, "token").reveal();
        this.scrubber = new Scrubber(this.token);
        this.timeouts = requireNonNull(timeouts, "timeouts");
        String base = requireNonNull(apiUrl, "apiUrl").toString();
        this.apiUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        if (!this.apiUrl.startsWith("http://") && !this.apiUrl.startsWith("https://")) {
            throw new IllegalArgumentException("apiUrl: " + this.apiUrl + " (expected: http:// or https://)");
        }
        // pengrad forms each URL as apiUrl + token + "/" + method (TelegramBot.Builder.apiUrl), so the base ends with "/bot".
        this.botApiUrl = this.apiUrl + "/bot";
        this.http = new OkHttpClient.Builder()
                .retryOnConnectionFailure(false)
                .followRedirects(false)
                .followSslRedirects(false)
                .connectTimeout(timeouts.connect())
                .readTimeout(timeouts.read())
                .writeTimeout(timeouts.read())
                // Idle connections are dropped well before servers usually close them, so a request is rarely written into
                // a connection the server already closed (which, without retries, would end as OUTCOME_UNKNOWN).
                .connectionPool(new ConnectionPool(4, 30, TimeUnit.SECONDS))
                .addInterceptor(PengradTelegramApi::telegramShapedErrors)
                .addNetworkInterceptor(new OneAttempt())
                .build();
        this.bot = botWith(http);
        this.uploadBot = botWith(http.newBuilder().readTimeout(timeouts.read().multipliedBy(UPLOAD_TIMEOUT_FACTOR)).build());
    }

    /** A client for the Bot API at {@code apiUrl} (e.g. {@code https://api.telegram.org}), with default timeouts. */
    public static PengradTelegramApi create(Secret token, URI apiUrl) {
        return new PengradTelegramApi(token, apiUrl, Timeouts.DEFAULT);
    }

    public static PengradTelegramApi create(Secret token, URI apiUrl, Timeouts timeouts) {
        return new PengradTelegramApi(token, apiUrl, timeouts);
    }

    private TelegramBot botWith(OkHttpClient client) {
        return new TelegramBot.Builder(token).okHttpClient(client).apiUrl(botApiUrl).build();
    }

    @Override
    public BotUser getMe() throws TelegramException {
        GetMeResponse r = execute(bot, "getMe", new GetMe(), false);
        User user = r.user();
        if (user == null || user.id() == null) {
            throw unknown("getMe", "answer without a user");
        }
        return new BotUser(user.id(), user.username());
    }

    @Override
    public SentMessage sendMessage(OutgoingMessage message) throws TelegramException {
        requireNonNull(message, "message");
        SendMessage request = new SendMessage(message.chatId(), message.text());
        if (message.threadId() != null) {
            request.messageThreadId(message.threadId());
        }
        if (message.replyTo() != null) {
            request.replyParameters(new ReplyParameters(message.replyTo()).allowSendingWithoutReply(true));
        }
        if (!message.buttons().isEmpty()) {
            request.replyMarkup(keyboard(message.buttons()));
        }
        return sentMessage("sendMessage", execute(bot, "sendMessage", request, false), message.chatId());
    }

    /** Where an accepted message is; Telegram said ok but without a readable id: it exists, its id is unknown. */
    private SentMessage sentMessage(String method, SendResponse r, long requestedChat) throws TelegramException {
        Message sent = r.message();
        if (sent == null || sent.messageId() == null) {
            throw unknown(method, "answer without a message id");
        }
        Long chatId = sent.chat() == null ? null : sent.chat().id();
        return new SentMessage(chatId == null ? requestedChat : chatId, sent.messageId());
    }

    /**
     * {@inheritDoc}
     *
     * <p>A file that is missing or unreadable is {@link Kind#REFUSED} before anything is sent (OkHttp would only notice
     * while writing the body, which would look like a request that may have reached Telegram).
     */
    @Override
    public SentMessage sendVideo(OutgoingVideo video) throws TelegramException {
        requireNonNull(video, "video");
        if (!Files.isRegularFile(video.file()) || !Files.isReadable(video.file())) {
            throw new TelegramException(Kind.REFUSED, 0, "sendVideo not sent: " + video.file() + " is not a readable file"
                    + " (expected: the rendered clip)", 0, null, null);
        }
        SendVideo request = new SendVideo(video.chatId(), video.file().toFile()).caption(video.caption())
                .supportsStreaming(true);
        if (video.threadId() != null) {
            request.messageThreadId(video.threadId());
        }
        if (video.durationSeconds() > 0) {
            request.duration(video.durationSeconds());
        }
        if (video.width() > 0 && video.height() > 0) {
            request.width(video.width()).height(video.height());
        }
        if (!video.buttons().isEmpty()) {
            request.replyMarkup(keyboard(video.buttons()));
        }
        return sentMessage("sendVideo", execute(uploadBot, "sendVideo", request, false), video.chatId());
    }

    @Override
    public void editMessage(MessageEdit edit) throws TelegramException {
        requireNonNull(edit, "edit");
        // An empty keyboard removes the buttons (https://core.telegram.org/bots/api#editmessagetext).
        EditMessageText request = new EditMessageText(edit.chatId(), edit.messageId(), edit.text()).replyMarkup(keyboard(edit.buttons()));
        execute(bot, "editMessageText", request, true);
    }

    @Override
    public List<Update> getUpdates(long offset, int timeoutSeconds, int limit) throws TelegramException {
        if (timeoutSeconds < 0 || limit < 1 || limit > 100) {
            throw new IllegalArgumentException("getUpdates: timeout " + timeoutSeconds + " s, limit " + limit
                    + " (expected: timeout >= 0, limit 1..100)");
        }
        GetUpdates request = new GetUpdates().offset(Math.toIntExact(offset)).timeout(timeoutSeconds).limit(limit);
        TelegramBot poller = pollBots.computeIfAbsent(timeoutSeconds, t -> botWith(http.newBuilder()
                .readTimeout(Duration.ofSeconds(t).plus(timeouts.pollMargin())).build()));
        GetUpdatesResponse r = execute(poller, "getUpdates", request, false);
        List<com.pengrad.telegrambot.model.Update> raw = r.updates();
        if (raw == null) {
            return List.of();
        }
        List<Update> updates = new ArrayList<>(raw.size());
        for (com.pengrad.telegrambot.model.Update u : raw) {
            updates.add(toUpdate(u));
        }
        return updates;
    }

    @Override
    public void close() {
        http.dispatcher().cancelAll();
        http.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return "PengradTelegramApi[" + apiUrl + ", token ****]";
    }

    // ---------------------------------------------------------------- calls and errors

    private <T extends BaseRequest<T, R>, R extends BaseResponse> R execute(TelegramBot via, String method,
            BaseRequest<T, R> request, boolean notModifiedIsSuccess) throws TelegramException {
        R response;
        try {
            response = via.execute(request);
        } catch (RuntimeException e) {
            throw transportFailure(method, e);
        }
        if (response == null) {
            throw unknown(method, "empty answer");
        }
        if (response.isOk()) {
            LOG.debug("{}: ok", method);
            return response;
        }
        TelegramException failure = refusal(method, response);
        if (notModifiedIsSuccess && failure.errorCode() == 400 && failure.getMessage().contains("message is not modified")) {
            LOG.debug("{}: not modified, counted as done", method);
            return response;
        }
        LOG.debug("{}: {} ({})", method, failure.kind(), failure.getMessage());
        throw failure;
    }

    /** Telegram answered {@code ok:false}. */
    private TelegramException refusal(String method, BaseResponse response) {
        int code = response.errorCode();
        String description = scrubber.scrub(String.valueOf(response.description()));
        ResponseParameters parameters = response.parameters();
        String message = method + " failed: " + description + " (error " + code + ")";
        if (code == 429) {
            Integer retryAfter = parameters == null ? null : parameters.retryAfter();
            if (retryAfter == null) {
                Matcher m = RETRY_AFTER.matcher(description);
                retryAfter = m.find() ? Integer.parseInt(m.group(1)) : 1;
            }
            return new TelegramException(Kind.RATE_LIMITED, code, message, Math.max(1, retryAfter), null, null);
        }
        if (parameters != null && parameters.migrateToChatId() != null) {
            return new TelegramException(Kind.MIGRATED, code, message, 0, parameters.migrateToChatId(), null);
        }
        Kind kind;
        if (code == 401 || code == 404) {
            kind = Kind.UNAUTHORIZED;
        } else if (code >= 500) {
            kind = Kind.SERVER_ERROR;
        } else {
            kind = Kind.REFUSED;
        }
        return new TelegramException(kind, code, message, 0, null, null);
    }

    /** No readable answer: either nothing was sent, or the request may have reached Telegram. */
    private TelegramException transportFailure(String method, RuntimeException e) {
        Throwable scrubbed = scrubber.scrub(e.getCause() instanceof IOException ? e.getCause() : e);
        boolean connected = false;
        boolean io = false;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            connected |= t instanceof MayHaveBeenSent;
            io |= t instanceof IOException;
        }
        TelegramException failure;
        if (io && !connected) {
            failure = new TelegramException(Kind.NOT_SENT, 0, method + " not sent: " + firstLine(scrubbed), 0, null, scrubbed);
        } else {
            // After the connection was up, or an answer that could not be read: Telegram may have acted.
            failure = new TelegramException(Kind.OUTCOME_UNKNOWN, 0, method + " outcome unknown: " + firstLine(scrubbed), 0,
                    null, scrubbed);
        }
        LOG.debug("{}: {} ({})", method, failure.kind(), failure.getMessage());
        return failure;
    }

    private static String firstLine(Throwable scrubbed) {
        Throwable root = scrubbed;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    private TelegramException unknown(String method, String what) {
        return new TelegramException(Kind.OUTCOME_UNKNOWN, 0, method + " outcome unknown: " + what, 0, null, null);
    }

    // ---------------------------------------------------------------- mapping

    private static InlineKeyboardMarkup keyboard(List<UrlButton> buttons) {
        InlineKeyboardButton[][] rows = new InlineKeyboardButton[buttons.size()][];
        for (int i = 0; i < rows.length; i++) {
            UrlButton b = buttons.get(i);
            rows[i] = new InlineKeyboardButton[] {new InlineKeyboardButton(b.text()).url(b.url())};
        }
        return new InlineKeyboardMarkup(rows);
    }

    private static Update toUpdate(com.pengrad.telegrambot.model.Update u) {
        long updateId = u.updateId() == null ? 0 : u.updateId();
        Message m = u.message();
        if (m == null || m.chat() == null || m.chat().id() == null) {
            return new Update(updateId, 0, 0, null, 0, null, null, null);
        }
        User from = m.from();
        long fromId = from == null || from.id() == null ? 0 : from.id();
        String fromName = from == null ? null : from.firstName() != null ? from.firstName() : from.username();
        Integer threadId = m.messageThreadId() == null ? null : Math.toIntExact(m.messageThreadId());
        return new Update(updateId, m.chat().id(), m.messageId() == null ? 0 : m.messageId(), threadId, fromId, fromName,
                m.text(), m.migrateToChatId());
    }

    // ---------------------------------------------------------------- OkHttp interceptors

    /**
     * Application interceptor: an error answer that is not Telegram's JSON (a proxy's HTML 502) becomes
     * {@code {"ok":false,"error_code":<HTTP status>,…}}, so pengrad parses it and the status is not lost.
     */
    private static Response telegramShapedErrors(Interceptor.Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        if (response.isSuccessful()) {
            return response;
        }
        String peeked = response.peekBody(64 * 1024).string();
        try {
            JsonNode json = JSON.readTree(peeked);
            if (json != null && json.isObject() && json.has("ok") && json.path("error_code").asInt() != 0) {
                return response;
            }
        } catch (IOException notJson) {
            // fall through: replace it
        }
        String body = JSON.createObjectNode().put("ok", false).put("error_code", response.code())
                .put("description", "HTTP " + response.code() + " " + response.message()).toString();
        response.close();
        return response.newBuilder().body(ResponseBody.create(body, JSON_TYPE)).build();
    }

    /**
     * Network interceptor: runs once the connection is up, just before the request is written. It marks any failure from
     * here on as "may have been sent", strips {@code Retry-After} (OkHttp repeats a 503 with {@code Retry-After: 0} even
     * with retries off) and refuses a second attempt of the same call.
     */
    private static final class OneAttempt implements Interceptor {
        private final Map<Call, Boolean> attempted = Collections.synchronizedMap(new WeakHashMap<>());

        @Override
        public Response intercept(Chain chain) throws IOException {
            if (attempted.put(chain.call(), Boolean.TRUE) != null) {
                throw new MayHaveBeenSent(new IOException("refusing a second network attempt of one Bot API call"));
            }
            try {
                Response response = chain.proceed(chain.request());
                return response.newBuilder().removeHeader("Retry-After").build();
            } catch (IOException e) {
                throw new MayHaveBeenSent(e);
            }
        }
    }

    /** A failure after the connection was established: the request may have reached the server. */
    private static final class MayHaveBeenSent extends IOException {
        private static final long serialVersionUID = 1L;

        MayHaveBeenSent(IOException cause) {
            super("the request may have been sent", cause);
        }
    }
}
