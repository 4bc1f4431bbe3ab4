package dev.encore.app;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.encore.show.ShowConfig;
import dev.encore.show.access.JoinToken;
import dev.encore.show.access.Tier;
import dev.encore.show.access.TokenAuthority;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/shows/{show}/tokens}: mints a join token for automation (the Telegram bot).
 *
 * <pre>
 *   Authorization: Bearer &lt;the show's performer key&gt;
 *   {"tier": "vip", "ttl": "4h", "subject": "tg:123"}     every field optional: general, 4h, no subject
 *   → 201 {"token": "v1.…", "link": "https://…/l/show?t=v1.…", "expiresAt": "2025-…Z", "tier": "vip", "show": "…"}
 * </pre>
 * 401 for a missing or wrong key (compared in constant time), 400 with a JSON {@code reason} for bad JSON or values. The key
 * and the minted token are never logged (only the token's id). Thread-safe.
 */
final class TokenApi {
    /** The time to live when the request gives none. */
    static final String DEFAULT_TTL = "4h";

    private static final Logger LOG = LoggerFactory.getLogger(TokenApi.class);
    private static final Pattern BEARER = Pattern.compile("(?i)bearer +(\\S+) *");
    private static final Set<String> FIELDS = Set.of("tier", "ttl", "subject");

    private final TokenAuthority authority;
    private final Supplier<String> baseUrl;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param baseUrl the start of listener links, e.g. {@code https://live.example.org} (asked per request: the port may be
     *     known only once the server is bound)
     */
    TokenApi(TokenAuthority authority, Supplier<String> baseUrl, Clock clock) {
        this.authority = requireNonNull(authority, "authority");
        this.baseUrl = requireNonNull(baseUrl, "baseUrl");
        this.clock = requireNonNull(clock, "clock");
    }

    FullHttpResponse mint(FullHttpRequest request, ShowConfig show) throws IOException {
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        Matcher bearer = authorization == null ? null : BEARER.matcher(authorization);
        if (bearer == null || !bearer.matches()) {
            return unauthorized("no performer key (expected: Authorization: Bearer <the show's performer key>)");
        }
        if (show.performerKey() == null || !show.performerKey().matches(bearer.group(1))) {
            LOG.info("token API for show {}: wrong performer key", show.id());
            return unauthorized("wrong performer key for show " + show.id() + " (expected: the performer.key of its show file)");
        }
        Tier tier;
        Duration ttl;
        String subject;
        try {
            JsonNode body = body(request);
            tier = Tier.parse(text(body, "tier", Tier.GENERAL.text()));
            ttl = TokenAuthority.parseTtl(text(body, "ttl", DEFAULT_TTL));
            subject = text(body, "subject", null);
        } catch (IllegalArgumentException e) {
            return error(HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage());
        }
        JoinToken token;
        try {
            token = authority.mint(show.id(), tier, ttl, subject, clock);
        } catch (IllegalArgumentException e) {
            return error(HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage());
        }
        LOG.info("token API: minted join token {} for show {}, {}, until {}", token.id(), show.id(), tier, token.expiresAt());
        ObjectNode answer = json.createObjectNode()
                .put("token", token.encoded())
                .put("link", AccessOptions.listenerLink(baseUrl.get(), show.id(), token.encoded()))
                .put("expiresAt", token.expiresAt().toString())
                .put("tier", tier.text())
                .put("show", show.id());
        FullHttpResponse response = HttpResponses.json(HttpResponseStatus.CREATED, json.writeValueAsBytes(answer));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    /** The request's JSON object; an empty body is {@code {}}. */
    private JsonNode body(FullHttpRequest request) {
        String text = request.content().toString(StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return json.createObjectNode();
        }
        JsonNode body;
        try {
            body = json.readTree(text);
        } catch (JsonProcessingException e) {
            // getOriginalMessage: without the location and source snippet Jackson appends
            String problem = e.getOriginalMessage();
            if (problem.length() > 200) {
                problem = problem.substring(0, 200) + "…";
            }
            throw new IllegalArgumentException("body is not JSON: " + problem
                    + " (expected: {\"tier\": \"general\"|\"vip\", \"ttl\": \"4h\", \"subject\": \"tg:123\"}, every field optional)");
        }
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("body is " + (body == null ? "empty" : "a JSON " + body.getNodeType().name()
                    .toLowerCase(Locale.ROOT)) + " (expected: a JSON object with tier, ttl, subject)");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                String shown = name.length() > 40 ? name.substring(0, 40) + "…" : name;
                throw new IllegalArgumentException("unknown field '" + shown + "' (expected: tier, ttl, subject)");
            }
        }
        return body;
    }

    private static String text(JsonNode body, String field, String defaultValue) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + ": a JSON " + value.getNodeType().name().toLowerCase(Locale.ROOT)
                    + " (expected: a string)");
        }
        return value.textValue();
    }

    private FullHttpResponse unauthorized(String reason) throws IOException {
        FullHttpResponse response = error(HttpResponseStatus.UNAUTHORIZED, "unauthorized", reason);
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"encore-performer\"");
        return response;
    }

    private FullHttpResponse error(HttpResponseStatus status, String error, String reason) throws IOException {
        FullHttpResponse response = HttpResponses.json(status, json.writeValueAsBytes(json.createObjectNode()
                .put("error", error).put("reason", reason)));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }
}
