package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.encore.show.AccessMode;
import dev.encore.show.PlannedSong;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.signaling.Role;
import dev.encore.signaling.ShowChannel;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/shows/{show}/actions} on a real Netty server on 127.0.0.1 with the real show channel behind it (and a
 * listener on its WebSocket), plus a slow fake channel for the timeout and the order of pipelined answers.
 */
class PerformerActionApiTest {
    private static final String KEY = "stage-performer-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ShowConfig SHOW = new ShowConfig(null, "stage", "Stage", Secret.of(KEY), AccessMode.OPEN, null, null)
            .withSetList(List.of(new PlannedSong("Opening"), new PlannedSong("Harbour Lights")));

    @TempDir
    Path dataDir;
    private ShowChannel channel;
    private HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private void start(HttpApi.PerformerActions actions, Duration timeout) throws Exception {
        channel = ShowChannel.start(List.of(SHOW), null, dataDir, Clock.systemUTC());
        HttpApi.PerformerActions run = actions != null ? actions
                : (show, command) -> channel.dispatch(show, Role.ofPerformer(), command);
        server = HttpServer.start("127.0.0.1", 0, new HttpApi(List.of(SHOW), new NoMedia(), AccessOptions.ephemeralSecret(),
                () -> "http://localhost", run, timeout), channel.httpHandler());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (channel != null) {
            channel.close();
        }
    }

    @Test
    void performerCommandsAreAckedAndListenersSeeThem() throws Exception {
        start(null, HttpApi.ACTION_TIMEOUT);
        Listener anna = Listener.join(URI.create("ws://127.0.0.1:" + port() + "/ws/stage"));
        try {
            HttpResponse<String> started = action("stage", KEY, "{\"type\":\"set.start\",\"v\":1,\"id\":\"a1\"}");
            assertThat(started.statusCode()).isEqualTo(200);
            assertThat(started.headers().firstValue("content-type")).hasValue(HttpResponses.JSON);
            assertThat(started.body()).isEqualTo("{\"type\":\"ack\",\"v\":1,\"id\":\"a1\",\"of\":\"set.start\"}");

            HttpResponse<String> next = action("stage", KEY, "{\"type\":\"set.next\",\"v\":1}");
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("{\"type\":\"ack\",\"v\":1,\"of\":\"set.next\",\"result\":{\"index\":1}}");
            JsonNode playing = anna.next("nowPlaying", m -> m.path("song").path("index").asInt() == 1);
            assertThat(playing.path("song").path("title").asText()).isEqualTo("Harbour Lights");

            HttpResponse<String> poll = action("stage", KEY, "{\"type\":\"poll.open\",\"v\":1,\"question\":\"Encore?\","
                    + "\"options\":[\"Yes\",\"Louder\"]}");
            assertThat(poll.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(poll.body()).path("result").path("pollId").asInt()).isEqualTo(1);
            assertThat(anna.next("poll", m -> !m.path("poll").isNull()).path("poll").path("options").get(1).asText())
                    .isEqualTo("Louder");
        } finally {
            anna.close();
        }
    }

