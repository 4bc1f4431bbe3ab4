package dev.encore.loadtest.client;

/** Why a datagram from the server was dropped; each reason has its own counter in {@link ListenerStats}. */
public enum DropReason {
    /** SRTP/SRTCP authentication tag did not verify (RFC 3711 §3.3). */
    AUTH,
    /** SRTP/SRTCP replay check refused the index (RFC 3711 §3.3.2). */
    REPLAY,
    /** SRTP/SRTCP too short or otherwise unprocessable. */
    SRTP_MALFORMED,
    /** Decrypted but not a valid RTP packet (RFC 3550 §5.1). */
    RTP_INVALID,
    /** Decrypted RTCP that does not parse (RFC 3550 §6). */
    RTCP_INVALID,
    /** An RTP payload type other than the answer's Opus. */
    PAYLOAD_TYPE,
    /** A sequence number jump not (yet) confirmed by the next packet (RFC 3550 A.1). */
    SEQUENCE_JUMP,
    /** First byte matches no protocol (RFC 7983). */
    UNKNOWN,
    /** From an address other than the server's candidate. */
    FOREIGN_SOURCE,
    /** STUN that failed to decode or authenticate, or answered no transaction of ours. */
    STUN,
    /** DTLS before connectivity was established. */
    DTLS_EARLY,
    /** SRTP/SRTCP before the DTLS handshake gave keys. */
    MEDIA_EARLY,
    /** RTP sent to a publisher, which only sends. */
    UNEXPECTED_RTP,
    /** Larger than our receive buffer. */
    OVERSIZE,
    /** Handling it threw an unexpected exception (counted, never propagated). */
    INTERNAL
}
