package dev.encore.loadtest.client;

/** Why a listener session did not connect, or stopped. */
public enum FailureReason {
    /** The WHEP server answered with an error status (see the message for status and body). */
    WHEP_STATUS,
    /** The WHEP request could not be sent or got no response. */
    WHEP_IO,
    /** The SDP answer was malformed or unusable (no candidate, no Opus). */
    SDP,
    /** The UDP socket could not be bound. */
    BIND,
    /** No success response to our connectivity checks in time (RFC 8445). */
    ICE_TIMEOUT,
    /** The DTLS handshake failed or timed out (RFC 6347, RFC 5764). */
    DTLS,
    /** The server stopped answering consent checks for 30 s (RFC 7675). */
    CONSENT_LOST,
    /** Closed by us before connecting. */
    CLOSED,
    /** A bug on our side (an unexpected exception). */
    INTERNAL
}
