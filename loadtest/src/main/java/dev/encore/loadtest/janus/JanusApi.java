package dev.encore.loadtest.janus;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Janus API over its REST transport (https://janus.conf.meetecho.com/docs/rest.html), the part a listener needs: create
 * a session ({@code POST /janus}), attach a plugin handle ({@code POST /janus/{session}}), send a plugin message with an
 * optional JSEP ({@code POST /janus/{session}/{handle}}), long-poll the session's events ({@code GET
 * /janus/{session}?maxev=N}), keep the session alive and destroy it. Every request carries a fresh {@code transaction}.
 *
 * <p>Asynchronous on one {@link HttpClient} (HTTP/1.1); thread-safe. Failures complete the futures exceptionally with a
 * {@link JanusException} (a Janus {@code error} reply, an unexpected HTTP status or body) or the I/O exception.
 */
final class JanusApi {
    /** How long a long poll may stay open: Janus answers an empty poll with a keepalive after 30 s. */
    static final Duration POLL_TIMEOUT = Duration.ofSeconds(35);

    private final HttpClient http;
    private final URI base;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param http the client (HTTP/1.1 advised: Janus's libmicrohttpd does not speak h2c)
     * @param base the Janus API root, e.g. {@code http://127.0.0.1:8088/janus}
     * @param timeout per request, except long polls
     */
    JanusApi(HttpClient http, URI base, Duration timeout) {
        this.http = requireNonNull(http, "http");
        this.timeout = requireNonNull(timeout, "timeout");
        String b = requireNonNull(base, "base").toString();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        this.base = URI.create(b);
    }

    URI base() {
        return base;
    }

    /** The URL of a session: what a listener's session "location" is. */
    URI sessionUri(long session) {
        return URI.create(base + "/" + Long.toUnsignedString(session));
    }

    /** {@code {"janus":"create"}} → the session id. */
    CompletableFuture<Long> createSession() {
        return post(base, request("create")).thenApply(reply -> dataId(reply, "create"));
    }

    /** {@code {"janus":"attach","plugin":plugin}} → the handle id. */
    CompletableFuture<Long> attach(long session, String plugin) {
        ObjectNode body = request("attach");
        body.put("plugin", requireNonNull(plugin, "plugin"));
        return post(sessionUri(session), body).thenApply(reply -> dataId(reply, "attach"));
    }

    /**
     * {@code {"janus":"message","body":message,"jsep":jsep}}; completes with the synchronous reply ({@code ack} for the
     * streaming plugin's asynchronous requests) and the transaction, which the plugin's event will carry.
     */
    CompletableFuture<Sent> message(long session, long handle, ObjectNode message, ObjectNode jsep) {
        ObjectNode body = request("message");
        String transaction = body.get("transaction").asText();
        body.set("body", requireNonNull(message, "message"));
        if (jsep != null) {
            body.set("jsep", jsep);
        }
        URI uri = URI.create(sessionUri(session) + "/" + Long.toUnsignedString(handle));
        return post(uri, body).thenApply(reply -> {
            String kind = reply.path("janus").asText();
            if (!kind.equals("ack") && !kind.equals("success")) {
                throw new CompletionException(new JanusException("message to handle " + Long.toUnsignedString(handle)
                        + " answered '" + kind + "' (expected: ack or success)"));
            }
            return new Sent(transaction, reply);
        });
    }

    /** A message sent: its transaction and the synchronous reply. */
    record Sent(String transaction, JsonNode reply) {
    }

    /**
     * One long poll: up to {@code maxEvents} queued events of the session, or an empty list when Janus had none (it answers
     * {@code {"janus":"keepalive"}} after 30 s).
     */
    CompletableFuture<List<JsonNode>> poll(long session, int maxEvents) {
        long rid = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        URI uri = URI.create(sessionUri(session) + "?maxev=" + maxEvents + "&rid=" + rid);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(POLL_TIMEOUT).GET().build();
        return send(request, "GET " + uri).thenApply(reply -> {
            List<JsonNode> events = new ArrayList<>();
            if (reply.isArray()) {
                reply.forEach(events::add);
            } else if (!reply.path("janus").asText().equals("keepalive")) {
                checkNotError(reply, "poll");
                events.add(reply);
            }
            return events;
        });
    }

    /** {@code {"janus":"keepalive"}}: keeps a session that is not long-polled alive past Janus's session timeout. */
    CompletableFuture<Void> keepalive(long session) {
        return post(sessionUri(session), request("keepalive")).thenApply(reply -> null);
    }

    /** {@code {"janus":"destroy"}}: ends the session, its handles and their PeerConnections. */
    CompletableFuture<Void> destroy(long session) {
        return post(sessionUri(session), request("destroy")).thenApply(reply -> null);
    }

    private ObjectNode request(String kind) {
        ObjectNode body = json.createObjectNode();
        body.put("janus", kind);
        body.put("transaction", Long.toHexString(ThreadLocalRandom.current().nextLong()));
        return body;
    }

    private CompletableFuture<JsonNode> post(URI uri, ObjectNode body) {
        String text;
        try {
            text = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8)).build();
        String what = body.get("janus").asText();
        return send(request, "POST " + uri + " (" + what + ")").thenApply(reply -> {
            checkNotError(reply, what);
            return reply;
        });
    }

    private CompletableFuture<JsonNode> send(HttpRequest request, String what) {
        CompletableFuture<HttpResponse<String>> sent;
        try {
            sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return sent.thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new CompletionException(new JanusException(what + " answered HTTP " + response.statusCode()
                        + " (expected: 200)"));
            }
            try {
                return json.readTree(response.body());
            } catch (JsonProcessingException e) {
                throw new CompletionException(new JanusException(what + " answered a body that is not JSON (expected: a Janus"
                        + " API reply)", e));
            }
        });
    }

    private static void checkNotError(JsonNode reply, String what) {
        if (reply.path("janus").asText().equals("error")) {
            JsonNode error = reply.path("error");
            throw new CompletionException(new JanusException(what + " failed: Janus error " + error.path("code").asInt()
                    + " " + error.path("reason").asText()));
        }
    }

    private static long dataId(JsonNode reply, String what) {
        JsonNode id = reply.path("data").path("id");
        if (!reply.path("janus").asText().equals("success") || !id.canConvertToLong()) {
            throw new CompletionException(new JanusException(what + " answered without data.id (expected: {\"janus\":"
                    + "\"success\",\"data\":{\"id\":<number>}})"));
        }
        return id.asLong();
    }
}
