package dev.encore.app;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.encore.media.NoSuchShowException;
import dev.encore.media.Router;
import dev.encore.media.RouterStatus;
import dev.encore.media.WhepSession;
import dev.encore.media.WhipSession;
import dev.encore.protocol.sdp.SdpException;
import dev.encore.recording.RecordingStatus;
import dev.encore.show.AccessMode;
import dev.encore.show.ShowConfig;
import dev.encore.show.access.ServerSecret;
import dev.encore.show.access.TokenAuthority;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's HTTP routes: listener page, WHEP, performer console, WHIP, performer status, health, metrics, static assets.
 * Transport-free: takes a whole request, returns a whole response, so the Netty layer ({@link HttpServer}) stays thin.
 * Thread-safe (called from every HTTP event loop).
 */
final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final Pattern SHOW_ID = Pattern.compile("[a-z0-9-]{1,40}");
    /** Set by {@link HttpServer} to the connection's peer address (replacing whatever the client sent under that name). */
    static final String PEER_HEADER = "X-Encore-Peer";
    /** How long the action API waits for a show loop (which stores before it acks) before answering 503. */
    static final Duration ACTION_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern ASSET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,80}");
    /** WHEP offers refused because the media server is at a limit: one log line per 5 s at most, with the count. */
    private final LogThrottle whepRefusals = new LogThrottle(5, java.util.concurrent.TimeUnit.SECONDS, System::nanoTime);
    private static final String ASSETS = "/dev/encore/app/assets/";
    private static final Map<String, String> ASSET_TYPES = Map.of(
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "html", HttpResponses.HTML);
    /** The listener page loads nothing from elsewhere and sends only to this server. */
    private static final String PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "media-src 'self' blob: mediastream:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Map<String, ShowConfig> shows = new LinkedHashMap<>();
    private final MediaBackend media;
    private final HttpMetrics metrics = new HttpMetrics();
    private final RouteTable routes = new RouteTable();
    private final ObjectMapper json = new ObjectMapper();
    private final PageTemplate listenerPage = new PageTemplate(PageTemplate.LISTENER);
    private final PageTemplate performerPage = new PageTemplate(PageTemplate.PERFORMER);
    private final Map<String, byte[]> assetCache = new ConcurrentHashMap<>();
    private final AccessGate access;
    private final TokenApi tokens;
    private final PerformerActions actions;
    private final Duration actionTimeout;
    private volatile DropApi drops;
    private volatile TelegramBridges telegram = TelegramBridges.none();
    private volatile Function<String, Optional<RecordingStatus>> recordings = show -> Optional.empty();
    private volatile ReportApi reports;
    private volatile ClipApi clips;

    /**
     * Runs one performer command given as the show channel's JSON and completes with the channel's answer JSON (an
     * {@code ack} or an {@code error}), on any thread: {@code ShowChannel.dispatch(show, Role.ofPerformer(), json)}.
     */
    @FunctionalInterface
    interface PerformerActions {
        CompletableFuture<String> perform(String showId, String commandJson);
    }

    /** Routes with a throw-away server secret: tokens can only be checked against those minted through this API. */
    HttpApi(List<ShowConfig> shows, MediaBackend media) {
        this(shows, media, AccessOptions.ephemeralSecret(), () -> "http://localhost");
    }

    /** @param baseUrl the start of listener links the token API returns (see {@link TokenApi}) */
    HttpApi(List<ShowConfig> shows, MediaBackend media, ServerSecret secret, Supplier<String> baseUrl) {
        this(shows, media, secret, baseUrl, null, ACTION_TIMEOUT);
    }

    /**
     * @param actions runs the action API's commands, or null when there is no show channel (the API answers 503)
     * @param actionTimeout how long the action API waits for the show loop before answering 503
     */
    HttpApi(List<ShowConfig> shows, MediaBackend media, ServerSecret secret, Supplier<String> baseUrl,
            PerformerActions actions, Duration actionTimeout) {
        requireNonNull(shows, "shows");
        this.media = requireNonNull(media, "media");
        this.actions = actions;
        this.actionTimeout = requireNonNull(actionTimeout, "actionTimeout");
        for (ShowConfig show : shows) {
            if (this.shows.putIfAbsent(show.id(), show) != null) {
                throw new IllegalArgumentException("show id: " + show.id() + " appears twice (expected: unique show ids)");
            }
        }
        TokenAuthority authority = new TokenAuthority(secret);
        access = new AccessGate(shows, authority, Clock.systemUTC());
        tokens = new TokenApi(authority, baseUrl, Clock.systemUTC());
        routes.add(HttpMethod.GET, "/", (req, p) -> index())
                .add(HttpMethod.GET, "/l/{show}", (req, p) -> listenerPage(req, show(p)))
                .add(HttpMethod.GET, "/p/{show}", (req, p) -> performerPage(show(p)))
                .add(HttpMethod.GET, "/p/{show}/report", (req, p) -> reportApi().page(show(p)))
                .addAsync(HttpMethod.GET, "/api/shows/{show}/report", (req, p) -> reportApi().report(req, show(p)))
                .add(HttpMethod.GET, "/api/shows/{show}", (req, p) -> HttpResponses.json(HttpResponseStatus.OK,
                        json.writeValueAsBytes(showJson(show(p)))))
                .add(HttpMethod.POST, "/api/shows/{show}/tokens", (req, p) -> tokens.mint(req, show(p)))
                .addAsync(HttpMethod.POST, "/api/shows/{show}/actions", this::performerAction)
                .add(HttpMethod.POST, "/whep/{show}", this::whepSubscribe)
                .add(HttpMethod.OPTIONS, "/whep/{show}", (req, p) -> preflight(req, show(p), "POST, OPTIONS"))
                .add(HttpMethod.DELETE, "/whep/{show}/{session}", this::whepUnsubscribe)
                .add(HttpMethod.OPTIONS, "/whep/{show}/{session}", (req, p) -> preflight(req, show(p), "DELETE, OPTIONS"))
                .add(HttpMethod.POST, "/whip/{show}", this::whipPublish)
                .add(HttpMethod.OPTIONS, "/whip/{show}", (req, p) -> preflight(req, show(p), "POST, OPTIONS"))
                .add(HttpMethod.DELETE, "/whip/{show}/{session}", this::whipUnpublish)
                .add(HttpMethod.OPTIONS, "/whip/{show}/{session}", (req, p) -> preflight(req, show(p), "DELETE, OPTIONS"))
                .add(HttpMethod.GET, "/api/shows/{show}/performer", this::performerStatus)
                .add(HttpMethod.GET, "/api/shows/{show}/telegram", this::telegramStatus)
                .add(HttpMethod.GET, "/go/{show}/{drop}", (req, p) -> dropApi().go(req, show(p), p.get("drop")))
                .addAsync(HttpMethod.POST, "/api/shows/{show}/drops/{drop}/sold",
                        (req, p) -> dropApi().sold(req, show(p), p.get("drop")))
                .addAsync(HttpMethod.GET, "/api/shows/{show}/recordings", (req, p) -> {
                    ShowConfig show = show(p);
                    return clipApi().recordings(req, show);
                })
                .addAsync(HttpMethod.POST, "/api/shows/{show}/clips", (req, p) -> {
                    ShowConfig show = show(p);
                    return clipApi().create(req, show);
                })
                .add(HttpMethod.GET, "/api/shows/{show}/clips", (req, p) -> {
                    ShowConfig show = show(p);
                    return clipApi().list(req, show);
                })
                .addAsync(HttpMethod.GET, "/api/shows/{show}/clips/{file}", (req, p) -> {
                    ShowConfig show = show(p);
                    return clipApi().download(req, show, p.get("file"));
                })
                .add(HttpMethod.GET, "/healthz", (req, p) -> healthz())
                .add(HttpMethod.GET, "/metrics", (req, p) -> prometheus())
                .add(HttpMethod.GET, "/assets/{file}", (req, p) -> asset(p.get("file")));
    }

    HttpMetrics metrics() {
        return metrics;
    }

    /** At most {@code max} characters of {@code text} for an error message, control characters replaced; "null" for null. */
    static String clip(String text, int max) {
        if (text == null) {
            return "null";
        }
        String clipped = text.length() > max ? text.substring(0, max) + "…" : text;
        return clipped.replaceAll("\\p{Cntrl}", "?");
    }

    /** The shows' Telegram bridges, for the console's bot panel. */
    void telegram(TelegramBridges bridges) {
        this.telegram = requireNonNull(bridges, "bridges");
    }

    /**
     * {@code GET /api/shows/{show}/telegram}: the show's bot for the console (performer key): dry run or live, the posts a
     * dry run would have made, and the outbox (every post and edit with its state). 404 when the show has no bot.
     */
    private FullHttpResponse telegramStatus(FullHttpRequest request, Map<String, String> params) throws Exception {
        ShowConfig show = show(params);
        requirePerformer(request, show);
        TelegramBridges.Status status = telegram.status(show.id()).orElseThrow(() -> new HttpError(
                HttpResponseStatus.NOT_FOUND, "show " + show.id() + " has no Telegram bot (expected: a telegram: section in"
                + " its show file)"));
        ObjectNode body = json.createObjectNode().put("show", show.id()).put("mode", status.dryRun() ? "dry-run" : "live");
        ArrayNode posts = body.putArray("dryRunPosts");
        for (var p : status.recentDryRunPosts()) {
            ObjectNode n = posts.addObject().put("at", p.at().toString()).put("kind", p.kind().name().toLowerCase(Locale.ROOT))
                    .put("chatId", p.chatId()).put("messageId", p.messageId()).put("text", p.text());
            ArrayNode buttons = n.putArray("buttons");
            p.buttons().forEach(b -> buttons.addObject().put("text", b.text()).put("url", b.url()));
        }
        ArrayNode outbox = body.putArray("outbox");
        for (var e : status.outbox()) {
            ObjectNode n = outbox.addObject().put("key", e.key()).put("run", e.runId()).put("edit", e.edit())
                    .put("state", e.state().name().toLowerCase(Locale.ROOT)).put("text", e.text())
                    .put("attempts", e.attempts());
            if (e.messageId() != null) {
                n.put("messageId", e.messageId());
            }
            if (e.error() != null) {
                n.put("error", e.error());
            }
        }
        FullHttpResponse response = HttpResponses.json(HttpResponseStatus.OK, json.writeValueAsBytes(body));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    /** Connects the drops' redirect and sales report to the show channel; before the server takes requests. */
    /** Where the performer status finds the show's set recording (issue 7); none until set. */
    void recordings(Function<String, Optional<RecordingStatus>> statuses) {
        this.recordings = requireNonNull(statuses, "statuses");
    }

    void drops(DropApi.DropDesk desk) {
        this.drops = new DropApi(desk);
    }

    /** Connects listen taps and the post-show report to the show channel; before the server takes requests. */
    void reports(ReportApi.ReportDesk desk) {
        this.reports = new ReportApi(desk, Clock.systemUTC());
    }

    private ReportApi reportApi() throws HttpError {
        ReportApi api = reports;
        if (api == null) {
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "the show channel is not running on this server"
                    + " (expected: a server started with its show channel)");
        }
        return api;
    }

    /** Connects the highlights clips (issue 7); before the server takes requests. */
    void clips(ClipApi clipApi) {
        this.clips = requireNonNull(clipApi, "clipApi");
    }

    private ClipApi clipApi() throws HttpError {
        ClipApi api = clips;
        if (api == null) {
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "clips are not made on this server"
                    + " (expected: a server started with a data directory for its recordings)");
        }
        return api;
    }

    private DropApi dropApi() throws HttpError {
        DropApi api = drops;
        if (api == null) {
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "the show channel is not running on this server"
                    + " (expected: a server started with its show channel)");
        }
        return api;
    }

    /** Seats (issue 3): {@link EncoreServer#start} tells it of every listener session the media server ends. */
    AccessGate access() {
        return access;
    }

    /**
     * Answers one request; never throws, and the future never completes exceptionally. Most routes answer at once (the
     * future is already complete); the performer action API answers when the show loop has run the command. The caller
     * owns (and releases) the request once this returns, and writes the response when the future completes.
     */
    CompletableFuture<FullHttpResponse> handle(FullHttpRequest request) {
        HttpMethod method = request.method();
        String rawPath = new QueryStringDecoder(request.uri()).rawPath();
        String route = "unmatched";
        CompletableFuture<FullHttpResponse> answer;
        if (!request.decoderResult().isSuccess()) {
            answer = CompletableFuture.completedFuture(HttpResponses.text(HttpResponseStatus.BAD_REQUEST,
                    "malformed HTTP request: " + request.decoderResult().cause().getMessage()
                    + " (expected: an HTTP/1.1 request)"));
        } else {
            try {
                RouteTable.Match match = routes.match(method, rawPath, HttpApi::decodeSegment);
                if (match instanceof RouteTable.Found found) {
                    route = found.route().template();
                    answer = found.route().handler().handle(request, found.params());
                } else if (match instanceof RouteTable.MethodNotAllowed notAllowed) {
                    route = notAllowed.template();
                    String allow = notAllowed.allowed().stream().map(HttpMethod::name).collect(Collectors.joining(", "));
                    FullHttpResponse response = HttpResponses.text(HttpResponseStatus.METHOD_NOT_ALLOWED,
                            "method " + method.name() + " is not allowed on " + route + " (expected: " + allow + ")");
                    response.headers().set(HttpHeaderNames.ALLOW, allow);
                    answer = CompletableFuture.completedFuture(response);
                } else {
                    answer = CompletableFuture.completedFuture(HttpResponses.text(HttpResponseStatus.NOT_FOUND,
                            "no such path: " + rawPath + " (expected: one of " + String.join(", ", routes.templates()) + ")"));
                }
            } catch (Exception | LinkageError e) {
                answer = CompletableFuture.failedFuture(e);
            }
        }
        String matched = route;
        return answer.handle((response, failure) -> finish(method, rawPath, matched, response, failure));
    }

    /** Turns a handler's failure into its error response, then adds what every response of this path gets. */
    private FullHttpResponse finish(HttpMethod method, String rawPath, String route, FullHttpResponse answered,
            Throwable failure) {
        FullHttpResponse response = answered;
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof HttpError e) {
            response = HttpResponses.text(e.status, e.getMessage());
            if (e.retryAfterSeconds > 0) {
                response.headers().setInt(HttpHeaderNames.RETRY_AFTER, e.retryAfterSeconds);
            }
            if (e.wwwAuthenticate != null) {
                response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, e.wwwAuthenticate);
            }
        } else if (cause != null || response == null) {
            LOG.error("{} {} failed", method.name(), rawPath, cause);
            response = HttpResponses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "internal server error (expected: a working server; the server log has the details)");
        }
        if (isCorsPath(rawPath)) {
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "Location");
        }
        if (HttpMethod.HEAD.equals(method)) {
            // Same headers as GET (Content-Length included, RFC 9110 §9.3.2), no body.
            response = response.replace(Unpooled.EMPTY_BUFFER);
        }
        metrics.record(method.name(), route, response.status().code());
        return response;
    }

    /** WHEP and WHIP are called from players and tools on other origins (https://fetch.spec.whatwg.org/#http-cors-protocol). */
    static boolean isCorsPath(String rawPath) {
        return rawPath.startsWith("/whep/") || rawPath.startsWith("/whip/");
    }

    private FullHttpResponse whepSubscribe(FullHttpRequest request, Map<String, String> params) throws HttpError {
        ShowConfig show = show(params);
        String offer = sdpOffer(request);
        AccessGate.Pass pass = access.admit(show, request.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (pass.refused()) {
            return pass.refusal();
        }
        WhepSession session;
        try {
            session = pass.subscribe(media.whep(), offer);
        } catch (NoSuchShowException e) {
            throw new HttpError(HttpResponseStatus.NOT_FOUND, e.getMessage());
        } catch (SdpException e) {
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        } catch (IllegalStateException e) {
            // The media server is at a limit (e.g. too many sessions still connecting): a client may retry shortly.
            long refused = whepRefusals.tick();
            if (refused > 0) {
                LOG.warn("WHEP subscribe to {} refused ({} since the last such line): {}", show.id(), refused, e.getMessage());
            }
            HttpError busy = new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, e.getMessage());
            busy.retryAfterSeconds = 2;
            throw busy;
        }
        FullHttpResponse response = HttpResponses.bytes(HttpResponseStatus.CREATED, HttpResponses.SDP,
                session.answerSdp().getBytes(StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.LOCATION, "/whep/" + show.id() + "/" + session.sessionId());
        return response;
    }

    private FullHttpResponse whepUnsubscribe(FullHttpRequest request, Map<String, String> params) throws HttpError {
        ShowConfig show = show(params);
        String session = params.get("session");
        access.sessionEnded(show.id(), session);
        if (!media.whep().unsubscribe(show.id(), session)) {
            throw new HttpError(HttpResponseStatus.NOT_FOUND, "no such session: " + session + " in show " + show.id()
                    + " (expected: the Location of a session created by POST /whep/" + show.id() + ")");
        }
        return HttpResponses.text(HttpResponseStatus.OK, "session ended");
    }

    /**
     * WHIP publish (https://www.rfc-editor.org/rfc/rfc9725#section-4.2): the show, then the performer key, then the offer;
     * nothing reaches the media server before the key matched. An unknown show is a 404 even without a key: show ids are
     * public anyway (every listener link carries one, and {@code /l/{show}} answers 404 for unknown ones).
     */
    private FullHttpResponse whipPublish(FullHttpRequest request, Map<String, String> params) throws HttpError {
        ShowConfig show = show(params);
        requirePerformer(request, show);
        String offer = sdpOffer(request);
        WhipSession session;
        try {
            session = media.whip().publish(show.id(), offer);
        } catch (NoSuchShowException e) {
            throw new HttpError(HttpResponseStatus.NOT_FOUND, e.getMessage());
        } catch (SdpException e) {
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        } catch (IllegalStateException e) {
            LOG.warn("WHIP publish to {} refused: {}", show.id(), e.getMessage());
            HttpError busy = new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, e.getMessage());
            busy.retryAfterSeconds = 2;
            throw busy;
        }
        LOG.info("performer publishing to {} over WHIP", show.id());
        FullHttpResponse response = HttpResponses.bytes(HttpResponseStatus.CREATED, HttpResponses.SDP,
                session.answerSdp().getBytes(StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.LOCATION, "/whip/" + show.id() + "/" + session.sessionId());
        return response;
    }

    /** WHIP session teardown (https://www.rfc-editor.org/rfc/rfc9725#section-4.2): also needs the performer key. */
    private FullHttpResponse whipUnpublish(FullHttpRequest request, Map<String, String> params) throws HttpError {
        ShowConfig show = show(params);
        requirePerformer(request, show);
        String session = params.get("session");
        if (!media.whip().unpublish(show.id(), session)) {
            throw new HttpError(HttpResponseStatus.NOT_FOUND, "no such session: " + session + " in show " + show.id()
                    + " (expected: the Location of a session created by POST /whip/" + show.id() + ")");
        }
        LOG.info("performer session in {} ended by DELETE", show.id());
        return HttpResponses.text(HttpResponseStatus.OK, "session ended");
    }

    /**
     * {@code POST /api/shows/{show}/actions}: one performer command of the show channel (docs/protocol.md, "The show
     * channel"), e.g. {@code {"type":"set.next","v":1}}, with the performer key as a Bearer token. Answers the channel's
     * JSON: 200 with the {@code ack}; an {@code error} with a status by its code (see {@link #actionStatus}). The HTTP
     * event loop never waits: the response is written when the show loop has run (and stored) the command.
     */
    private CompletableFuture<FullHttpResponse> performerAction(FullHttpRequest request, Map<String, String> params)
            throws HttpError {
        ShowConfig show = show(params);
        requirePerformer(request, show);
        if (actions == null) {
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "the show channel is not running on this server"
                    + " (expected: a server started with its show channel)");
        }
        String body = request.content().toString(StandardCharsets.UTF_8); // read now: the request is released on return
        return actions.perform(show.id(), body)
                .orTimeout(actionTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((answer, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        if (!(cause instanceof TimeoutException)) {
                            LOG.error("action for show {} failed", show.id(), cause);
                        }
                        return actionError(cause instanceof TimeoutException ? "unavailable" : "internal",
                                cause instanceof TimeoutException ? "the show did not answer within "
                                        + actionTimeout.toMillis() + " ms (expected: a running show; try again)"
                                        : "the command failed (expected: a working server; the server log has the details)");
                    }
                    return actionAnswer(answer);
                });
    }

    /** The channel's answer as a response: the JSON as it is, with the status its code maps to. */
    private FullHttpResponse actionAnswer(String answer) {
        String code = null;
        try {
            JsonNode node = json.readTree(answer);
            if ("error".equals(node.path("type").asText())) {
                code = node.path("code").asText("internal");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the channel writes JSON: cannot happen
        }
        FullHttpResponse response = HttpResponses.json(code == null ? HttpResponseStatus.OK : actionStatus(code),
                answer.getBytes(StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (HttpResponseStatus.SERVICE_UNAVAILABLE.equals(response.status())) {
            response.headers().setInt(HttpHeaderNames.RETRY_AFTER, 1);
        }
        return response;
    }

    private FullHttpResponse actionError(String code, String reason) {
        ObjectNode error = json.createObjectNode().put("type", "error").put("v", 1).put("code", code).put("reason", reason);
        try {
            return actionAnswer(json.writeValueAsString(error));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The HTTP status of a channel error code: 400 for a message that is not a valid performer command, 413 too large,
     * 404 no such show, 503 when the show loop is unavailable, 500 for a server fault (including {@code storage_failed}:
     * the change happened but is not stored), and 409 for the show's own refusals ({@code end_of_set}, {@code no_poll_open},
     * ...: the command is fine, the show's state refuses it).
     */
    static HttpResponseStatus actionStatus(String code) {
        return switch (code) {
            case "malformed_json", "bad_message", "unknown_type", "unsupported_version", "forbidden" ->
                    HttpResponseStatus.BAD_REQUEST;
            case "too_large" -> HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            case "no_such_show" -> HttpResponseStatus.NOT_FOUND;
            case "unauthorized" -> HttpResponseStatus.UNAUTHORIZED;
            case "rate_limited" -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case "unavailable" -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case "internal", "storage_failed" -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
            default -> HttpResponseStatus.CONFLICT;
        };
    }

    /** The performer console's live figures: the router's status, for the performer key only. */
    private FullHttpResponse performerStatus(FullHttpRequest request, Map<String, String> params) throws Exception {
        ShowConfig show = show(params);
        requirePerformer(request, show);
        RouterStatus status = media.status(show.id()).orElseThrow(() -> new HttpError(HttpResponseStatus.NOT_FOUND,
                "no router for show: " + show.id() + " (expected: a show the media server serves)"));
        ObjectNode body = json.createObjectNode()
                .put("show", show.id())
                .put("performerOnline", status.performerOnline())
                .put("ingest", status.ingest())
                .put("listeners", status.listeners())
                .put("inBitrate", status.inBitrate())
                .put("performerLoss", status.performerLoss())
                .put("performerJitterMs", status.performerJitterMs())
                .put("listenerLoss", status.listenerLoss())
                .put("listenerRttMs", status.listenerRttMs());
        recordings.apply(show.id()).ifPresent(rec -> body.putObject("recording")
                .put("state", rec.state().name().toLowerCase(Locale.ROOT))
                .put("file", rec.file() == null ? null : rec.file().getFileName().toString())
                .put("seconds", rec.duration().toMillis() / 1000.0)
                .put("bytes", rec.bytesWritten())
                .put("dropped", rec.packetsDropped())
                .put("chapters", rec.chapters())
                .put("error", rec.lastError()));
        FullHttpResponse response = HttpResponses.json(HttpResponseStatus.OK, json.writeValueAsBytes(body));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    /**
     * Checks {@code Authorization: Bearer <performer key>} (RFC 6750 §2.1) in constant time; a 401 with a Bearer challenge
     * (RFC 6750 §3) otherwise. Neither the presented value nor the key ever appears in a message or a log line.
     */
    static void requirePerformer(FullHttpRequest request, ShowConfig show) throws HttpError {
        String token = bearerToken(request.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (show.performerKey() != null && show.performerKey().matches(token)) {
            return;
        }
        HttpError denied;
        if (token == null) {
            denied = new HttpError(HttpResponseStatus.UNAUTHORIZED, "performer key missing for show " + show.id()
                    + " (expected: Authorization: Bearer <the show's performer key>)");
            denied.wwwAuthenticate = "Bearer realm=\"encore\"";
        } else {
            LOG.warn("wrong performer key presented for show {}", show.id());
            denied = new HttpError(HttpResponseStatus.UNAUTHORIZED, "wrong performer key for show " + show.id()
                    + " (expected: the key in the show file's performer.key)");
            denied.wwwAuthenticate = "Bearer realm=\"encore\", error=\"invalid_token\"";
        }
        throw denied;
    }

    /** The token of an {@code Authorization: Bearer <token>} header (scheme case-insensitive, RFC 9110 §11.1); else null. */
    static String bearerToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        if (space <= 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
            return null;
        }
        String token = value.substring(space + 1).strip();
        return token.isEmpty() ? null : token;
    }

    /** The body of a request that must be an SDP offer, or a 415. */
    private static String sdpOffer(FullHttpRequest request) throws HttpError {
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals(HttpResponses.SDP)) {
            throw new HttpError(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type: "
                    + (contentType == null ? "(none)" : contentType) + " is not an SDP offer (expected: application/sdp)");
        }
        return request.content().toString(StandardCharsets.UTF_8);
    }

    /** CORS preflight (https://fetch.spec.whatwg.org/#cors-preflight-fetch) and WHEP's Accept-Post. */
    private static FullHttpResponse preflight(FullHttpRequest request, ShowConfig show, String methods) {
        FullHttpResponse response = HttpResponses.empty(HttpResponseStatus.NO_CONTENT);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.ALLOW, methods);
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, methods);
        String requested = request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, requested != null && !requested.isBlank()
                ? requested : "Content-Type, Authorization, If-Match");
        headers.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "86400");
        if (methods.startsWith("POST")) {
            headers.set("Accept-Post", HttpResponses.SDP);
        }
        return response;
    }

    static FullHttpResponse page(String html) {
        FullHttpResponse response = HttpResponses.html(html);
        response.headers().set("Content-Security-Policy", PAGE_CSP);
        response.headers().set("X-Content-Type-Options", "nosniff");
        response.headers().set("Referrer-Policy", "no-referrer");
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        return response;
    }

    private FullHttpResponse listenerPage(FullHttpRequest request, ShowConfig show) throws IOException {
        ReportApi taps = reports;
        if (taps != null) {
            taps.listenerPageOpened(request, show);
        }
        String data = json.writeValueAsString(json.createObjectNode()
                .put("id", show.id())
                .put("title", show.title())
                .put("whep", "/whep/" + show.id())
                .put("ws", "/ws/" + show.id()));
        return page(listenerPage.render(show.title(), data));
    }

    /** The performer console: the WHIP and status URLs and the show's Opus settings; never the key. */
    private FullHttpResponse performerPage(ShowConfig show) throws IOException {
        ObjectNode data = json.createObjectNode()
                .put("id", show.id())
                .put("title", show.title())
                .put("whip", "/whip/" + show.id())
                .put("status", "/api/shows/" + show.id() + "/performer")
                .put("listen", "/l/" + show.id())
                .put("ws", "/ws/" + show.id())
                .put("actions", "/api/shows/" + show.id() + "/actions")
                .put("recordings", "/api/shows/" + show.id() + "/recordings")
                .put("clips", "/api/shows/" + show.id() + "/clips");
        if (show.audio() != null) {
            data.put("bitrate", show.audio().bitrate()).put("stereo", show.audio().stereo());
        }
        FullHttpResponse response = page(performerPage.render(show.title(), json.writeValueAsString(data)));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    private FullHttpResponse index() {
        StringBuilder page = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Encore</title>"
                + "<link rel=\"stylesheet\" href=\"/assets/listener.css\"></head><body><main class=\"card\"><h1>Encore</h1><ul>");
        for (ShowConfig show : shows.values()) {
            if (show.access() == AccessMode.OPEN) {
                page.append("<li><a href=\"/l/").append(show.id()).append("\">").append(PageTemplate.escapeHtml(show.title()))
                        .append("</a></li>");
            }
        }
        page.append("</ul></main></body></html>");
        return page(page.toString());
    }

    private FullHttpResponse healthz() throws IOException {
        ObjectNode body = json.createObjectNode().put("status", "ok");
        ArrayNode list = body.putArray("shows");
        for (ShowConfig show : shows.values()) {
            Optional<Router> router = media.router(show.id());
            list.addObject().put("id", show.id())
                    .put("listeners", router.map(Router::consumerCount).orElse(0))
                    .put("performerOnline", router.map(Router::performerOnline).orElse(false));
        }
        return HttpResponses.json(HttpResponseStatus.OK, json.writeValueAsBytes(body));
    }

    private ObjectNode showJson(ShowConfig show) {
        Optional<Router> router = media.router(show.id());
        ObjectNode node = json.createObjectNode()
                .put("id", show.id())
                .put("title", show.title())
                .put("stereo", show.audio() != null && show.audio().stereo())
                .put("whep", "/whep/" + show.id())
                .put("performerOnline", router.map(Router::performerOnline).orElse(false));
        return node;
    }

    private FullHttpResponse prometheus() throws IOException {
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        for (MetricSnapshot snapshot : media.metrics().scrape()) {
            all.metricSnapshot(snapshot);
        }
        for (MetricSnapshot snapshot : metrics.registry().scrape()) {
            all.metricSnapshot(snapshot);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        new PrometheusTextFormatWriter(false).write(out, all.build());
        return HttpResponses.bytes(HttpResponseStatus.OK, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
    }

    private FullHttpResponse asset(String name) throws HttpError {
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : ASSET_TYPES.get(name.substring(dot + 1));
        byte[] body = null;
        if (type != null && ASSET_NAME.matcher(name).matches() && !name.contains("..")) {
            body = assetCache.computeIfAbsent(name, HttpApi::loadAsset);
        }
        if (body == null || body.length == 0) {
            throw new HttpError(HttpResponseStatus.NOT_FOUND, "no such asset: " + name + " (expected: a file the pages link to)");
        }
        FullHttpResponse response = HttpResponses.bytes(HttpResponseStatus.OK, type, body);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        return response;
    }

    /** An empty array marks a missing asset (ConcurrentHashMap caches no nulls). */
    private static byte[] loadAsset(String name) {
        try (InputStream in = HttpApi.class.getResourceAsStream(ASSETS + name)) {
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The show named by the {@code show} path parameter, or a 404. */
    private ShowConfig show(Map<String, String> params) throws HttpError {
        String id = params.get("show");
        ShowConfig show = SHOW_ID.matcher(id).matches() ? shows.get(id) : null;
        if (show == null) {
            throw new HttpError(HttpResponseStatus.NOT_FOUND, "no such show: " + id
                    + " (expected: the id of a show on this server, as in its link)");
        }
        return show;
    }

    private static String decodeSegment(String raw) {
        try {
            // '+' is a literal plus in a path (RFC 3986), not a space as in a query string.
            return QueryStringDecoder.decodeComponent(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, "bad percent-encoding in path segment: " + raw
                    + " (expected: %XX escapes)");
        }
    }

    /** A request that is answered with an error status and a text body. */
    static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient HttpResponseStatus status;
        private int retryAfterSeconds;
        private String wwwAuthenticate;

        HttpError(HttpResponseStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        /** Adds {@code Retry-After} (RFC 9110 §10.2.3) to a 409, 429 or 503. */
        HttpError retryAfter(int seconds) {
            this.retryAfterSeconds = seconds;
            return this;
        }

        /** Adds a {@code WWW-Authenticate} challenge (RFC 9110 §11.6.1) to the 401. */
        HttpError wwwAuthenticate(String challenge) {
            this.wwwAuthenticate = challenge;
            return this;
        }
    }
}
