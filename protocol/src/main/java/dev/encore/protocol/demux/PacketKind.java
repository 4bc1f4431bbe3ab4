package dev.encore.protocol.demux;

/**
 * What a datagram arriving on the shared media port is, by its first byte.
 *
 * <p>Follows <a href="https://www.rfc-editor.org/rfc/rfc7983#section-7">RFC 7983 §7</a> for STUN / DTLS / RTP-or-RTCP and
 * <a href="https://www.rfc-editor.org/rfc/rfc5761#section-4">RFC 5761 §4</a> to tell RTCP from RTP on a muxed port.
 */
public enum PacketKind {
    STUN, DTLS, RTP, RTCP, UNKNOWN;

    /** Shortest packet of each kind this classifier accepts: STUN and RTCP headers, DTLS record header, RTP header. */
    static final int MIN_STUN = 20;
    static final int MIN_DTLS = 13;
    static final int MIN_RTP = 12;
    static final int MIN_RTCP = 8;

    /** Classifies {@code length} bytes at {@code offset}; never throws, short or odd input is {@link #UNKNOWN}. */
    public static PacketKind classify(byte[] data, int offset, int length) {
        if (data == null || offset < 0 || length < 1 || offset > data.length - length) {
            return UNKNOWN;
        }
        int b0 = data[offset] & 0xFF;
        // RFC 7983 §7: the first byte's range names the protocol.
        if (b0 <= 3) {
            return length >= MIN_STUN ? STUN : UNKNOWN;
        }
        if (b0 >= 20 && b0 <= 63) {
            return length >= MIN_DTLS ? DTLS : UNKNOWN;
        }
        if (b0 >= 128 && b0 <= 191) {
            if (length < MIN_RTCP) {
                return UNKNOWN;
            }
            // RFC 5761 §4: RTCP packet types 192..223 read as marker bit + RTP payload type 64..95.
            int pt = data[offset + 1] & 0xFF;
            if (pt >= 192 && pt <= 223) {
                return RTCP;
            }
            return length >= MIN_RTP ? RTP : UNKNOWN;
        }
        // 16..19 ZRTP, 64..79 TURN channel, the rest unassigned (drop): nothing Encore speaks.
        return UNKNOWN;
    }
}
