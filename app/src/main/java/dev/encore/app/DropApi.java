package dev.encore.app;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.encore.app.HttpApi.HttpError;
import dev.encore.show.Drop;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.show.live.ShowRuleException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drops' HTTP side (issue 5): the click-counting redirect that every drop button points to, and the shop's sales
 * report.
 *
 * <pre>
 *   GET /go/{show}/{drop}?src=telegram
 *     → 302 Location: &lt;the drop's url from the show file&gt; + utm_source=telegram&amp;utm_medium=encore
 *       &amp;utm_campaign={show}&amp;utm_content={drop}
 *
 *   POST /api/shows/{show}/drops/{drop}/sold        {"quantity": 1, "orderId": "A-1001"}
 *     Authorization: Bearer &lt;shop key&gt;   or   X-Encore-Signature: sha256=&lt;hex HMAC-SHA256(shop key, body)&gt;
 *     → 200 {"show": "…", "drop": "…", "remaining": 12}      (remaining null: the drop has no counter)
 * </pre>
 *
 * <p>The redirect goes only to a URL from the show file (the path names a drop; nothing in the request becomes part of
 * the target but the sanitized {@code src}). The shop key is the show file's {@code shop.key}, else the performer key;
 * compared in constant time, never logged. A repeated {@code orderId} counts once, so replaying a signed report changes
 * nothing. Thread-safe.
 */
final class DropApi {
    private static final Logger LOG = LoggerFactory.getLogger(DropApi.class);
    private static final Pattern SOURCE = Pattern.compile("[a-z0-9_-]{1,32}");
    private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9._:#-]{1,100}");
    private static final Set<String> FIELDS = Set.of("quantity", "orderId");
    private static final String SIGNATURE = "X-Encore-Signature";
    /** The most one report may count: a shop reports orders, not its stock. */
    static final int MAX_QUANTITY = 10_000;

    /** What the drops need from the show channel ({@code ShowChannel.dropClicked} / {@code dropSold}). */
    interface DropDesk {
        void clicked(String showId, String dropId, String source);

        CompletableFuture<Integer> sold(String showId, String dropId, int quantity, String orderId);
    }

    private final DropDesk desk;
    private final ObjectMapper json = new ObjectMapper();
    private final ClickLimit clickLimit = new ClickLimit(CLICKS_PER_MINUTE);
    /** Clicks counted per client address and minute; more are redirected but not counted. */
    static final int CLICKS_PER_MINUTE = 20;

    /**
     * Per-address click budget: a fixed one-minute window per address, the map bounded (when full, windows that ended are
     * dropped; if none ended, new addresses are not counted until they do). Thread-safe.
     */
    static final class ClickLimit {
        private static final long WINDOW = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        private static final int MAX_ADDRESSES = 100_000;
        private final int perWindow;
        private final java.util.concurrent.ConcurrentHashMap<String, long[]> windows = new java.util.concurrent.ConcurrentHashMap<>();

        ClickLimit(int perWindow) {
            this.perWindow = perWindow;
        }

        boolean allow(String address, long nowNanos) {
            if (windows.size() >= MAX_ADDRESSES && !windows.containsKey(address)) {
                windows.values().removeIf(w -> nowNanos - w[0] >= WINDOW);
                if (windows.size() >= MAX_ADDRESSES) {
                    return false;
                }
            }
            long[] w = windows.compute(address, (a, old) -> {
                if (old == null || nowNanos - old[0] >= WINDOW) {
                    return new long[] {nowNanos, 1};
                }
                old[1]++;
                return old;
            });
            return w[1] <= perWindow;
        }
    }

    DropApi(DropDesk desk) {
        this.desk = requireNonNull(desk, "desk");
    }

    /** {@code GET /go/{show}/{drop}}: counts the click and redirects to the drop's shop URL with UTM parameters. */
    FullHttpResponse go(FullHttpRequest request, ShowConfig show, String dropId) throws HttpError {
        Drop drop = drop(show, dropId);
        String source = source(new QueryStringDecoder(request.uri()).parameters().get("src"));
        if (clickLimit.allow(request.headers().get(HttpApi.PEER_HEADER, "unknown"), System.nanoTime())) {
            desk.clicked(show.id(), drop.id(), source);
        } // else: still redirected, not counted (a flood must neither grow the show's log nor inflate the figures)
        FullHttpResponse response = HttpResponses.empty(HttpResponseStatus.FOUND);
        response.headers().set(HttpHeaderNames.LOCATION, target(drop, show.id(), source));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        response.headers().set("Referrer-Policy", "no-referrer");
        return response;
    }

    /** The {@code src} parameter if it is a plain word, else "other"; "direct" when absent. */
    static String source(List<String> values) {
        if (values == null || values.isEmpty()) {
            return "direct";
        }
        String value = values.get(0).toLowerCase(Locale.ROOT);
        return SOURCE.matcher(value).matches() ? value : "other";
    }

