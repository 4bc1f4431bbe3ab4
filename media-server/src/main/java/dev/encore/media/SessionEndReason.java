package dev.encore.media;

/** Why a listener session ended; see {@link SessionEndListener}. */
public enum SessionEndReason {
    /** {@link WhepService#unsubscribe} (the listener's WHEP {@code DELETE}). */
    UNSUBSCRIBED,
    /** Connected, but no authenticated ICE check for the consent timeout (RFC 7675 §5.1: 30 s). */
    CONSENT_EXPIRED,
    /** ICE and DTLS did not complete within the setup timeout ({@link MediaServerConfig#setupTimeout()}). */
    SETUP_TIMEOUT,
    /** The DTLS handshake failed (bad certificate, no common SRTP profile, timeout, alert, a full handshake pool). */
    DTLS_FAILED,
    /** {@link MediaServer#close}. */
    SERVER_CLOSED
}
