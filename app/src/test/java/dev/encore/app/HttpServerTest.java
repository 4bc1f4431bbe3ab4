package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.encore.media.NoSuchShowException;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.encore.media.Router;
import dev.encore.media.RouterStatus;
import dev.encore.media.WhepService;
import dev.encore.media.WhepSession;
import dev.encore.media.WhipService;
import dev.encore.media.WhipSession;
import dev.encore.protocol.sdp.SdpException;
import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import io.netty.channel.epoll.Epoll;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The HTTP routes on a real Netty server on 127.0.0.1, with a fake media server behind them. */
class HttpServerTest {
    private static final String OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
            + "a=rtpmap:111 opus/48000/2\r\n";
    private static final String ANSWER = "v=0\r\no=encore 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-lite\r\n";
    private static final String WHIP_ANSWER = ANSWER + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
            + "a=fmtp:111 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;maxaveragebitrate=96000\r\n";
    private static final String KEY = "demo-performer-key-0123456789";
    private static final RouterStatus DEMO_STATUS = new RouterStatus(true, "whip", 3, 95_500.5, 0.01, 2.5, 0.02, 31.0);

    private static final FakeMedia MEDIA = new FakeMedia();
    private static HttpServer server;
    private static HttpClient client;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        List<ShowConfig> shows = List.of(
                new ShowConfig(null, "demo", "Rock & <Roll> \"live\"", Secret.of(KEY), AccessMode.OPEN,
                        new AudioSettings(96_000, true), null),
                new ShowConfig(null, "secret-show", "Private", Secret.of("secret-show-key-0123456789"), AccessMode.TOKEN,
                        new AudioSettings(64_000, false), null));
        server = HttpServer.start("127.0.0.1", 0, new HttpApi(shows, MEDIA));
        base = "http://127.0.0.1:" + server.localAddress().getPort();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void listenerPageHasTheEscapedTitleAndTheShowData() throws Exception {
        HttpResponse<String> r = get("/l/demo");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(r.headers().firstValue("content-security-policy").orElseThrow()).contains("connect-src 'self'");
        assertThat(r.body())
                .contains("<h1 id=\"title\">Rock &amp; &lt;Roll&gt; &quot;live&quot;</h1>")
                .contains("\"whep\":\"/whep/demo\"")
                .contains("\\u003cRoll>")
                .doesNotContain("<Roll>")
                .contains("Tap to listen")
                .contains("/assets/listener.js");
    }

