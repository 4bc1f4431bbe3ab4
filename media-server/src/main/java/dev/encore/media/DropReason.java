package dev.encore.media;

import java.util.Locale;

/**
 * Why a datagram was dropped; each is a value of the {@code reason} label of {@code encore_dropped_packets_total}.
 * A dropped datagram is never answered and never disturbs another peer.
 */
enum DropReason {
    /** Empty, oversized, or not STUN/DTLS/RTP/RTCP by its first byte (RFC 7983). */
    MALFORMED,
    /** Looked like STUN but is not a Binding request with a USERNAME we can read. */
    BAD_STUN,
    /** A Binding request whose USERNAME names no session of ours. */
    STUN_UNKNOWN_UFRAG,
    /** MESSAGE-INTEGRITY, FINGERPRINT or the remote ufrag did not check out. */
    STUN_AUTH,
    /** A session already answers checks from as many addresses as we allow. */
    STUN_ADDRESS_LIMIT,
    /** DTLS, RTP or RTCP from an address that has not passed an authenticated ICE check. */
    UNKNOWN_PEER,
    /** DTLS that the cookie gate neither admitted nor answered (not a ClientHello, or a bad cookie). */
    DTLS_GATE,
    /** The DTLS handshake pool and its queue are full, or a session's DTLS inbox is. */
    DTLS_QUEUE_FULL,
    /** DTLS for a session whose handshake already failed or that is closing. */
    DTLS_CLOSED,
    /** SRTP/SRTCP before the session's DTLS handshake finished. */
    NOT_CONNECTED,
    /** SRTP/SRTCP authentication tag mismatch. */
    SRTP_AUTH,
    /** SRTP/SRTCP replayed or too old for the replay window. */
    SRTP_REPLAY,
    /** SRTP/SRTCP too short or otherwise unusable after the transform. */
    SRTP_MALFORMED,
    /** RTCP that did not parse (RFC 3550 §6.1). */
    RTCP_MALFORMED,
    /**
     * RTP from a peer that is not this show's performer: a listener (listeners only receive), or a WHIP publisher session
     * that a newer one replaced.
     */
    NOT_PUBLISHER,
    /** RTP whose header is invalid (RFC 3550 §5.1). */
    RTP_MALFORMED,
    /**
     * RTP whose payload type is not a dynamic one (96..127), so it cannot be the performer's Opus; from a WHIP publisher:
     * not the negotiated Opus payload type.
     */
    BAD_PAYLOAD_TYPE,
    /** RTP from a WHIP publisher with an SSRC other than its audio stream's (e.g. video the answer rejected). */
    UNKNOWN_SSRC,
    /** RTCP arriving on an (S)RTP ingest port: the rig's reports are not used. */
    INGEST_RTCP,
    /** The performer sent far above the show's bitrate; the excess is dropped. */
    RATE_LIMITED,
    /**
     * A listener's copy not sent because its shard reached the packet too late to be of use (overload: the loop fell behind).
     * Counted once per copy.
     */
    FANOUT_LATE,
    /** A bug: an exception escaped a stage. Logged, never rethrown. */
    INTERNAL_ERROR;

    /** The label value, e.g. {@code "stun_auth"}. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
