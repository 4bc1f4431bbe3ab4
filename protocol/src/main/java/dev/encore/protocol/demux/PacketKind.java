package dev.encore.protocol.demux;

/**
 * What a datagram arriving on the shared media port is, by its first byte.
 *
 * <p>Follows <a href="https://www.rfc-editor.org/rfc/rfc7983#section-7">RFC 7983 §7</a> for STUN / DTLS / RTP-or-RTCP and
 * <a href="https://www.rfc-editor.org/rfc/rfc5761#section-4">RFC 5761 §4</a> to tell RTCP from RTP on a muxed port.
 */
public enum PacketKind {
    STUN, DTLS, RTP, RTCP, UNKNOWN;

    /** Classifies {@code length} bytes at {@code offset}; never throws, short or odd input is {@link #UNKNOWN}. */
    public static PacketKind classify(byte[] data, int offset, int length) {
        throw new UnsupportedOperationException("TODO");
    }
}
