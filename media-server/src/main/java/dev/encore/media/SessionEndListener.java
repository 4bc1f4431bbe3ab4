package dev.encore.media;

/**
 * Told when a WHEP listener session ends, exactly once per session, whatever the cause; see
 * {@link MediaServer#onSessionEnded}. Publisher (WHIP) sessions are not reported.
 *
 * <p>Thread: called, outside any media-server lock, on whichever thread removed the session: the thread calling
 * {@link WhepService#unsubscribe} ({@link SessionEndReason#UNSUBSCRIBED}), the media server's sweeper, a media event loop
 * ({@link SessionEndReason#CONSENT_EXPIRED}, {@link SessionEndReason#SETUP_TIMEOUT}), a DTLS handshake thread or a media event
 * loop ({@link SessionEndReason#DTLS_FAILED}), or the thread calling {@link MediaServer#close}
 * ({@link SessionEndReason#SERVER_CLOSED}). Implementations must be thread-safe, quick and must not block. An exception
 * thrown by a listener is caught and logged; the session is removed regardless.
 */
@FunctionalInterface
public interface SessionEndListener {

    /**
     * @param showId the show the session listened to
     * @param sessionId the session's id, as returned by {@link WhepService#subscribe}
     * @param reason why it ended; when causes race (a DELETE during a sweep), the one that removed it first
     */
    void sessionEnded(String showId, String sessionId, SessionEndReason reason);
}