    @Test
    void unknownShowIs404WithAReason() throws Exception {
        HttpResponse<String> r = get("/l/nope");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("content-type")).hasValue(HttpResponses.TEXT);
        assertThat(r.body()).startsWith("no such show: nope (expected: ");
        assertThat(get("/l/NOT..valid").statusCode()).isEqualTo(404);
        assertThat(get("/api/shows/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void headAnswersLikeGetWithoutBody() throws Exception {
        HttpResponse<String> getResponse = get("/l/demo");
        HttpResponse<String> head = send(request("/l/demo").method("HEAD", BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValueAsLong("content-length"))
                .hasValue(getResponse.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    @Test
    void showApiGivesIdTitleAndWhepUrl() throws Exception {
        HttpResponse<String> r = get("/api/shows/demo");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode json = new ObjectMapper().readTree(r.body());
        assertThat(json.get("id").asText()).isEqualTo("demo");
        assertThat(json.get("title").asText()).isEqualTo("Rock & <Roll> \"live\"");
        assertThat(json.get("whep").asText()).isEqualTo("/whep/demo");
        assertThat(json.get("performerOnline").asBoolean()).isTrue();
    }

    @Test
    void whepNeedsAnSdpContentType() throws Exception {
        HttpResponse<String> r = send(request("/whep/demo").header("Content-Type", "text/plain").POST(BodyPublishers.ofString(OFFER)));
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(r.body()).isEqualTo("Content-Type: text/plain is not an SDP offer (expected: application/sdp)\n");
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("*");
    }

    @Test
    void whepForAnUnknownShowIs404() throws Exception {
        HttpResponse<String> r = post("/whep/nope", OFFER);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).startsWith("no such show: nope");
    }

    @Test
    void whepBodyOver64KibIs413AndTheConnectionStaysUsable() throws Exception {
        String big = OFFER + "a=x-padding:" + "x".repeat(HttpServer.MAX_BODY_BYTES) + "\r\n";
        HttpResponse<String> r = post("/whep/demo", big);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).isEqualTo("request body is too large (expected: at most 65536 bytes)\n");
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void whepBodyOfExactly64KibIsAccepted() throws Exception {
        String padded = OFFER + "a=x:";
        padded = padded + "x".repeat(HttpServer.MAX_BODY_BYTES - padded.length());
        assertThat(post("/whep/demo", padded).statusCode()).isEqualTo(201);
    }

    @Test
    void malformedOfferIs400WithTheReason() throws Exception {
        HttpResponse<String> r = post("/whep/demo", "hello");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("content-type")).hasValue(HttpResponses.TEXT);
        assertThat(r.body()).isEqualTo("offer has no audio section (expected: m=audio ...)\n");
    }

    @Test
    void validOfferIs201WithAnswerAndLocation() throws Exception {
        HttpResponse<String> r = send(request("/whep/demo").header("Content-Type", "application/sdp; charset=UTF-8")
                .POST(BodyPublishers.ofString(OFFER)));
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.body()).isEqualTo(ANSWER);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/sdp");
        String location = r.headers().firstValue("location").orElseThrow();
        assertThat(location).matches("/whep/demo/s[0-9]+");
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(r.headers().firstValue("access-control-expose-headers")).hasValue("Location");
        assertThat(MEDIA.offers).containsEntry(location.substring(location.lastIndexOf('/') + 1), OFFER);
    }

    @Test
    void aBusyMediaServerIs503WithRetryAfter() throws Exception {
        HttpResponse<String> r = post("/whep/demo", OFFER + "a=x-busy\r\n");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("retry-after")).hasValue("2");
        assertThat(r.body()).isEqualTo("too many sessions waiting to connect: 2 (expected: fewer; retry later)\n");
    }

