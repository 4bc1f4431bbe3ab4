package dev.encore.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (the JDK's) that collects every JSON message it receives. */
final class WsClient implements WebSocket.Listener, AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    final List<JsonNode> all = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;

    static WsClient connect(URI uri) throws Exception {
        WsClient client = new WsClient();
        client.ws = HTTP.newWebSocketBuilder().buildAsync(uri, client).get(5, TimeUnit.SECONDS);
        return client;
    }

    /** Connects and says hello; returns the client after its welcome and state arrived. */
    static WsClient join(URI uri, String helloJson) throws Exception {
        WsClient client = connect(uri);
        client.send(helloJson);
        client.next("welcome");
        client.next("state");
        return client;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                JsonNode node = JSON.readTree(partial.toString());
                all.add(node);
                inbox.add(node);
            } catch (Exception e) {
                closed.completeExceptionally(e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        closed.completeExceptionally(new AssertionError("the server sent a binary frame"));
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    void send(String json) throws Exception {
        ws.sendText(json, true).get(5, TimeUnit.SECONDS);
    }

    WebSocket socket() {
        return ws;
    }

    /** The next message of this type, skipping others (they stay in {@link #all}). */
    JsonNode next(String type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            JsonNode m = inbox.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(m).as("a %s message within 10 s (got: %s)", type, all).isNotNull();
            if (type.equals(m.path("type").asText())) {
                return m;
            }
        }
    }

    /** The next message whatever its type. */
    JsonNode next() throws InterruptedException {
        JsonNode m = inbox.poll(10, TimeUnit.SECONDS);
        assertThat(m).as("a message within 10 s").isNotNull();
        return m;
    }

    /** The answer (ack or error) with this correlation id. */
    JsonNode answer(String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            JsonNode m = inbox.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(m).as("an answer to %s within 10 s (got: %s)", id, all).isNotNull();
            if (id.equals(m.path("id").asText(null))) {
                return m;
            }
        }
    }

    long count(String type) {
        return all.stream().filter(m -> type.equals(m.path("type").asText())).count();
    }

    int closeStatus() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (ws != null && !ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS);
        }
        if (ws != null) {
            ws.abort();
        }
    }
}
