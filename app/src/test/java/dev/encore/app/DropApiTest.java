package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.show.AccessMode;
import dev.encore.show.Drop;
import dev.encore.show.PlannedSong;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.show.live.Refusal;
import dev.encore.show.live.ShowRuleException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The drops' HTTP boundary on a real Netty server on 127.0.0.1: the redirect (UTM parameters, click counting, only URLs
 * from the show file) and the shop's sales report (bearer and HMAC, every malformed body refused with a reason). The show
 * channel behind it is a recording {@link DropApi.DropDesk}; the end-to-end run with the real channel is in
 * {@code TelegramShowTest}.
 */
class DropApiTest {
    private static final String KEY = "drops-performer-key-0123456789";
    private static final Map<String, Drop> DROPS = new LinkedHashMap<>();

    static {
        DROPS.put("vinyl", new Drop("vinyl", "Signed vinyl", URI.create("https://shop.example.org/vinyl?ref=show&utm_source=x#buy"),
                50, Duration.ofMinutes(10), null));
        DROPS.put("vip", new Drop("vip", "VIP bundle", URI.create("https://shop.example.org/vip"), null, null,
                Duration.ofMinutes(15)));
    }

    private static final ShowConfig SHOW = new ShowConfig(null, "rooftop", "Rooftop", Secret.of(KEY), AccessMode.OPEN, null, null,
            null, List.of(new PlannedSong("Opening"), new PlannedSong("Harbour Lights", List.of("vinyl"))), null, null, DROPS);

