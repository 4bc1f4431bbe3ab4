package dev.encore.media;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Every peer session (WHEP listeners, WHIP publishers), findable by session id, by our ufrag (STUN USERNAME) and by
 * authenticated remote address (DTLS, SRTP, SRTCP). Shared by all media channels, since the kernel spreads peers over
 * the {@code SO_REUSEPORT} sockets.
 *
 * <p>Thread-safe (concurrent maps).
 */
final class PeerTable {
    /** RFC 7675 §5.1: consent expires 30 s after the last authenticated check. */
    static final long CONSENT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** A session must complete ICE and DTLS within this time. */
    static final long SETUP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final ConcurrentHashMap<String, PeerSession> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, PeerSession> byUfrag = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetSocketAddress, PeerSession> byAddress = new ConcurrentHashMap<>();

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

    /** Forgets the session and closes it (DTLS, consumer). Idempotent. */
    void remove(PeerSession session) {
        byId.remove(session.sessionId(), session);
        byUfrag.remove(session.localIce().ufrag(), session);
        for (InetSocketAddress a : session.verifiedAddresses()) {
            byAddress.remove(a, session);
        }
        session.close();
    }

    /** What a sweep removed. */
    record Swept(List<PeerSession> consentExpired, List<PeerSession> setupTimedOut) {
    }

    /**
     * Removes connected sessions whose consent expired (RFC 7675) and sessions that did not connect in time. A replaced
     * WHIP publisher's session is closed but stays until its consent expires, so its packets are counted as
     * {@code not_publisher} rather than from an unknown peer. Called about
     * once a second from one scheduler thread.
     */
    Swept sweep(long nowNanos) {
        List<PeerSession> expired = new ArrayList<>();
        List<PeerSession> timedOut = new ArrayList<>();
        for (PeerSession s : byId.values()) {
            if (s.connected()) {
                if (nowNanos - s.lastConsentNanos() > CONSENT_TIMEOUT_NANOS) {
                    expired.add(s);
                }
            } else if (nowNanos - s.createdNanos() > SETUP_TIMEOUT_NANOS) {
                timedOut.add(s);
            }
        }
        expired.forEach(this::remove);
        timedOut.forEach(this::remove);
        return new Swept(expired, timedOut);
    }
}
