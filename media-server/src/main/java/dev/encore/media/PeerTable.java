package dev.encore.media;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * Every peer session (WHEP listeners, WHIP publishers), findable by session id, by our ufrag (STUN USERNAME) and by
 * authenticated remote address (DTLS, SRTP, SRTCP). Shared by all media channels, since the kernel spreads peers over
 * the {@code SO_REUSEPORT} sockets.
 *
 * <p>Every way a session ends goes through {@link #remove}, which reports a listener session's end to the
 * {@link SessionEndListener}s exactly once: the caller that takes the session out of {@code byId} reports it.
 *
 * <p>Thread-safe (concurrent maps).
 */
final class PeerTable {
    /** RFC 7675 §5.1: consent expires 30 s after the last authenticated check. */
    static final long CONSENT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** By default, a session must complete ICE and DTLS within this time. */
    static final long SETUP_TIMEOUT_NANOS = MediaServerConfig.DEFAULT_SETUP_TIMEOUT.toNanos();

    private static final Logger LOG = LoggerFactory.getLogger(PeerTable.class);

    private final long consentTimeoutNanos;
    private final long setupTimeoutNanos;
    private final ConcurrentHashMap<String, PeerSession> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, PeerSession> byUfrag = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetSocketAddress, PeerSession> byAddress = new ConcurrentHashMap<>();
    private final List<SessionEndListener> endListeners = new CopyOnWriteArrayList<>();

    /** RFC 7675's consent timeout and the default setup timeout (30 s each). */
    PeerTable() {
        this(CONSENT_TIMEOUT_NANOS, SETUP_TIMEOUT_NANOS);
    }

    PeerTable(long consentTimeoutNanos, long setupTimeoutNanos) {
        if (consentTimeoutNanos <= 0 || setupTimeoutNanos <= 0) {
            throw new IllegalArgumentException("consentTimeoutNanos: " + consentTimeoutNanos + ", setupTimeoutNanos: "
                    + setupTimeoutNanos + " (expected: both > 0)");
        }
        this.consentTimeoutNanos = consentTimeoutNanos;
        this.setupTimeoutNanos = setupTimeoutNanos;
    }

    long setupTimeoutNanos() {
        return setupTimeoutNanos;
    }

    /** From now on, {@code listener} hears of every listener (WHEP) session that ends; see {@link SessionEndListener}. */
    void onSessionEnded(SessionEndListener listener) {
        endListeners.add(requireNonNull(listener, "listener"));
    }

    void add(PeerSession session) {
        requireNonNull(session, "session");
        if (byUfrag.putIfAbsent(session.localIce().ufrag(), session) != null) {
            throw new IllegalStateException("ufrag collision: " + session.localIce().ufrag() + " (expected: fresh random ufrag)");
        }
        byId.put(session.sessionId(), session);
    }

    PeerSession byId(String sessionId) {
        return byId.get(sessionId);
    }

    PeerSession byUfrag(String ufrag) {
        return byUfrag.get(ufrag);
    }

    PeerSession byAddress(InetSocketAddress address) {
        return byAddress.get(address);
    }

    /** Binds an address that passed an authenticated check to its session; the latest session to prove it wins. */
    void bind(InetSocketAddress address, PeerSession session) {
        if (!session.closed()) {
            byAddress.put(address, session);
        }
    }

    int size() {
        return byId.size();
    }

    int pending() {
        int n = 0;
        for (PeerSession s : byId.values()) {
            if (!s.connected()) {
                n++;
            }
        }
        return n;
    }

    Collection<PeerSession> all() {
        return List.copyOf(byId.values());
    }

    /**
     * Forgets the session, closes it (DTLS, consumer or producer) and, for a listener session, then tells the
     * {@link SessionEndListener}s, on this thread. Idempotent: only the first call for a session, whichever thread and
     * reason, does anything. Must not be called holding a lock (the listeners run here).
     *
     * @return whether this call removed the session (false: it was removed before, or never added)
     */
    boolean remove(PeerSession session, SessionEndReason reason) {
        requireNonNull(reason, "reason");
        boolean removed = byId.remove(session.sessionId(), session);
        byUfrag.remove(session.localIce().ufrag(), session);
        for (InetSocketAddress a : session.verifiedAddresses()) {
            byAddress.remove(a, session);
        }
        session.close();
        if (removed && !session.publisher()) {
            for (SessionEndListener listener : endListeners) {
                try {
                    listener.sessionEnded(session.router().showId(), session.sessionId(), reason);
                } catch (RuntimeException e) {
                    // The session id is a capability (it ends the session): not logged.
                    LOG.warn("session end listener failed for a session of show {} ({})", session.router().showId(), reason, e);
                }
            }
        }
        return removed;
    }

    /** What a sweep removed. */
    record Swept(List<PeerSession> consentExpired, List<PeerSession> setupTimedOut) {
    }

    /**
     * Removes connected sessions whose consent expired (RFC 7675) and sessions that did not connect in time. A replaced
     * WHIP publisher's session is closed but stays until its consent expires, so its packets are counted as
     * {@code not_publisher} rather than from an unknown peer. Called about once a second (more often with a short setup
     * timeout) from one scheduler thread. Only sessions this sweep removed are returned (a DELETE may win the race).
     */
    Swept sweep(long nowNanos) {
        List<PeerSession> expired = new ArrayList<>();
        List<PeerSession> timedOut = new ArrayList<>();
        for (PeerSession s : byId.values()) {
            if (s.connected()) {
                if (nowNanos - s.lastConsentNanos() > consentTimeoutNanos) {
                    expired.add(s);
                }
            } else if (nowNanos - s.createdNanos() > setupTimeoutNanos) {
                timedOut.add(s);
            }
        }
        expired.removeIf(s -> !remove(s, SessionEndReason.CONSENT_EXPIRED));
        timedOut.removeIf(s -> !remove(s, SessionEndReason.SETUP_TIMEOUT));
        return new Swept(expired, timedOut);
    }
}