    private final List<String> clicks = new CopyOnWriteArrayList<>();
    private final List<String> sales = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        HttpApi api = new HttpApi(List.of(SHOW), new NoMedia());
        api.drops(new DropApi.DropDesk() {
            @Override
            public void clicked(String showId, String dropId, String source) {
                clicks.add(showId + "/" + dropId + "/" + source);
            }

            @Override
            public CompletableFuture<Integer> sold(String showId, String dropId, int quantity, String orderId) {
                sales.add(showId + "/" + dropId + "/" + quantity + "/" + orderId);
                if (orderId.equals("refused")) {
                    return CompletableFuture.failedFuture(new ShowRuleException(Refusal.values()[0], "refused by the show"));
                }
                return CompletableFuture.completedFuture(dropId.equals("vip") ? -1 : 50 - quantity);
            }
        });
        server = HttpServer.start("127.0.0.1", 0, api);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.localAddress().getPort() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> sold(String drop, String body, String header, String value) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/api/shows/rooftop/drops/" + drop + "/sold"))
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString(body));
        if (header != null) {
            b.header(header, value);
        }
        return client.send(b.build(), BodyHandlers.ofString());
    }

    @Test
    void theRedirectCountsTheClickAndAddsUtmParameters() throws Exception {
        HttpResponse<String> r = get("/go/rooftop/vinyl?src=telegram");

        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue("https://shop.example.org/vinyl?ref=show&utm_source=telegram"
                + "&utm_medium=encore&utm_campaign=rooftop&utm_content=vinyl#buy");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(clicks).containsExactly("rooftop/vinyl/telegram");

        HttpResponse<String> plain = get("/go/rooftop/vip");
        assertThat(plain.headers().firstValue("Location")).hasValue("https://shop.example.org/vip?utm_source=direct"
                + "&utm_medium=encore&utm_campaign=rooftop&utm_content=vip");
        assertThat(clicks).containsExactly("rooftop/vinyl/telegram", "rooftop/vip/direct");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https%3A%2F%2Fevil.example", "%3Cscript%3E", "a%0D%0ALocation:%20https://evil.example",
        "waytoolongsourcewaytoolongsourcewaytoolong"})
    void aHostileSourceBecomesOtherAndNeverChangesTheTarget(String src) throws Exception {
        HttpResponse<String> r = get("/go/rooftop/vip?src=" + src);

        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().allValues("Location")).containsExactly("https://shop.example.org/vip?utm_source=other"
                + "&utm_medium=encore&utm_campaign=rooftop&utm_content=vip");
        assertThat(clicks).containsExactly("rooftop/vip/other");
    }

    @Test
    void aClickFloodIsRedirectedButCountedOnlyUpToTheBudget() throws Exception {
        for (int i = 0; i < DropApi.CLICKS_PER_MINUTE + 5; i++) {
            assertThat(get("/go/rooftop/vinyl?src=telegram").statusCode()).isEqualTo(302);
        }
        assertThat(clicks).hasSize(DropApi.CLICKS_PER_MINUTE);
    }

    @Test
    void theClickBudgetIsPerAddressAndRenewsEachMinute() {
        DropApi.ClickLimit limit = new DropApi.ClickLimit(2);
        long t = 1_000_000_000L;
        assertThat(limit.allow("198.51.100.1", t)).isTrue();
        assertThat(limit.allow("198.51.100.1", t + 1)).isTrue();
        assertThat(limit.allow("198.51.100.1", t + 2)).isFalse();
        assertThat(limit.allow("198.51.100.2", t + 3)).isTrue();
        assertThat(limit.allow("198.51.100.1", t + java.util.concurrent.TimeUnit.MINUTES.toNanos(1))).isTrue();
    }

    @Test
    void onlyDropsFromTheShowFileRedirect() throws Exception {
        for (String path : List.of("/go/rooftop/vynil", "/go/rooftop/https:%2F%2Fevil.example", "/go/nowhere/vinyl",
                "/go/rooftop/..%2F..%2Fl%2Frooftop")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.headers().firstValue("Location")).as(path).isEmpty();
        }
        assertThat(get("/go/rooftop/vynil").body()).contains("no such drop").contains("expected: one of vinyl, vip");
        assertThat(clicks).isEmpty();
    }

    @Test
    void theShopReportsSalesWithTheBearerKey() throws Exception {
        HttpResponse<String> r = sold("vinyl", "{\"quantity\":3,\"orderId\":\"A-1001\"}", "Authorization", "Bearer " + KEY);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"show\":\"rooftop\",\"drop\":\"vinyl\",\"remaining\":47}");
        assertThat(sales).containsExactly("rooftop/vinyl/3/A-1001");

        HttpResponse<String> uncounted = sold("vip", "{\"quantity\":1,\"orderId\":\"B-7\"}", "Authorization", "Bearer " + KEY);
        assertThat(uncounted.body()).isEqualTo("{\"show\":\"rooftop\",\"drop\":\"vip\",\"remaining\":null}");
    }

    @Test
    void theShopReportsSalesWithAnHmacSignature() throws Exception {
        String body = "{\"quantity\":2,\"orderId\":\"A-1002\"}";
        String signature = HexFormat.of().formatHex(DropApi.hmac(Secret.of(KEY), body.getBytes(StandardCharsets.UTF_8)));

        HttpResponse<String> r = sold("vinyl", body, "X-Encore-Signature", "sha256=" + signature);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(sales).containsExactly("rooftop/vinyl/2/A-1002");

        // The same signature over another body (a tampered quantity) is refused.
        HttpResponse<String> tampered = sold("vinyl", body.replace('2', '9'), "X-Encore-Signature", "sha256=" + signature);
        assertThat(tampered.statusCode()).isEqualTo(401);
        assertThat(sales).hasSize(1);
    }

    @Test
    void missingOrWrongCredentialsAreRefusedWithoutEchoingThem() throws Exception {
        String body = "{\"quantity\":1,\"orderId\":\"A-1\"}";
        HttpResponse<String> none = sold("vinyl", body, null, null);
        HttpResponse<String> wrong = sold("vinyl", body, "Authorization", "Bearer not-the-key-but-a-guess");
        HttpResponse<String> badSig = sold("vinyl", body, "X-Encore-Signature", "sha256=zz-not-hex");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("shop credentials missing").contains("expected: Authorization: Bearer <shop key>");
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"encore\"");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("wrong shop credentials").doesNotContain("not-the-key-but-a-guess").doesNotContain(KEY);
        assertThat(badSig.statusCode()).isEqualTo(401);
        assertThat(sales).isEmpty();
    }

    @Test
    void malformedReportsAreRefusedWithAReason() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"quantity\":1", "not JSON");
        cases.put("[1]", "not a JSON object");
        cases.put("{\"orderId\":\"A-1\"}", "quantity: missing");
        cases.put("{\"quantity\":\"1\",\"orderId\":\"A-1\"}", "quantity: \"1\"");
        cases.put("{\"quantity\":0,\"orderId\":\"A-1\"}", "expected: an integer from 1 to 10000");
        cases.put("{\"quantity\":1.5,\"orderId\":\"A-1\"}", "quantity: 1.5");
        cases.put("{\"quantity\":10001,\"orderId\":\"A-1\"}", "expected: an integer from 1 to 10000");
        cases.put("{\"quantity\":1}", "orderId: missing");
        cases.put("{\"quantity\":1,\"orderId\":\"<b>x</b>\"}", "expected: the shop's order id");
        cases.put("{\"quantity\":1,\"orderId\":\"A-1\",\"price\":9}", "unknown field 'price'");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = sold("vinyl", c.getKey(), "Authorization", "Bearer " + KEY);
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            assertThat(r.body()).as(c.getKey()).contains(c.getValue());
        }
        HttpResponse<String> noDrop = sold("vynil", "{\"quantity\":1,\"orderId\":\"A-1\"}", "Authorization", "Bearer " + KEY);
        assertThat(noDrop.statusCode()).isEqualTo(404);
        HttpResponse<String> refused = sold("vinyl", "{\"quantity\":1,\"orderId\":\"refused\"}", "Authorization",
                "Bearer " + KEY);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("refused by the show");
        assertThat(sales).containsExactly("rooftop/vinyl/1/refused");
    }
}
