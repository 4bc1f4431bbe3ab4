package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.show.ShowConfig;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole server (real media server behind the HTTP routes) on 127.0.0.1, driven with a Chromium WHEP offer. */
class EncoreServerTest {
    private static EncoreServer server;
    private static HttpClient client;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        Logging.install();
        ShowConfig demo = DemoShow.config();
        server = EncoreServer.start(EncoreServer.Options.loopback(), List.of(demo));
        base = "http://127.0.0.1:" + server.httpPort();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void chromiumOfferGets201WithAnAnswerAndALocationThatDeletes() throws Exception {
        String offer = fixture("/sdp/chrome-whep-recvonly.sdp");
        HttpResponse<String> created = client.send(post("/whep/demo", offer), BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("content-type")).hasValue("application/sdp");
        assertThat(created.body()).startsWith("v=0").contains("a=ice-lite").contains("m=audio ").contains("opus/48000/2")
                .contains("a=setup:passive").contains("a=fingerprint:sha-256 ");
        String location = created.headers().firstValue("location").orElseThrow();
        assertThat(location).matches("/whep/demo/[A-Za-z0-9_-]{22,}");

        HttpResponse<String> deleted = client.send(request(location).DELETE().build(), BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(client.send(request(location).DELETE().build(), BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }

    @Test
    void malformedOfferIs400WithTheSdpReason() throws Exception {
        HttpResponse<String> r = client.send(post("/whep/demo", "v=0\r\nthis is not sdp\r\n"), BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("expected");
    }

    @Test
    void listenerPageHealthAndMetricsFromTheRealServer() throws Exception {
        assertThat(client.send(request("/l/demo").GET().build(), BodyHandlers.ofString()).body()).contains(DemoShow.TITLE);
        HttpResponse<String> health = client.send(request("/healthz").GET().build(), BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"id\":\"demo\"");
        HttpResponse<String> metrics = client.send(request("/metrics").GET().build(), BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("# TYPE encore_http_requests_total counter").contains("# TYPE encore_");
        assertThat(server.listenerUrl("demo")).isEqualTo("http://localhost:" + server.httpPort() + "/l/demo");
    }

    private static HttpRequest post(String path, String sdp) {
        return request(path).header("Content-Type", "application/sdp").POST(BodyPublishers.ofString(sdp)).build();
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    }

    private static String fixture(String resource) throws Exception {
        try (InputStream in = EncoreServerTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("test resource %s (from the protocol test-jar)", resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void showChannelWebSocketIsServedOnTheSameHttpPort() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket socket = client.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.httpPort() + "/ws/demo"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            received.add(partial.toString());
                            partial.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        try {
            socket.sendText("{\"type\":\"hello\",\"v\":1}", true).get(5, TimeUnit.SECONDS);
            String welcome = received.poll(5, TimeUnit.SECONDS);
            assertThat(welcome).as("welcome").isNotNull().contains("\"type\":\"welcome\"").contains("\"show\":\"demo\"");
            String state = received.poll(5, TimeUnit.SECONDS);
            assertThat(state).as("state").isNotNull().contains("\"type\":\"state\"");
        } finally {
            socket.abort();
        }
        // HTTP routes on the same port still work after the upgrade handler saw the request.
        assertThat(client.send(request("/healthz").GET().build(), BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
}