    @Test
    void theShowsRefusalsAre409WithTheChannelsError() throws Exception {
        start(null, HttpApi.ACTION_TIMEOUT);
        HttpResponse<String> notStarted = action("stage", KEY, "{\"type\":\"set.next\",\"v\":1,\"id\":\"n\"}");
        assertThat(notStarted.statusCode()).isEqualTo(409);
        JsonNode error = JSON.readTree(notStarted.body());
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("id").asText()).isEqualTo("n");
        assertThat(error.path("code").asText()).isEqualTo("set_not_started");
        assertThat(action("stage", KEY, "{\"type\":\"poll.close\",\"v\":1}").statusCode()).isEqualTo(409);
    }

    @Test
    void badCommandsAre400AndTooLargeIs413() throws Exception {
        start(null, HttpApi.ACTION_TIMEOUT);
        assertThat(code(action("stage", KEY, "not json"), 400)).isEqualTo("malformed_json");
        assertThat(code(action("stage", KEY, ""), 400)).isIn("malformed_json", "bad_message");
        assertThat(code(action("stage", KEY, "{\"type\":\"set.jump\",\"v\":1,\"index\":\"1\"}"), 400)).isEqualTo("bad_message");
        assertThat(code(action("stage", KEY, "{\"type\":\"set.shuffle\",\"v\":1}"), 400)).isEqualTo("unknown_type");
        assertThat(code(action("stage", KEY, "{\"type\":\"set.next\",\"v\":2}"), 400)).isEqualTo("unsupported_version");
        assertThat(code(action("stage", KEY, "{\"type\":\"hello\",\"v\":1}"), 400)).isEqualTo("bad_message");
        // A listener's message is not a performer action.
        assertThat(code(action("stage", KEY, "{\"type\":\"vote\",\"v\":1,\"pollId\":1,\"option\":0}"), 400))
                .isEqualTo("forbidden");
        String big = "{\"type\":\"set.add\",\"v\":1,\"title\":\"" + "x".repeat(5000) + "\"}";
        assertThat(code(action("stage", KEY, big), 413)).isEqualTo("too_large");
    }

    @Test
    void aMissingOrWrongKeyIs401AndChangesNothing() throws Exception {
        start(null, HttpApi.ACTION_TIMEOUT);
        HttpResponse<String> none = send(HttpRequest.newBuilder(uri("/api/shows/stage/actions"))
                .POST(BodyPublishers.ofString("{\"type\":\"set.start\",\"v\":1}")));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"encore\"");
        assertThat(none.body()).startsWith("performer key missing for show stage");

        HttpResponse<String> wrong = action("stage", "not-the-key-0123456789", "{\"type\":\"set.start\",\"v\":1}");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain(KEY).doesNotContain("not-the-key");
        // Nothing started: the set can still be started (once).
        assertThat(action("stage", KEY, "{\"type\":\"set.start\",\"v\":1}").statusCode()).isEqualTo(200);
    }

    @Test
    void unknownShowIs404AndOtherMethodsAre405() throws Exception {
        start(null, HttpApi.ACTION_TIMEOUT);
        HttpResponse<String> unknown = action("nope", KEY, "{\"type\":\"set.start\",\"v\":1}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).startsWith("no such show: nope");
        HttpResponse<String> get = send(HttpRequest.newBuilder(uri("/api/shows/stage/actions")).GET());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("allow")).hasValue("POST");
    }

    @Test
    void aShowThatDoesNotAnswerIs503AfterTheTimeoutAndTheServerKeepsServing() throws Exception {
        CompletableFuture<String> never = new CompletableFuture<>();
        start((show, command) -> never, Duration.ofMillis(300));
        CompletableFuture<HttpResponse<String>> pending = client.sendAsync(actionRequest("stage", KEY,
                "{\"type\":\"set.start\",\"v\":1}"), BodyHandlers.ofString());

        // Meanwhile the event loops answer everything else.
        assertThat(send(HttpRequest.newBuilder(uri("/healthz")).GET()).statusCode()).isEqualTo(200);
        HttpResponse<String> late = pending.get(5, TimeUnit.SECONDS);
        assertThat(late.statusCode()).isEqualTo(503);
        assertThat(late.headers().firstValue("retry-after")).hasValue("1");
        JsonNode error = JSON.readTree(late.body());
        assertThat(error.path("code").asText()).isEqualTo("unavailable");
        assertThat(error.path("reason").asText()).contains("did not answer within 300 ms");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderEvenWhenTheFirstAnswersLater() throws Exception {
        start((show, command) -> CompletableFuture.supplyAsync(() -> "{\"type\":\"ack\",\"v\":1,\"of\":\"set.start\"}",
                CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS)), HttpApi.ACTION_TIMEOUT);
        String body = "{\"type\":\"set.start\",\"v\":1}";
        String pipelined = "POST /api/shows/stage/actions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(pipelined.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answers = readAll(socket.getInputStream());
            int ack = answers.indexOf("\"of\":\"set.start\"");
            int health = answers.indexOf("\"status\":\"ok\"");
            assertThat(ack).as("the action's answer in:%n%s", answers).isPositive();
            assertThat(health).as("healthz's answer in:%n%s", answers).isGreaterThan(ack);
            assertThat(answers).startsWith("HTTP/1.1 200 OK");
        }
    }

    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            all.write(buffer, 0, n);
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    private static String code(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body()).path("code").asText();
    }

    private int port() {
        return server.localAddress().getPort();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    private HttpRequest actionRequest(String show, String key, String body) {
        return HttpRequest.newBuilder(uri("/api/shows/" + show + "/actions"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(BodyPublishers.ofString(body))
                .build();
    }

    private HttpResponse<String> action(String show, String key, String body) throws Exception {
        return client.send(actionRequest(show, key, body), BodyHandlers.ofString());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
    }

    /** A listener on the show channel (JDK WebSocket client). */
    private static final class Listener implements WebSocket.Listener, AutoCloseable {
        private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static Listener join(URI uri) throws Exception {
            Listener listener = new Listener();
            listener.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, listener).get(5, TimeUnit.SECONDS);
            listener.socket.sendText("{\"type\":\"hello\",\"v\":1}", true).get(5, TimeUnit.SECONDS);
            listener.next("state", m -> true);
            return listener;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    inbox.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        JsonNode next(String type, java.util.function.Predicate<JsonNode> matching) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                JsonNode m = inbox.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertThat(m).as("a matching %s message within 10 s", type).isNotNull();
                if (type.equals(m.path("type").asText()) && matching.test(m)) {
                    return m;
                }
            }
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
