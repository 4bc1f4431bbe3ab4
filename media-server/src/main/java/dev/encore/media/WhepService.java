package dev.encore.media;

import dev.encore.protocol.sdp.SdpException;

/**
 * WHEP (draft-ietf-wish-whep) without the HTTP: creates and ends listener sessions. The app's HTTP layer maps results and
 * exceptions to status codes. Thread-safe.
 */
public interface WhepService {

    /**
     * Creates a listener session for {@code showId} from an SDP offer.
     *
     * @throws NoSuchShowException for an unknown show (404)
     * @throws SdpException for a malformed or unanswerable offer (400, the message is the body)
     */
    WhepSession subscribe(String showId, String offerSdp) throws NoSuchShowException, SdpException;

    /**
     * Ends a listener session; false when there is no such session for that show. A session can also end inside the media
     * server (consent expiry, setup timeout, DTLS failure, close): {@link MediaServer#onSessionEnded} reports every end.
     */
    boolean unsubscribe(String showId, String sessionId);
}
