package dev.encore.loadtest.client;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * How a session's offer reaches the server and its answer comes back: over HTTP (WHEP for listeners, WHIP for publishers,
 * RFC 9725 §4.2), or in process, straight into a server's WHEP/WHIP service (tests without an HTTP layer). Implementations
 * are thread-safe; the futures may complete on any thread.
 */
public interface SignalingTransport {

    /**
     * Sends an offer. Completes with the session's resource (its location, for {@link #delete}, and the answer), or
     * exceptionally with a {@link WhepException} saying what went wrong.
     */
    CompletableFuture<WhepResource> post(String offerSdp);

    /** Ends the session at {@code location}; completes with a status (200 or 204 when it existed, 404 when not). */
    CompletableFuture<Integer> delete(URI location);

    /**
     * Whether the session is the controlling ICE agent (RFC 8445 §6.1.1): true (the default) when it offered, as over WHEP
     * and WHIP. False when this transport turns the exchange around, so that the server offered and the session answers a
     * full ICE agent (e.g. Janus's streaming plugin): the session then checks as the controlled agent and does not
     * nominate, and the server nominates.
     */
    default boolean iceControlling() {
        return true;
    }

    /** WHEP over the runtime's HTTP client: {@code POST {base}/whep/{show}}, optionally with a bearer token. */
    static SignalingTransport whep(ClientRuntime runtime, URI base, String showId, String token) {
        return http(runtime, WhepClient.endpoint(base, showId), token);
    }

    /** WHIP over the runtime's HTTP client: {@code POST {base}/whip/{show}} with {@code Authorization: Bearer <key>}. */
    static SignalingTransport whip(ClientRuntime runtime, URI base, String showId, String key) {
        return http(runtime, WhepClient.whipEndpoint(base, showId), key);
    }

    /** POST to {@code endpoint} and DELETE the returned location, with the bearer token if not null (never logged). */
    static SignalingTransport http(ClientRuntime runtime, URI endpoint, String token) {
        requireNonNull(runtime, "runtime");
        requireNonNull(endpoint, "endpoint");
        return new SignalingTransport() {
            @Override
            public CompletableFuture<WhepResource> post(String offerSdp) {
                return runtime.whep().postTo(endpoint, offerSdp, token);
            }

            @Override
            public CompletableFuture<Integer> delete(URI location) {
                return runtime.whep().delete(location, token);
            }

            @Override
            public String toString() {
                return "http " + endpoint;
            }
        };
    }

    /**
     * In process: {@code offer} is called with the offer on the caller's thread and returns the session id and answer (e.g.
     * {@code whipService.publish(show, sdp)}); {@code delete} ends a session by id. The location is {@code inproc:<id>}.
     */
    static SignalingTransport inProcess(Offerer offer, Deleter delete) {
        requireNonNull(offer, "offer");
        requireNonNull(delete, "delete");
        return new SignalingTransport() {
            @Override
            public CompletableFuture<WhepResource> post(String offerSdp) {
                try {
                    Answer answer = offer.offer(offerSdp);
                    return CompletableFuture.completedFuture(new WhepResource(URI.create("inproc:" + answer.sessionId()),
                            answer.answerSdp()));
                } catch (Exception e) {
                    return CompletableFuture.failedFuture(new WhepException(400, "offer refused: " + e.getMessage()));
                }
            }

            @Override
            public CompletableFuture<Integer> delete(URI location) {
                try {
                    return CompletableFuture.completedFuture(delete.delete(location.getSchemeSpecificPart()) ? 200 : 404);
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }

            @Override
            public String toString() {
                return "in-process";
            }
        };
    }

    /** What an in-process server answered: the session id and the SDP answer. */
    record Answer(String sessionId, String answerSdp) {
        public Answer {
            requireNonNull(sessionId, "sessionId");
            requireNonNull(answerSdp, "answerSdp");
        }
    }

    /** Creates a session from an offer; exceptions become a 400-like failure. */
    @FunctionalInterface
    interface Offerer {
        Answer offer(String offerSdp) throws Exception;
    }

    /** Ends a session by id; false when there is none. */
    @FunctionalInterface
    interface Deleter {
        boolean delete(String sessionId);
    }
}