    @Test
    void deleteEndsTheSessionOnce() throws Exception {
        String location = post("/whep/demo", OFFER).headers().firstValue("location").orElseThrow();
        HttpResponse<String> first = send(request(location).DELETE());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("access-control-allow-origin")).hasValue("*");
        HttpResponse<String> again = send(request(location).DELETE());
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(again.body()).startsWith("no such session: ");
        assertThat(send(request("/whep/nope/abc").DELETE()).statusCode()).isEqualTo(404);
    }

    @Test
    void corsPreflight() throws Exception {
        HttpResponse<String> r = send(request("/whep/demo").method("OPTIONS", BodyPublishers.noBody())
                .header("Origin", "https://example.org")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type"));
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(r.headers().firstValue("access-control-allow-methods")).hasValue("POST, OPTIONS");
        assertThat(r.headers().firstValue("access-control-allow-headers")).hasValue("content-type");
        assertThat(r.headers().firstValue("access-control-expose-headers")).hasValue("Location");
        assertThat(r.headers().firstValue("accept-post")).hasValue("application/sdp");

        HttpResponse<String> session = send(request("/whep/demo/abc").method("OPTIONS", BodyPublishers.noBody()));
        assertThat(session.statusCode()).isEqualTo(204);
        assertThat(session.headers().firstValue("access-control-allow-methods")).hasValue("DELETE, OPTIONS");
    }

    @Test
    void servesOverEpollOnLinuxAndTheSameOverNioWhereEpollIsMissing() throws Exception {
        assertThat(Epoll.isAvailable()).as("epoll on this Linux machine: %s", Epoll.unavailabilityCause()).isTrue();
        assertThat(server.transport()).isEqualTo("epoll");
        try (HttpServer nio = HttpServer.start("127.0.0.1", 0, new HttpApi(List.of(new ShowConfig(null, "demo", "NIO",
                Secret.of(KEY), AccessMode.OPEN, new AudioSettings(96_000, true), null)), MEDIA), null, false)) {
            assertThat(nio.transport()).isEqualTo("nio");
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + nio.localAddress().getPort() + "/api/shows/demo")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(r.body()).get("title").asText()).isEqualTo("NIO");
        }
    }

    @Test
    void healthzListsTheShows() throws Exception {
        HttpResponse<String> r = get("/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue(HttpResponses.JSON);
        JsonNode json = new ObjectMapper().readTree(r.body());
        assertThat(json.get("status").asText()).isEqualTo("ok");
        assertThat(json.get("shows")).hasSize(2);
        assertThat(json.get("shows").get(0).get("id").asText()).isEqualTo("demo");
        assertThat(json.get("shows").get(0).get("listeners").asInt()).isEqualTo(3);
        assertThat(json.get("shows").get(1).get("listeners").asInt()).isZero();
    }

    @Test
    void metricsInPrometheusTextFormat() throws Exception {
        get("/l/demo");
        get("/l/nope");
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body())
                .contains("# TYPE encore_test_media_packets_total counter")
                .contains("encore_test_media_packets_total 42")
                .contains("# TYPE encore_http_requests_total counter")
                .containsPattern("encore_http_requests_total\\{code=\"200\",method=\"GET\",route=\"/l/\\{show}\"} [1-9]")
                .containsPattern("encore_http_requests_total\\{code=\"404\",method=\"GET\",route=\"/l/\\{show}\"} [1-9]");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> unknown = get("/nothing/here");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).startsWith("no such path: /nothing/here (expected: one of /, /l/{show}");

        HttpResponse<String> put = send(request("/whep/demo").PUT(BodyPublishers.ofString("x")));
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("allow")).hasValue("POST, OPTIONS");
        assertThat(put.body()).isEqualTo("method PUT is not allowed on /whep/{show} (expected: POST, OPTIONS)\n");

        HttpResponse<String> postPage = post("/l/demo", "x");
        assertThat(postPage.statusCode()).isEqualTo(405);
        assertThat(postPage.headers().firstValue("allow")).hasValue("GET, HEAD");
    }

    @Test
    void staticAssetsFromTheClasspath() throws Exception {
        HttpResponse<String> js = get("/assets/listener.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(js.body()).contains("window.encoreStats");
        assertThat(get("/assets/listener.css").headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
        assertThat(get("/assets/missing.js").statusCode()).isEqualTo(404);
        assertThat(get("/assets/..%2Flistener.html").statusCode()).isEqualTo(404);
        assertThat(get("/assets/logback.xml").statusCode()).isEqualTo(404);
    }

    @Test
    void indexListsOnlyOpenShows() throws Exception {
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("href=\"/l/demo\"").doesNotContain("secret-show");
    }

    @Test
    void whipWithoutAKeyIs401WithABearerChallengeAndStartsNothing() throws Exception {
        int before = MEDIA.publishCalls.get();
        HttpResponse<String> r = post("/whip/demo", OFFER);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"encore\"");
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(r.body()).isEqualTo("performer key missing for show demo "
                + "(expected: Authorization: Bearer <the show's performer key>)\n");
        HttpResponse<String> basic = send(whip("/whip/demo", "Basic " + KEY).POST(BodyPublishers.ofString(OFFER)));
        assertThat(basic.statusCode()).isEqualTo(401);
        HttpResponse<String> empty = send(whip("/whip/demo", "Bearer ").POST(BodyPublishers.ofString(OFFER)));
        assertThat(empty.statusCode()).isEqualTo(401);
        assertThat(MEDIA.publishCalls.get()).isEqualTo(before);
    }

    @Test
    void whipWithAWrongKeyIs401StartsNothingAndNeverEchoesOrLogsTheKeys() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        int before = MEDIA.publishCalls.get();
        String wrong = KEY.substring(0, KEY.length() - 1) + "X";
        try {
            HttpResponse<String> r = send(whip("/whip/demo", "Bearer " + wrong).POST(BodyPublishers.ofString(OFFER)));
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"encore\", error=\"invalid_token\"");
            assertThat(r.body()).isEqualTo("wrong performer key for show demo (expected: the key in the show file's performer.key)\n");
            // Authentication comes first: a wrong key with a wrong body is still a 401, not a 415 or 400.
            HttpResponse<String> notSdp = send(whip("/whip/demo", "Bearer " + wrong).setHeader("Content-Type", "text/plain")
                    .POST(BodyPublishers.ofString("hello")));
            assertThat(notSdp.statusCode()).isEqualTo(401);
        } finally {
            root.detachAppender(logs);
        }
        assertThat(MEDIA.publishCalls.get()).isEqualTo(before);
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).isEqualTo("wrong performer key presented for show demo"))
                .allSatisfy(m -> assertThat(m).doesNotContain(wrong).doesNotContain(KEY));
    }

    @Test
    void whipWithTheKeyIs201WithAnswerAndLocation() throws Exception {
        HttpResponse<String> r = send(whip("/whip/demo", "bearer " + KEY).setHeader("Content-Type", "application/sdp; charset=utf-8")
                .POST(BodyPublishers.ofString(OFFER)));
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.body()).isEqualTo(WHIP_ANSWER);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/sdp");
        String location = r.headers().firstValue("location").orElseThrow();
        assertThat(location).matches("/whip/demo/w[0-9]+");
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(r.headers().firstValue("access-control-expose-headers")).hasValue("Location");
        assertThat(MEDIA.whipOffers).containsEntry(location.substring(location.lastIndexOf('/') + 1), OFFER);
    }

    @Test
    void whipDeleteNeedsTheKey() throws Exception {
        String location = send(whip("/whip/demo", "Bearer " + KEY).POST(BodyPublishers.ofString(OFFER)))
                .headers().firstValue("location").orElseThrow();
        String session = location.substring(location.lastIndexOf('/') + 1);
        HttpResponse<String> anonymous = send(request(location).DELETE());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"encore\"");
        assertThat(send(whip(location, "Bearer not-the-key-0123456789").DELETE()).statusCode()).isEqualTo(401);
        assertThat(MEDIA.whipSessions).contains(session);

        HttpResponse<String> ended = send(whip(location, "Bearer " + KEY).DELETE());
        assertThat(ended.statusCode()).isEqualTo(200);
        assertThat(ended.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(MEDIA.whipSessions).doesNotContain(session);
        HttpResponse<String> again = send(whip(location, "Bearer " + KEY).DELETE());
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(again.body()).startsWith("no such session: " + session + " in show demo");
    }

    @Test
    void whipForAnUnknownShowIs404WithOrWithoutAKey() throws Exception {
        assertThat(post("/whip/nope", OFFER).statusCode()).isEqualTo(404);
        HttpResponse<String> r = send(whip("/whip/nope", "Bearer " + KEY).POST(BodyPublishers.ofString(OFFER)));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).startsWith("no such show: nope");
        assertThat(send(whip("/whip/nope/w1", "Bearer " + KEY).DELETE()).statusCode()).isEqualTo(404);
    }

    @Test
    void whipKeysAreNotSharedBetweenShows() throws Exception {
        int before = MEDIA.publishCalls.get();
        HttpResponse<String> r = send(whip("/whip/secret-show", "Bearer " + KEY).POST(BodyPublishers.ofString(OFFER)));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(MEDIA.publishCalls.get()).isEqualTo(before);
    }

    @Test
    void whipNeedsAnSdpContentType() throws Exception {
        HttpResponse<String> r = send(whip("/whip/demo", "Bearer " + KEY).setHeader("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(OFFER)));
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(r.body()).isEqualTo("Content-Type: application/json is not an SDP offer (expected: application/sdp)\n");
        HttpResponse<String> none = send(request("/whip/demo").header("Authorization", "Bearer " + KEY)
                .POST(BodyPublishers.ofString(OFFER)));
        assertThat(none.statusCode()).isEqualTo(415);
    }

    @Test
    void whipBodyOver64KibIs413WithCors() throws Exception {
        int before = MEDIA.publishCalls.get();
        String big = OFFER + "a=x-padding:" + "x".repeat(HttpServer.MAX_BODY_BYTES) + "\r\n";
        HttpResponse<String> r = send(whip("/whip/demo", "Bearer " + KEY).POST(BodyPublishers.ofString(big)));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(MEDIA.publishCalls.get()).isEqualTo(before);
    }

    @Test
    void whipMalformedOfferIs400WithTheReasonAndBusyIs503() throws Exception {
        HttpResponse<String> r = send(whip("/whip/demo", "Bearer " + KEY).POST(BodyPublishers.ofString("hello")));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("offer has no audio section (expected: m=audio ...)\n");
        HttpResponse<String> busy = send(whip("/whip/demo", "Bearer " + KEY).POST(BodyPublishers.ofString(OFFER + "a=x-busy\r\n")));
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(busy.headers().firstValue("retry-after")).hasValue("2");
    }

    @Test
    void whipCorsPreflightAllowsAuthorization() throws Exception {
        HttpResponse<String> r = send(request("/whip/demo").method("OPTIONS", BodyPublishers.noBody())
                .header("Origin", "https://studio.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type"));
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(r.headers().firstValue("access-control-allow-methods")).hasValue("POST, OPTIONS");
        assertThat(r.headers().firstValue("access-control-allow-headers")).hasValue("authorization, content-type");
        assertThat(r.headers().firstValue("accept-post")).hasValue("application/sdp");

        HttpResponse<String> session = send(request("/whip/demo/w1").method("OPTIONS", BodyPublishers.noBody())
                .header("Access-Control-Request-Method", "DELETE"));
        assertThat(session.statusCode()).isEqualTo(204);
        assertThat(session.headers().firstValue("access-control-allow-methods")).hasValue("DELETE, OPTIONS");
        assertThat(session.headers().firstValue("access-control-allow-headers").orElseThrow()).contains("Authorization");

        HttpResponse<String> patch = send(whip("/whip/demo/w1", "Bearer " + KEY).method("PATCH", BodyPublishers.ofString("x")));
        assertThat(patch.statusCode()).as("no trickle ICE: RFC 9725 §4.3.1").isEqualTo(405);
    }

    @Test
    void performerStatusNeedsTheKeyAndGivesTheRouterStatus() throws Exception {
        HttpResponse<String> anonymous = get("/api/shows/demo/performer");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"encore\"");
        assertThat(send(whip("/api/shows/demo/performer", "Bearer wrong-key-0123456789").GET()).statusCode()).isEqualTo(401);
        assertThat(send(whip("/api/shows/nope/performer", "Bearer " + KEY).GET()).statusCode()).isEqualTo(404);

        HttpResponse<String> r = send(whip("/api/shows/demo/performer", "Bearer " + KEY).GET());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue(HttpResponses.JSON);
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(new ObjectMapper().readTree(r.body())).isEqualTo(new ObjectMapper().readTree("""
                {"show": "demo", "performerOnline": true, "ingest": "whip", "listeners": 3, "inBitrate": 95500.5,
                 "performerLoss": 0.01, "performerJitterMs": 2.5, "listenerLoss": 0.02, "listenerRttMs": 31.0}"""));

        HttpResponse<String> noRouter = send(whip("/api/shows/secret-show/performer", "Bearer secret-show-key-0123456789").GET());
        assertThat(noRouter.statusCode()).isEqualTo(404);
        assertThat(noRouter.body()).startsWith("no router for show: secret-show");
    }

    @Test
    void performerConsolePageHasTheShowDataButNeverTheKey() throws Exception {
        HttpResponse<String> r = get("/p/demo");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-security-policy").orElseThrow())
                .contains("default-src 'self'").contains("script-src 'self'").contains("connect-src 'self'");
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(r.headers().firstValue("referrer-policy")).hasValue("no-referrer");
        assertThat(r.body())
                .contains("Rock &amp; &lt;Roll&gt; &quot;live&quot;")
                .contains("\"whip\":\"/whip/demo\"")
                .contains("\"status\":\"/api/shows/demo/performer\"")
                .contains("\"bitrate\":96000")
                .contains("/assets/performer.js")
                .doesNotContain("<Roll>")
                .doesNotContain(KEY);
        assertThat(get("/p/nope").statusCode()).isEqualTo(404);
        assertThat(get("/assets/performer.js").body()).contains("window.encorePerformer");
        assertThat(get("/assets/performer.css").statusCode()).isEqualTo(200);
    }

    @Test
    void bearerTokenParsing() {
        assertThat(HttpApi.bearerToken(null)).isNull();
        assertThat(HttpApi.bearerToken("Bearer abc")).isEqualTo("abc");
        assertThat(HttpApi.bearerToken("BEARER  abc ")).isEqualTo("abc");
        assertThat(HttpApi.bearerToken("Bearer")).isNull();
        assertThat(HttpApi.bearerToken("Bearer ")).isNull();
        assertThat(HttpApi.bearerToken("Basic abc")).isNull();
        assertThat(HttpApi.bearerToken("Bearerabc")).isNull();
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    private static HttpResponse<String> post(String path, String sdp) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/sdp").POST(BodyPublishers.ofString(sdp)));
    }

    /** A request with an Authorization header and an SDP content type (ignored by GET and DELETE). */
    private static HttpRequest.Builder whip(String path, String authorization) {
        return request(path).header("Authorization", authorization).header("Content-Type", "application/sdp");
    }

    private static HttpResponse<String> send(HttpRequest.Builder builder) throws IOException, InterruptedException {
        return client.send(builder.build(), BodyHandlers.ofString());
    }

    /** A media server stand-in: sessions in maps, a router for "demo" only, one counter. */
    private static final class FakeMedia implements MediaBackend, WhepService, WhipService {
        final Map<String, String> offers = new ConcurrentHashMap<>();
        final Set<String> sessions = ConcurrentHashMap.newKeySet();
        final Map<String, String> whipOffers = new ConcurrentHashMap<>();
        final Set<String> whipSessions = ConcurrentHashMap.newKeySet();
        final AtomicInteger publishCalls = new AtomicInteger();
        final PrometheusRegistry registry = new PrometheusRegistry();
        private int next;

        FakeMedia() {
            Counter.builder().name("encore_test_media_packets_total").help("test").register(registry).inc(42);
        }

        @Override
        public WhepService whep() {
            return this;
        }

        @Override
        public WhipService whip() {
            return this;
        }

        @Override
        public Optional<RouterStatus> status(String showId) {
            return showId.equals("demo") ? Optional.of(DEMO_STATUS) : Optional.empty();
        }

        @Override
        public Optional<Router> router(String showId) {
            if (!showId.equals("demo")) {
                return Optional.empty();
            }
            return Optional.of(new Router() {
                @Override
                public String showId() {
                    return "demo";
                }

                @Override
                public void feed(byte[] rtp, int off, int len) {
                }

                @Override
                public int consumerCount() {
                    return 3;
                }

                @Override
                public boolean performerOnline() {
                    return true;
                }
            });
        }

        @Override
        public PrometheusRegistry metrics() {
            return registry;
        }

        @Override
        public synchronized WhepSession subscribe(String showId, String offerSdp) throws NoSuchShowException, SdpException {
            if (!showId.equals("demo")) {
                throw new NoSuchShowException(showId);
            }
            if (offerSdp.contains("a=x-busy")) {
                throw new IllegalStateException("too many sessions waiting to connect: 2 (expected: fewer; retry later)");
            }
            if (!offerSdp.contains("m=audio")) {
                throw new SdpException("offer has no audio section (expected: m=audio ...)");
            }
            String id = "s" + next++;
            sessions.add(id);
            offers.put(id, offerSdp);
            return new WhepSession(id, ANSWER);
        }

        @Override
        public boolean unsubscribe(String showId, String sessionId) {
            return showId.equals("demo") && sessions.remove(sessionId);
        }

        @Override
        public synchronized WhipSession publish(String showId, String offerSdp) throws NoSuchShowException, SdpException {
            publishCalls.incrementAndGet();
            if (!showId.equals("demo")) {
                throw new NoSuchShowException(showId);
            }
            if (offerSdp.contains("a=x-busy")) {
                throw new IllegalStateException("too many sessions waiting to connect: 2 (expected: fewer; retry later)");
            }
            if (!offerSdp.contains("m=audio")) {
                throw new SdpException("offer has no audio section (expected: m=audio ...)");
            }
            String id = "w" + next++;
            whipSessions.add(id);
            whipOffers.put(id, offerSdp);
            return new WhipSession(id, WHIP_ANSWER);
        }

        @Override
        public boolean unpublish(String showId, String sessionId) {
            return showId.equals("demo") && whipSessions.remove(sessionId);
        }
    }
}
