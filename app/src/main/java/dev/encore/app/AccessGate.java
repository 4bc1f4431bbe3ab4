package dev.encore.app;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.encore.media.NoSuchShowException;
import dev.encore.media.SessionEndReason;
import dev.encore.media.WhepService;
import dev.encore.media.WhepSession;
import dev.encore.protocol.sdp.SdpException;
import dev.encore.show.AccessMode;
import dev.encore.show.ShowConfig;
import dev.encore.show.access.Admission;
import dev.encore.show.access.Seats;
import dev.encore.show.access.Tier;
import dev.encore.show.access.TokenAuthority;
import dev.encore.show.access.TokenException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may listen (issue 3), at the door of {@code POST /whep/{show}}: checks the join token of a {@code token} show, then
 * takes a seat when the show has an {@code access.capacity}, and gives the seat back when the listener's session ends.
 *
 * <p>Order: {@link #admit} (401/403 for a bad token, 503 when full) → {@link Pass#subscribe} (binds the seat to the new
 * session, or frees it if the media server refuses the offer) → {@link #sessionEnded} when the session ends: on
 * {@code DELETE}, and for every end inside the media server (consent expiry, setup timeout, DTLS failure, close), which
 * {@code MediaServer.onSessionEnded} reports with the session id (registered by {@link EncoreServer#start}). Either call
 * frees the seat once; the other then finds nothing.
 *
 * <p>Open shows: no token is needed; a valid token for the show that is presented anyway gives its tier (so VIP seats
 * work for open shows too), anything else counts as general and is never refused for it.
 *
 * <p>Tokens and keys are never logged: at most a token's id (random, not secret) and the refusal's message, which holds
 * at most a short prefix. Thread-safe: called from every HTTP event loop.
 */
final class AccessGate {
    private static final Logger LOG = LoggerFactory.getLogger(AccessGate.class);

    private final TokenAuthority authority;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    /** Seats per show with a capacity; immutable after construction. */
    private final Map<String, Seats> seats = new HashMap<>();
    /**
     * Seats held by live sessions, by session id (unguessable, from the media server). A session is bound before its id
     * leaves this server (the 201's Location), and the media server ends a session that has not connected only after its
     * setup timeout: so its end is reported after the binding.
     */
    private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();

    /** A seat held by a session. */
    private record Held(String showId, Admission admission) {
    }

    AccessGate(List<ShowConfig> shows, TokenAuthority authority, Clock clock) {
        requireNonNull(shows, "shows");
        this.authority = requireNonNull(authority, "authority");
        this.clock = requireNonNull(clock, "clock");
        for (ShowConfig show : shows) {
            if (show.capacity() != null) {
                seats.put(show.id(), new Seats(show.capacity().seats(), show.capacity().vipSeats()));
            }
        }
    }

    /**
     * Checks a WHEP request for {@code show}: its token (token shows) and a free seat (shows with a capacity).
     *
     * @param authorization the request's {@code Authorization} header, or null
     * @return a pass to subscribe with, or a refused one whose {@link Pass#refusal} is the response to send
     */
    Pass admit(ShowConfig show, String authorization) {
        requireNonNull(show, "show");
        Tier tier = Tier.GENERAL;
        String tokenId = null;
        if (show.access() == AccessMode.TOKEN) {
            try {
                TokenAuthority.Verified verified = authority.verifyBearer(authorization, show.id(), clock);
                tier = verified.tier();
                tokenId = verified.tokenId();
            } catch (TokenException e) {
                LOG.debug("WHEP {}: join token refused ({}): {}", show.id(), e.reason(), e.getMessage());
                return new Pass(this, show.id(), null, tokenRefusal(e));
            }
        } else if (authorization != null && seats.containsKey(show.id())) {
            try {
                TokenAuthority.Verified verified = authority.verifyBearer(authorization, show.id(), clock);
                tier = verified.tier();
                tokenId = verified.tokenId();
            } catch (TokenException e) {
                LOG.debug("WHEP {}: open show, token ignored ({})", show.id(), e.reason());
            }
        }
        Seats showSeats = seats.get(show.id());
        if (showSeats == null) {
            return new Pass(this, show.id(), null, null);
        }
        Admission admission = showSeats.tryAdmit(tier);
        if (!admission.admitted()) {
            int retryAfter = admission.refusal().retryAfterSeconds();
            LOG.debug("WHEP {}: full for {} (token {}), {}", show.id(), tier, tokenId, showSeats);
            return new Pass(this, show.id(), null, full(tier, retryAfter));
        }
        LOG.debug("WHEP {}: seat taken by {} (token {}), {}", show.id(), tier, tokenId, showSeats);
        return new Pass(this, show.id(), admission, null);
    }

    /**
     * The listener's session ended ({@code DELETE}): its seat, if it holds one, is free again. Unknown ids are ignored.
     *
     * @return whether a seat was freed
     */
    boolean sessionEnded(String showId, String sessionId) {
        if (showId == null || sessionId == null) {
            return false;
        }
        Held h = held.get(sessionId);
        if (h != null && h.showId().equals(showId) && held.remove(sessionId, h)) {
            h.admission().release();
            return true;
        }
        return false;
    }

    /**
     * The media server ended the session ({@code MediaServer.onSessionEnded}; any thread, must not block): as
     * {@link #sessionEnded(String, String)}.
     */
    void sessionEnded(String showId, String sessionId, SessionEndReason reason) {
        if (sessionEnded(showId, sessionId)) {
            Seats s = seats.get(showId);
            LOG.debug("WHEP {}: seat freed, session ended ({}), {}", showId, reason, s);
        }
    }

    /** Seats held now for a show with a capacity (0 for any other show): for tests and status. */
    int seatsInUse(String showId) {
        Seats s = seats.get(showId);
        return s == null ? 0 : s.inUse();
    }

    private void bind(String showId, Admission admission, String sessionId) {
        held.put(sessionId, new Held(showId, admission));
    }

    /** 401 (or 403 for a token of another show), RFC 6750 §3 style, with a JSON body saying why. */
    private FullHttpResponse tokenRefusal(TokenException e) {
        boolean wrongShow = e.reason() == TokenException.Reason.WRONG_SHOW;
        String error = e.reason().name().toLowerCase(Locale.ROOT);
        FullHttpResponse response = jsonError(wrongShow ? HttpResponseStatus.FORBIDDEN : HttpResponseStatus.UNAUTHORIZED,
                json.createObjectNode().put("error", error).put("reason", e.getMessage()));
        String challenge;
        if (wrongShow) {
            challenge = "Bearer realm=\"encore\", error=\"insufficient_scope\"";
        } else if (e.reason() == TokenException.Reason.MISSING) {
            // RFC 6750 §3.1: a request without credentials gets the challenge without an error code.
            challenge = "Bearer realm=\"encore\"";
        } else {
            challenge = "Bearer realm=\"encore\", error=\"invalid_token\", error_description=\"" + error + "\"";
        }
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
        return response;
    }

    private FullHttpResponse full(Tier tier, int retryAfterSeconds) {
        ObjectNode body = json.createObjectNode()
                .put("error", "full")
                .put("reason", "every seat " + (tier == Tier.VIP ? "" : "for general listeners ") + "is taken (expected: a"
                        + " free seat; try again in " + retryAfterSeconds + " s)")
                .put("retryAfter", retryAfterSeconds);
        FullHttpResponse response = jsonError(HttpResponseStatus.SERVICE_UNAVAILABLE, body);
        response.headers().setInt(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        return response;
    }

    private FullHttpResponse jsonError(HttpResponseStatus status, ObjectNode body) {
        try {
            FullHttpResponse response = HttpResponses.json(status, json.writeValueAsBytes(body));
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            return response;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON error (expected: never)", e);
        }
    }

    /**
     * The outcome of {@link #admit}: refused (send {@link #refusal}), or allowed, possibly holding a seat that
     * {@link #subscribe} binds to the new session. Used by one request on one thread.
     */
    static final class Pass {
        private final AccessGate gate;
        private final String showId;
        private final Admission admission;
        private final FullHttpResponse refusal;

        private Pass(AccessGate gate, String showId, Admission admission, FullHttpResponse refusal) {
            this.gate = gate;
            this.showId = showId;
            this.admission = admission;
            this.refusal = refusal;
        }

        boolean refused() {
            return refusal != null;
        }

        /** The response to send when {@link #refused}, else null. */
        FullHttpResponse refusal() {
            return refusal;
        }

        /**
         * {@code whep.subscribe(showId, offer)}; the seat, if any, then belongs to the new session, or is freed again when
         * the media server refuses.
         */
        WhepSession subscribe(WhepService whep, String offer) throws NoSuchShowException, SdpException {
            if (refusal != null) {
                throw new IllegalStateException("subscribe with a refused pass (expected: send its refusal)");
            }
            WhepSession session;
            try {
                session = whep.subscribe(showId, offer);
            } catch (Throwable t) {
                if (admission != null) {
                    admission.release();
                }
                throw t;
            }
            if (admission != null) {
                gate.bind(showId, admission, session.sessionId());
            }
            return session;
        }
    }
}