    /**
     * The drop's URL with {@code utm_source}, {@code utm_medium}, {@code utm_campaign} and {@code utm_content} set (replacing
     * any the show file's URL had; its other parameters and its fragment kept).
     */
    static String target(Drop drop, String showId, String source) {
        URI url = drop.url();
        StringBuilder query = new StringBuilder();
        String raw = url.getRawQuery();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                String name = pair.split("=", 2)[0].toLowerCase(Locale.ROOT);
                if (!pair.isEmpty() && !name.startsWith("utm_")) {
                    query.append(pair).append('&');
                }
            }
        }
        query.append("utm_source=").append(encode(source))
                .append("&utm_medium=encore")
                .append("&utm_campaign=").append(encode(showId))
                .append("&utm_content=").append(encode(drop.id()));
        String base = url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
        return base + "?" + query + (url.getRawFragment() == null ? "" : "#" + url.getRawFragment());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** {@code POST /api/shows/{show}/drops/{drop}/sold}: the shop reports sales; answers once they are stored. */
    CompletableFuture<FullHttpResponse> sold(FullHttpRequest request, ShowConfig show, String dropId) throws HttpError {
        Drop drop = drop(show, dropId);
        byte[] body = new byte[request.content().readableBytes()];
        request.content().getBytes(request.content().readerIndex(), body);
        authorize(request, show, body);
        JsonNode report;
        try {
            report = json.readTree(body);
        } catch (IOException e) {
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, "the body is not JSON (expected: {\"quantity\": 1,"
                    + " \"orderId\": \"A-1001\"})");
        }
        if (report == null || !report.isObject()) {
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, "the body is not a JSON object (expected: {\"quantity\": 1,"
                    + " \"orderId\": \"A-1001\"})");
        }
        for (Iterator<String> names = report.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new HttpError(HttpResponseStatus.BAD_REQUEST, "unknown field '" + HttpApi.clip(name, 40)
                        + "' (expected: quantity, orderId)");
            }
        }
        JsonNode quantity = report.get("quantity");
        if (quantity == null || !quantity.isInt() || quantity.intValue() < 1 || quantity.intValue() > MAX_QUANTITY) {
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, "quantity: " + (quantity == null ? "missing"
                    : HttpApi.clip(quantity.toString(), 20)) + " (expected: an integer from 1 to " + MAX_QUANTITY + ")");
        }
        JsonNode orderId = report.get("orderId");
        if (orderId == null || !orderId.isTextual() || !ORDER_ID.matcher(orderId.textValue()).matches()) {
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, "orderId: " + (orderId == null ? "missing"
                    : HttpApi.clip(orderId.toString(), 40)) + " (expected: the shop's order id, 1 to 100 of A-Z a-z 0-9 . _ : # -)");
        }
        return desk.sold(show.id(), drop.id(), quantity.intValue(), orderId.textValue())
                .orTimeout(HttpApi.ACTION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((remaining, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        if (cause instanceof ShowRuleException refused) {
                            throw new HttpError(HttpResponseStatus.CONFLICT, refused.getMessage());
                        }
                        if (cause instanceof java.util.concurrent.TimeoutException) {
                            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "the show did not answer within "
                                    + HttpApi.ACTION_TIMEOUT.toMillis() + " ms (expected: a running show; report again with"
                                    + " the same orderId)");
                        }
                        throw new CompletionException(cause);
                    }
                    ObjectNode answer = json.createObjectNode().put("show", show.id()).put("drop", drop.id());
                    if (remaining == null || remaining < 0) {
                        answer.putNull("remaining");
                    } else {
                        answer.put("remaining", remaining);
                    }
                    try {
                        FullHttpResponse response = HttpResponses.json(HttpResponseStatus.OK, json.writeValueAsBytes(answer));
                        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
                        return response;
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                });
    }

    /** Bearer shop key, or an HMAC-SHA256 of the body with it; both compared in constant time. */
    private static void authorize(FullHttpRequest request, ShowConfig show, byte[] body) throws HttpError {
        Secret key = shopKey(show);
        String bearer = HttpApi.bearerToken(request.headers().get(HttpHeaderNames.AUTHORIZATION));
        String signature = request.headers().get(SIGNATURE);
        if (key != null && bearer != null && key.matches(bearer)) {
            return;
        }
        if (key != null && signature != null && signature.regionMatches(true, 0, "sha256=", 0, 7)) {
            byte[] presented;
            try {
                presented = HexFormat.of().parseHex(signature.substring(7).strip());
            } catch (IllegalArgumentException e) {
                presented = new byte[0];
            }
            if (MessageDigest.isEqual(hmac(key, body), presented)) {
                return;
            }
        }
        if (bearer != null || signature != null) {
            LOG.warn("wrong shop credentials presented for show {}", show.id());
        }
        throw new HttpError(HttpResponseStatus.UNAUTHORIZED, (bearer == null && signature == null
                ? "shop credentials missing" : "wrong shop credentials") + " for show " + show.id()
                + " (expected: Authorization: Bearer <shop key>, or " + SIGNATURE + ": sha256=<hex HMAC-SHA256 of the body"
                + " with the shop key>)").wwwAuthenticate("Bearer realm=\"encore\"");
    }

    static Secret shopKey(ShowConfig show) {
        return show.performerKey();
    }

    static byte[] hmac(Secret key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available (expected: every Java runtime has it)", e);
        }
    }

    private static Drop drop(ShowConfig show, String dropId) throws HttpError {
        Drop drop = dropId == null ? null : show.drops().get(dropId);
        if (drop == null) {
            Map<String, Drop> drops = show.drops();
            throw new HttpError(HttpResponseStatus.NOT_FOUND, "no such drop: " + HttpApi.clip(dropId, 40) + " in show "
                    + show.id() + " (expected: " + (drops.isEmpty() ? "a show with drops" : "one of "
                    + String.join(", ", drops.keySet())) + ")");
        }
        return drop;
    }
}
