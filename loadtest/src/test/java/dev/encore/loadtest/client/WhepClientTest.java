package dev.encore.loadtest.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WhepClientTest {
    private static final String OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private static final String TOKEN = "s3cret-token-value";

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private URI base;
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final NettyHttpClient http = new NettyHttpClient(group, NioSocketChannel.class, 2, Duration.ofSeconds(5));
    private final WhepClient client = new WhepClient(http);

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/whep/", this::handle);
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        http.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(exchange.getRequestMethod() + " " + path + " ct=" + exchange.getRequestHeaders().getFirst("Content-Type")
                + " auth=" + exchange.getRequestHeaders().getFirst("Authorization") + " body=" + body.length());
        switch (path) {
            case "/whep/missing" -> respond(exchange, 404, "no such show: missing");
            case "/whep/bad" -> respond(exchange, 400, "offer has no audio section with Opus (expected: m=audio ...)");
            case "/whep/nolocation" -> respond(exchange, 201, "v=0\r\n");
            case "/whep/demo" -> {
                exchange.getResponseHeaders().add("Location", "/whep/demo/abc123");
                exchange.getResponseHeaders().add("Content-Type", "application/sdp");
                respond(exchange, 201, "v=0\r\nanswer\r\n");
            }
            case "/whep/demo/abc123" -> respond(exchange, exchange.getRequestMethod().equals("DELETE") ? 200 : 405, "");
            default -> respond(exchange, 500, "unexpected " + path);
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void postsTheOfferAndResolvesARelativeLocation() {
        WhepResource resource = client.post(base, "demo", OFFER, TOKEN).join();
        assertThat(resource.location()).isEqualTo(base.resolve("/whep/demo/abc123"));
        assertThat(resource.answerSdp()).isEqualTo("v=0\r\nanswer\r\n");
        assertThat(requests).containsExactly("POST /whep/demo ct=application/sdp auth=Bearer " + TOKEN + " body=" + OFFER.length());
    }

    @Test
    void sendsNoAuthorizationWithoutAToken() {
        client.post(base, "demo", OFFER, null).join();
        assertThat(requests.get(0)).contains("auth=null");
    }

    @Test
    void notFoundSurfacesStatusAndBody() {
        assertThatThrownBy(() -> client.post(base, "missing", OFFER, TOKEN).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(WhepException.class)
                .hasMessageContaining("404")
                .hasMessageContaining("no such show: missing")
                .hasMessageNotContaining(TOKEN)
                .satisfies(e -> assertThat(((WhepException) e).status()).isEqualTo(404));
    }

    @Test
    void badRequestSurfacesTheServersReason() {
        assertThatThrownBy(() -> client.post(base, "bad", OFFER, TOKEN).join())
                .cause().isInstanceOf(WhepException.class)
                .hasMessageContaining("400")
                .hasMessageContaining("offer has no audio section with Opus");
    }

    @Test
    void createdWithoutLocationIsAnError() {
        assertThatThrownBy(() -> client.post(base, "nolocation", OFFER, null).join())
                .cause().isInstanceOf(WhepException.class)
                .hasMessageContaining("without a Location");
    }

    @Test
    void unreachableServerIsAnIoFailureWithStatusZero() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort);
        assertThatThrownBy(() -> client.post(nowhere, "demo", OFFER, TOKEN).join())
                .cause().isInstanceOf(WhepException.class)
                .hasMessageContaining("failed")
                .hasMessageNotContaining(TOKEN)
                .satisfies(e -> assertThat(((WhepException) e).status()).isZero());
    }

    @Test
    void deletesTheSession() {
        WhepResource resource = client.post(base, "demo", OFFER, TOKEN).join();
        assertThat(client.delete(resource.location(), TOKEN).join()).isEqualTo(200);
        assertThat(requests).last().asString().startsWith("DELETE /whep/demo/abc123").contains("auth=Bearer " + TOKEN);
    }

    @Test
    void endpointJoinsBaseAndShow() {
        assertThat(WhepClient.endpoint(URI.create("http://h:1/"), "demo")).hasToString("http://h:1/whep/demo");
        assertThat(WhepClient.endpoint(URI.create("https://h/encore"), "a b")).hasToString("https://h/encore/whep/a%20b");
    }
}
