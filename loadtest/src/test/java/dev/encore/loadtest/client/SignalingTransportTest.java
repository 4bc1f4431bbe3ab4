package dev.encore.loadtest.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SignalingTransportTest {
    private static final String KEY = "performer-key-42";

    @Test
    void whipPostsTheOfferWithThePerformerKeyAndDeletesTheLocation() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/whip/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " auth="
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            if (exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().add("Location", "/whip/my%20show/s1");
                respond(exchange, 201, "v=0\r\n");
            } else {
                respond(exchange, 200, "");
            }
        });
        http.start();
        try (ClientRuntime runtime = ClientRuntime.create(new ClientRuntime.Options(1, 1, 1, Duration.ofSeconds(5), false))) {
            URI base = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/");
            SignalingTransport whip = SignalingTransport.whip(runtime, base, "my show", KEY);
            WhepResource resource = whip.post("v=0\r\n").get(5, TimeUnit.SECONDS);
            assertThat(resource.location()).isEqualTo(base.resolve("/whip/my%20show/s1"));
            assertThat(resource.answerSdp()).isEqualTo("v=0\r\n");
            assertThat(whip.delete(resource.location()).get(5, TimeUnit.SECONDS)).isEqualTo(200);
            assertThat(requests).containsExactly("POST /whip/my show auth=Bearer " + KEY, "DELETE /whip/my show/s1 auth=Bearer " + KEY);
            assertThat(whip.toString()).doesNotContain(KEY);
        } finally {
            http.stop(0);
        }
    }

    @Test
    void inProcessCallsTheFunctionsAndTurnsRefusalsIntoA400() throws Exception {
        List<String> deleted = new CopyOnWriteArrayList<>();
        SignalingTransport t = SignalingTransport.inProcess(offer -> {
            if (offer.isEmpty()) {
                throw new IllegalArgumentException("empty offer (expected: SDP)");
            }
            return new SignalingTransport.Answer("id-1", "answer to " + offer);
        }, id -> deleted.add(id) && id.equals("id-1"));
        WhepResource r = t.post("offer").get();
        assertThat(r.location()).hasToString("inproc:id-1");
        assertThat(r.answerSdp()).isEqualTo("answer to offer");
        assertThat(t.delete(r.location()).get()).isEqualTo(200);
        assertThat(t.delete(URI.create("inproc:other")).get()).isEqualTo(404);
        assertThat(deleted).containsExactly("id-1", "other");
        assertThatThrownBy(() -> t.post("").get()).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(WhepException.class).hasMessageContaining("empty offer")
                .satisfies(e -> assertThat(((WhepException) e).status()).isEqualTo(400));
    }

    @Test
    void publisherConfigHidesTheKey() {
        PublisherConfig config = PublisherConfig.builder(URI.create("http://h"), "s").key(KEY).build();
        assertThat(config.key()).isEqualTo(KEY);
        assertThat(config.toString()).doesNotContain(KEY).contains("****");
        assertThat(WhepClient.whipEndpoint(URI.create("https://h/encore/"), "a b")).hasToString("https://h/encore/whip/a%20b");
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
