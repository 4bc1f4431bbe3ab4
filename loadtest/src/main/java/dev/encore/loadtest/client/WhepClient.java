package dev.encore.loadtest.client;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The HTTP half of WHEP (draft-ietf-wish-whep §4): {@code POST {base}/whep/{show}} with the offer, {@code 201 Created} with
 * the answer and a {@code Location}; {@code DELETE} that location to leave. WHIP (RFC 9725 §4.2) is the same exchange on
 * {@code {base}/whip/{show}} ({@link #whipEndpoint}, {@link #postTo}). Asynchronous on a shared {@link NettyHttpClient};
 * thread-safe.
 */
public final class WhepClient {
    /** How much of an error body goes into an exception message. */
    static final int MAX_BODY_IN_MESSAGE = 300;

    private final NettyHttpClient http;

    public WhepClient(NettyHttpClient http) {
        this.http = requireNonNull(http, "http");
    }

    /** The WHEP endpoint of {@code show} under {@code base} (which may have a path prefix and a trailing slash). */
    public static URI endpoint(URI base, String showId) {
        return endpoint(base, "whep", showId);
    }

    /** The WHIP endpoint of {@code show} under {@code base}: {@code {base}/whip/{show}}. */
    public static URI whipEndpoint(URI base, String showId) {
        return endpoint(base, "whip", showId);
    }

    private static URI endpoint(URI base, String kind, String showId) {
        requireNonNull(base, "base");
        requireNonNull(showId, "showId");
        String b = base.toString();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        return URI.create(b + "/" + kind + "/" + URLEncoder.encode(showId, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    /**
     * Posts an offer. Completes with the session, or exceptionally with a {@link WhepException} saying what the server
     * answered (status and body) or why it could not be reached.
     *
     * @param token a bearer token, or null
     */
    public CompletableFuture<WhepResource> post(URI base, String showId, String offerSdp, String token) {
        return postTo(endpoint(base, showId), offerSdp, token);
    }

    /** Posts an offer to an endpoint URL as is (WHEP or WHIP); see {@link #post}. */
    public CompletableFuture<WhepResource> postTo(URI uri, String offerSdp, String token) {
        requireNonNull(uri, "uri");
        requireNonNull(offerSdp, "offerSdp");
        CompletableFuture<NettyHttpClient.Answer> sent = token == null
                ? http.send(HttpMethod.POST, uri, offerSdp, "Content-Type", "application/sdp", "Accept", "application/sdp")
                : http.send(HttpMethod.POST, uri, offerSdp, "Content-Type", "application/sdp", "Accept", "application/sdp",
                        "Authorization", "Bearer " + token);
        return sent.handle((response, error) -> {
            if (error != null) {
                Throwable cause = unwrap(error);
                throw new CompletionException(new WhepException("POST " + uri + " failed: " + cause, cause));
            }
            return toResource(uri, response);
        });
    }

    private static WhepResource toResource(URI uri, NettyHttpClient.Answer response) {
        int status = response.status();
        String body = response.body() == null ? "" : response.body();
        if (status != 201) {
            throw new CompletionException(new WhepException(status, "POST " + uri + " answered " + status + " (expected: 201"
                    + " Created): " + truncate(body)));
        }
        String location = response.headers().get("Location");
        if (location == null || location.isBlank()) {
            throw new CompletionException(new WhepException(status, "POST " + uri + " answered 201 without a Location"
                    + " (expected: the session's URL)"));
        }
        URI resolved;
        try {
            resolved = uri.resolve(location.trim());
        } catch (IllegalArgumentException e) {
            throw new CompletionException(new WhepException(status, "POST " + uri + " answered a bad Location: '"
                    + truncate(location) + "' (expected: a URL)"));
        }
        return new WhepResource(resolved, body);
    }

    /** Deletes a session; completes with the status (200 or 204 when it existed), or exceptionally when unreachable. */
    public CompletableFuture<Integer> delete(URI location, String token) {
        requireNonNull(location, "location");
        CompletableFuture<NettyHttpClient.Answer> sent = token == null ? http.send(HttpMethod.DELETE, location, null)
                : http.send(HttpMethod.DELETE, location, null, "Authorization", "Bearer " + token);
        return sent.thenApply(NettyHttpClient.Answer::status);
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String truncate(String s) {
        String oneLine = s.strip().replaceAll("[\\r\\n]+", " ");
        return oneLine.length() <= MAX_BODY_IN_MESSAGE ? oneLine : oneLine.substring(0, MAX_BODY_IN_MESSAGE) + "...";
    }
}
