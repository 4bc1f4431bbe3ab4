package dev.encore.protocol.srtp;

/**
 * SRTP and SRTCP (RFC 3711; AES-GCM RFC 7714) for one peer, over jitsi-srtp: an outbound context keyed with our write keys
 * and an inbound context keyed with the peer's. Contexts keep per-SSRC rollover and replay state. Does no I/O.
 *
 * <p>Thread-safety: protect and unprotect may be called from different threads; each direction is synchronized by
 * jitsi-srtp. Buffers must have {@link #MAX_OVERHEAD} bytes of room after the packet for protect.
 */
public final class SrtpSession implements AutoCloseable {
    /** The most bytes protect adds to an RTP or RTCP packet (tag, SRTCP index). */
    public static final int MAX_OVERHEAD = 16 + 4;

    /** Status codes returned (negated) by the unprotect methods. */
    public static final int FAIL_AUTH = -1;
    public static final int FAIL_REPLAY = -2;
    public static final int FAIL_MALFORMED = -3;

    /** The session for the DTLS server side: we write with the server keys and read with the client keys. */
    public static SrtpSession forServer(SrtpKeys keys) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The session for the DTLS client side. */
    public static SrtpSession forClient(SrtpKeys keys) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * An inbound-only session from a pre-shared key (SDES-style, as ffmpeg's {@code -srtp_out_params}): 30 bytes key||salt
     * for AES_CM_128_HMAC_SHA1_80.
     */
    public static SrtpSession inboundOnly(SrtpProfile profile, byte[] masterKeyAndSalt) {
        throw new UnsupportedOperationException("TODO");
    }

    /** An outbound-only session from a pre-shared key, the mirror of {@link #inboundOnly} (used by tests and benchmarks). */
    public static SrtpSession outboundOnly(SrtpProfile profile, byte[] masterKeyAndSalt) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The best profile available here: AEAD_AES_128_GCM when jitsi-srtp's native library loaded, else AES_CM. */
    public static SrtpProfile preferredProfile() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Encrypts and authenticates an RTP packet in place; returns the new length. */
    public int protectRtp(byte[] buf, int off, int len) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Verifies and decrypts an SRTP packet in place; returns the plaintext length, or a negative FAIL_* code. */
    public int unprotectRtp(byte[] buf, int off, int len) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Encrypts and authenticates an RTCP packet in place; returns the new length. */
    public int protectRtcp(byte[] buf, int off, int len) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Verifies and decrypts an SRTCP packet in place; returns the plaintext length, or a negative FAIL_* code. */
    public int unprotectRtcp(byte[] buf, int off, int len) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void close() {
    }
}
