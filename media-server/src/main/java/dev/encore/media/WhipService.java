package dev.encore.media;

import dev.encore.protocol.sdp.SdpException;

/**
 * WHIP (<a href="https://www.rfc-editor.org/rfc/rfc9725">RFC 9725</a>) without the HTTP: creates and ends publisher
 * sessions. Authentication (the performer key) is the HTTP layer's job and happens before {@link #publish} is called, so
 * nothing starts for a wrong key. Thread-safe.
 */
public interface WhipService {

    /**
     * Creates a publisher session for {@code showId} from an SDP offer (a browser, OBS, the Java client). Only Opus audio is
     * accepted; other sections (OBS's H.264 video) are rejected with port 0. The newest publisher wins: when the session
     * connects, the show's previous publisher session, if any, is closed.
     *
     * @throws NoSuchShowException for an unknown show (404)
     * @throws SdpException for a malformed or unanswerable offer (400, the message is the body)
     */
    WhipSession publish(String showId, String offerSdp) throws NoSuchShowException, SdpException;

    /** Ends a publisher session; false when there is no such session for that show. */
    boolean unpublish(String showId, String sessionId);
}
