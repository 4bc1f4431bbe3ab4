package dev.encore.loadtest.janus;

import static dev.encore.loadtest.janus.JanusFixtures.CLIENT_ICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.encore.loadtest.client.SignalingTransport;
import dev.encore.loadtest.client.WhepResource;
import dev.encore.protocol.sdp.Setup;
import dev.encore.protocol.sdp.WebRtcSdp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The adapter's Janus API exchange against a fake Janus REST server on 127.0.0.1 (JSON only, no media). */
class JanusStreamingTest {
    private static final long SESSION = 8_000_000_000_000_001L;
    private static final long HANDLE = 8_000_000_000_000_002L;
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger polls = new AtomicInteger();
    private volatile String watchTransaction;
    private volatile JsonNode pluginEventData;
    private HttpServer server;
    private URI base;

    @BeforeEach
    void startFakeJanus() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/janus", this::handle);
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/janus");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        ObjectNode reply = json.createObjectNode();
        try {
            if (method.equals("GET")) {
                log.add("GET " + path + "?" + exchange.getRequestURI().getQuery());
                if (polls.incrementAndGet() == 1 || watchTransaction == null) {
                    reply.put("janus", "keepalive"); // what Janus answers when no event came within 30 s
                } else {
                    reply = event();
                }
            } else {
                JsonNode body = json.readTree(exchange.getRequestBody());
                bodies.add(body);
                String kind = body.path("janus").asText();
                String request = body.path("body").path("request").asText();
                log.add("POST " + path + " " + kind + (request.isEmpty() ? "" : " " + request));
                reply.put("transaction", body.path("transaction").asText());
                switch (kind) {
                    case "create" -> {
                        reply.put("janus", "success");
                        reply.putObject("data").put("id", SESSION);
                    }
                    case "attach" -> {
                        reply.put("janus", "success");
                        reply.putObject("data").put("id", HANDLE);
                    }
                    case "message" -> {
                        reply.put("janus", "ack");
                        if (request.equals("watch")) {
                            watchTransaction = body.path("transaction").asText();
                        }
                    }
                    default -> reply.put("janus", kind.equals("keepalive") ? "ack" : "success");
                }
            }
        } catch (RuntimeException e) {
            reply.put("janus", "error");
            reply.putObject("error").put("code", 490).put("reason", e.toString());
        }
        byte[] out = json.writeValueAsBytes(reply);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    private ObjectNode event() {
        ObjectNode event = json.createObjectNode();
        event.put("janus", "event");
        event.put("session_id", SESSION);
        event.put("sender", HANDLE);
        event.put("transaction", watchTransaction);
        ObjectNode plugindata = event.putObject("plugindata");
        plugindata.put("plugin", "janus.plugin.streaming");
        if (pluginEventData != null) {
            plugindata.set("data", pluginEventData);
            return event;
        }
        plugindata.putObject("data").put("streaming", "event").putObject("result").put("status", "preparing");
        event.putObject("jsep").put("type", "offer").put("sdp", JanusFixtures.JANUS_OFFER);
        return event;
    }

    @Test
    void watchesTheMountpointAndAnswersJanussOfferForTheClient() throws Exception {
        try (JanusStreaming janus = new JanusStreaming(base, 7, Duration.ofSeconds(5), Duration.ofSeconds(10))) {
            SignalingTransport transport = janus.transport();
            assertThat(transport.iceControlling()).isFalse();

            WhepResource resource = transport.post(JanusFixtures.clientOffer()).get(10, TimeUnit.SECONDS);

            assertThat(log).containsExactly(
                    "POST /janus create",
                    "POST /janus/" + SESSION + " attach",
                    "POST /janus/" + SESSION + "/" + HANDLE + " message watch",
                    log.get(3), log.get(4),
                    "POST /janus/" + SESSION + "/" + HANDLE + " message start");
            assertThat(log.get(3)).startsWith("GET /janus/" + SESSION + "?maxev=");
            assertThat(log.get(4)).startsWith("GET /janus/" + SESSION + "?maxev=");
            assertThat(bodies.get(1).path("plugin").asText()).isEqualTo("janus.plugin.streaming");
            assertThat(bodies.get(2).path("body").path("id").asLong()).isEqualTo(7);
            assertThat(bodies.stream().map(b -> b.path("transaction").asText()).distinct().count()).isEqualTo(bodies.size());
            JsonNode jsep = bodies.get(3).path("jsep");
            assertThat(jsep.path("type").asText()).isEqualTo("answer");
            assertThat(jsep.path("trickle").asBoolean(true)).isFalse();
            assertThat(jsep.path("sdp").asText()).contains("a=ice-ufrag:" + CLIENT_ICE.ufrag(), "a=setup:active", "a=recvonly");
            assertThat(resource.location()).isEqualTo(URI.create(base + "/" + SESSION));
            assertThat(WebRtcSdp.parseAnswer(resource.answerSdp()).setup()).isEqualTo(Setup.PASSIVE);
            assertThat(janus.liveSessions()).isEqualTo(1);

            assertThat(transport.delete(resource.location()).get(10, TimeUnit.SECONDS)).isEqualTo(200);

            assertThat(log.get(log.size() - 1)).isEqualTo("POST /janus/" + SESSION + " destroy");
            assertThat(janus.liveSessions()).isZero();
        }
    }

    @Test
    void aPluginErrorFailsThePostAndDestroysTheSession() {
        pluginEventData = json.createObjectNode().put("streaming", "event").put("error_code", 455)
                .put("error", "No such mountpoint/stream 9");
        try (JanusStreaming janus = new JanusStreaming(base, 9, Duration.ofSeconds(5), Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> janus.transport().post(JanusFixtures.clientOffer()).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(JanusException.class)
                    .hasMessageContaining("455 No such mountpoint/stream 9");
            assertThat(janus.liveSessions()).isZero();
        }
        awaitLogged("POST /janus/" + SESSION + " destroy");
    }

    @Test
    void aJanusErrorReplyFailsThePost() {
        server.removeContext("/janus");
        server.createContext("/janus", exchange -> {
            byte[] out = "{\"janus\":\"error\",\"error\":{\"code\":403,\"reason\":\"Unauthorized request\"}}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        try (JanusStreaming janus = new JanusStreaming(base, 1, Duration.ofSeconds(5), Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> janus.transport().post(JanusFixtures.clientOffer()).get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(JanusException.class).hasMessageContaining("Janus error 403 Unauthorized request");
        }
    }

    private void awaitLogged(String line) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!log.contains(line) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(log).contains(line);
    }
}
