package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.Capacity;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.show.access.ServerSecret;
import dev.encore.show.access.Tier;
import dev.encore.show.access.TokenAuthority;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Who may listen, on a real server (media server and HTTP on 127.0.0.1, ports 0) with real WHEP offers: join tokens on
 * {@code POST /whep/{show}}, seats, the token API, and that no secret or whole token reaches a response or a log line.
 */
class AccessHttpTest {
    private static final String SECRET = "test-server-secret-0123456789abcdef-not-for-production";
    private static final String PERFORMER_KEY = "performer-key-for-tests-only";
    private static final String PUBLIC_URL = "https://live.example.org";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final TokenAuthority AUTHORITY = new TokenAuthority(ServerSecret.ofValue(SECRET));
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    private static final Logger ENCORE_LOGGER = (Logger) LoggerFactory.getLogger("dev.encore");
    private static Level previousLevel;

    private static EncoreServer server;
    private static HttpClient client;
    private static String base;
    private static String offer;
    /** Every whole token handed out in this test: none may appear in a log line. */
    private static final List<String> TOKENS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        Logging.install();
        previousLevel = ENCORE_LOGGER.getLevel();
        ENCORE_LOGGER.setLevel(Level.DEBUG);
        LOGS.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);

        server = EncoreServer.start(EncoreServer.Options.loopback(), List.of(
                show("stage", AccessMode.TOKEN, null),
                show("rooftop", AccessMode.TOKEN, new Capacity(2, 1)),
                show("cellar", AccessMode.TOKEN, new Capacity(1, 0)),
                show("open-hall", AccessMode.OPEN, new Capacity(1, 0))), ServerSecret.ofValue(SECRET), PUBLIC_URL);
        base = "http://127.0.0.1:" + server.httpPort();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        try (InputStream in = AccessHttpTest.class.getResourceAsStream("/sdp/chrome-whep-recvonly.sdp")) {
            assertThat(in).as("the Chrome WHEP offer from the protocol test-jar").isNotNull();
            offer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
        ENCORE_LOGGER.setLevel(previousLevel);
    }

    private static ShowConfig show(String id, AccessMode mode, Capacity capacity) {
        return new ShowConfig(null, id, "Show " + id, Secret.of(PERFORMER_KEY), mode, new AudioSettings(64_000, false), null,
                capacity);
    }

    private static String token(String show, Tier tier) {
        String token = AUTHORITY.mint(show, tier, Duration.ofHours(1), "tg:42", Clock.systemUTC()).encoded();
        TOKENS.add(token);
        return token;
    }

    @AfterEach
    void noSecretNorWholeTokenInAnyLogLine() {
        List<ILoggingEvent> events;
        synchronized (LOGS.list) {
            events = List.copyOf(LOGS.list);
        }
        assertThat(events).as("the test logged at DEBUG").isNotEmpty();
        for (ILoggingEvent event : events) {
            StringBuilder text = new StringBuilder(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append(' ').append(t.getMessage());
            }
            String line = text.toString();
            assertThat(line).doesNotContain(SECRET).doesNotContain(PERFORMER_KEY);
            for (String token : TOKENS) {
                assertThat(line).doesNotContain(token);
            }
        }
    }

    // ---- join tokens on POST /whep/{show} ----

    @Test
    void validGeneralAndVipTokensGet201() throws Exception {
        for (Tier tier : Tier.values()) {
            HttpResponse<String> r = whep("stage", "Bearer " + token("stage", tier));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertThat(r.body()).startsWith("v=0").contains("a=ice-lite");
            assertThat(delete(r).statusCode()).isEqualTo(200);
        }
        // the scheme in any case (RFC 6750 §2.1)
        HttpResponse<String> r = whep("stage", "bearer " + token("stage", Tier.GENERAL));
        assertThat(r.statusCode()).isEqualTo(201);
        delete(r);
    }

    @Test
    void missingTokenIs401WithABearerChallenge() throws Exception {
        HttpResponse<String> r = whep("stage", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"encore\"");
        assertThat(r.headers().firstValue("content-type")).hasValue(HttpResponses.JSON);
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("*");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo("missing");
        assertThat(body.get("reason").asText()).contains("no Authorization header (expected: Authorization: Bearer <join token>)");
    }

    @Test
    void malformedForgedAndExpiredTokensAre401WithTheReason() throws Exception {
        String forged = new TokenAuthority(ServerSecret.ofValue("another-server-secret-0123456789abcdef"))
                .mint("stage", Tier.VIP, Duration.ofHours(1), null, Clock.systemUTC()).encoded();
        TOKENS.add(forged);
        String expired = AUTHORITY.mint("stage", Tier.GENERAL, Duration.ofHours(1), null,
                Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC)).encoded();
        TOKENS.add(expired);
        String valid = token("stage", Tier.GENERAL);
        String altered = valid.substring(0, valid.length() - 2) + (valid.endsWith("AA") ? "BA" : "AA");

        assertRefused(whep("stage", "Bearer not-a-token"), 401, "malformed", "join token not-a-token… does not have three parts");
        assertRefused(whep("stage", "Basic dXNlcjpwYXNz"), 401, "malformed", "not of the Bearer scheme");
        assertRefused(whep("stage", "Bearer " + forged), 401, "forged", "has a tag that does not match its content");
        assertRefused(whep("stage", "Bearer " + altered), 401, "forged", "has a tag that does not match its content");
        assertRefused(whep("stage", "Bearer " + expired), 401, "expired", " expired at ");
    }

    @Test
    void tokenOfAnotherShowIs403() throws Exception {
        HttpResponse<String> r = whep("stage", "Bearer " + token("rooftop", Tier.VIP));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("www-authenticate").orElseThrow()).contains("error=\"insufficient_scope\"");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo("wrong_show");
        assertThat(body.get("reason").asText()).contains("is for show 'rooftop' (expected: 'stage')");
    }

    // ---- seats ----

    @Test
    void capacityTwoWithOneVipSeat() throws Exception {
        HttpResponse<String> general1 = whep("rooftop", "Bearer " + token("rooftop", Tier.GENERAL));
        assertThat(general1.statusCode()).as(general1.body()).isEqualTo(201);

        // only N - V = 1 general seat
        HttpResponse<String> general2 = whep("rooftop", "Bearer " + token("rooftop", Tier.GENERAL));
        assertFull(general2);

        // the VIP seat is still free
        HttpResponse<String> vip1 = whep("rooftop", "Bearer " + token("rooftop", Tier.VIP));
        assertThat(vip1.statusCode()).as(vip1.body()).isEqualTo(201);

        // now the room is full for everyone
        assertFull(whep("rooftop", "Bearer " + token("rooftop", Tier.VIP)));

        // DELETE frees a seat: a general listener gets in again
        assertThat(delete(general1).statusCode()).isEqualTo(200);
        HttpResponse<String> general3 = whep("rooftop", "Bearer " + token("rooftop", Tier.GENERAL));
        assertThat(general3.statusCode()).as(general3.body()).isEqualTo(201);

        // a second DELETE of the same session frees nothing more
        assertThat(delete(general1).statusCode()).isEqualTo(404);
        assertFull(whep("rooftop", "Bearer " + token("rooftop", Tier.GENERAL)));

        delete(vip1);
        delete(general3);
    }

    @Test
    void aSeatIsFreedWhenTheMediaServerRefusesTheOffer() throws Exception {
        String token = token("cellar", Tier.GENERAL);
        HttpResponse<String> bad = client.send(request("/whep/cellar").header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/sdp").POST(BodyPublishers.ofString("v=0\r\nnot sdp\r\n")).build(),
                BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);

        HttpResponse<String> good = whep("cellar", "Bearer " + token);
        assertThat(good.statusCode()).as("the only seat is free again").isEqualTo(201);
        assertFull(whep("cellar", "Bearer " + token));
        delete(good);
    }

    @Test
    void openShowsCountSeatsToo() throws Exception {
        HttpResponse<String> first = whep("open-hall", null);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        // an invalid token on an open show is no reason to refuse, but no seat either
        assertFull(whep("open-hall", "Bearer nonsense"));
        delete(first);
        HttpResponse<String> again = whep("open-hall", "Bearer nonsense");
        assertThat(again.statusCode()).isEqualTo(201);
        delete(again);
    }

    // ---- the token API ----

    @Test
    void tokenApiMintsATokenThatOpensTheShow() throws Exception {
        HttpResponse<String> r = mint("stage", "Bearer " + PERFORMER_KEY, "{\"tier\":\"vip\",\"ttl\":\"4h\",\"subject\":\"tg:123\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
        JsonNode body = JSON.readTree(r.body());
        String token = body.get("token").asText();
        TOKENS.add(token);
        assertThat(body.get("link").asText()).isEqualTo(PUBLIC_URL + "/l/stage?t=" + token);
        Instant expiresAt = Instant.parse(body.get("expiresAt").asText());
        assertThat(Duration.between(Instant.now(), expiresAt)).isBetween(Duration.ofMinutes(239), Duration.ofHours(4));
        assertThat(body.get("tier").asText()).isEqualTo("vip");

        TokenAuthority.Verified verified = AUTHORITY.verify(token, "stage", Clock.systemUTC());
        assertThat(verified.tier()).isEqualTo(Tier.VIP);
        assertThat(verified.subject()).isEqualTo("tg:123");

        HttpResponse<String> listening = whep("stage", "Bearer " + token);
        assertThat(listening.statusCode()).isEqualTo(201);
        delete(listening);
    }

    @Test
    void tokenApiDefaultsToGeneralFor4Hours() throws Exception {
        for (String emptyBody : new String[] {"", "{}"}) {
            HttpResponse<String> r = mint("stage", "bearer " + PERFORMER_KEY, emptyBody);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            JsonNode body = JSON.readTree(r.body());
            TOKENS.add(body.get("token").asText());
            assertThat(body.get("tier").asText()).isEqualTo("general");
            assertThat(AUTHORITY.verify(body.get("token").asText(), "stage", Clock.systemUTC()).subject()).isNull();
        }
    }

    @Test
    void tokenApiNeedsThePerformerKey() throws Exception {
        for (String authorization : new String[] {null, "Bearer", "Bearer wrong-key-of-some-length", "Basic " + PERFORMER_KEY,
            "Bearer " + PERFORMER_KEY + "x"}) {
            HttpResponse<String> r = mint("stage", authorization, "{}");
            assertThat(r.statusCode()).as(String.valueOf(authorization)).isEqualTo(401);
            assertThat(r.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"encore-performer\"");
            assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("unauthorized");
            assertThat(r.body()).doesNotContain(PERFORMER_KEY).doesNotContain("v1.");
        }
        assertThat(mint("nope", "Bearer " + PERFORMER_KEY, "{}").statusCode()).isEqualTo(404);
    }

    @Test
    void tokenApiRefusesBadJsonAndValuesWithTheReason() throws Exception {
        assertBadRequest("{\"tier\":", "body is not JSON");
        assertBadRequest("[1, 2]", "body is a JSON array (expected: a JSON object with tier, ttl, subject)");
        assertBadRequest("{\"tier\":\"gold\"}", "tier: 'gold' (expected: general or vip)");
        assertBadRequest("{\"ttl\":\"forever\"}", "ttl: 'forever' (expected: a number and a unit s, m, h or d, e.g. 4h)");
        assertBadRequest("{\"ttl\":\"500d\"}", "ttl: 500d (expected: from 1s to 400d)");
        assertBadRequest("{\"ttl\":3600}", "ttl: a JSON number (expected: a string)");
        assertBadRequest("{\"subject\":\"tg 1\"}", "subject: 'tg 1' (expected: 1 to 64 characters");
        assertBadRequest("{\"tier\":\"vip\",\"show\":\"other\"}", "unknown field 'show' (expected: tier, ttl, subject)");
    }

    @Test
    void responsesNeverCarryTheSecret() throws Exception {
        List<HttpResponse<String>> responses = List.of(whep("stage", null), whep("stage", "Bearer x"),
                mint("stage", "Bearer nope", "{}"), mint("stage", "Bearer " + PERFORMER_KEY, "{\"tier\":1}"),
                client.send(request("/healthz").GET().build(), BodyHandlers.ofString()),
                client.send(request("/api/shows/stage").GET().build(), BodyHandlers.ofString()),
                client.send(request("/metrics").GET().build(), BodyHandlers.ofString()));
        for (HttpResponse<String> r : responses) {
            assertThat(r.body()).doesNotContain(SECRET).doesNotContain(PERFORMER_KEY);
            assertThat(r.headers().map().toString()).doesNotContain(SECRET).doesNotContain(PERFORMER_KEY);
        }
    }

    // ---- helpers ----

    private static void assertRefused(HttpResponse<String> r, int status, String error, String reason) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("www-authenticate"))
                .hasValue("Bearer realm=\"encore\", error=\"invalid_token\", error_description=\"" + error + "\"");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("reason").asText()).contains(reason).contains("expected");
        for (String token : TOKENS) {
            assertThat(r.body()).doesNotContain(token);
        }
    }

    private static void assertFull(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("retry-after")).hasValue("30");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo("full");
        assertThat(body.get("retryAfter").asInt()).isEqualTo(30);
        assertThat(body.get("reason").asText()).contains("is taken");
    }

    private static void assertBadRequest(String json, String reason) throws Exception {
        HttpResponse<String> r = mint("stage", "Bearer " + PERFORMER_KEY, json);
        assertThat(r.statusCode()).as(json).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo("bad_request");
        assertThat(body.get("reason").asText()).as(json).contains(reason);
    }

    private static HttpResponse<String> whep(String show, String authorization) throws Exception {
        HttpRequest.Builder b = request("/whep/" + show).header("Content-Type", "application/sdp").POST(BodyPublishers.ofString(offer));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), BodyHandlers.ofString());
    }

    private static HttpResponse<String> delete(HttpResponse<String> created) throws Exception {
        String location = created.headers().firstValue("location").orElseThrow();
        return client.send(request(location).DELETE().build(), BodyHandlers.ofString());
    }

    private static HttpResponse<String> mint(String show, String authorization, String json) throws Exception {
        HttpRequest.Builder b = request("/api/shows/" + show + "/tokens").header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(json));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    }
}
