package dev.encore.protocol.rtp;

/**
 * Static accessors over an RTP packet in a byte array (RFC 3550 §5.1), in the flyweight style: nothing is allocated, nothing
 * is copied. Callers check {@link #isValid} once before using the other accessors.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 * </pre>
 */
public final class RtpPacket {
    public static final int FIXED_HEADER_LENGTH = 12;

    private RtpPacket() {
    }

    /** True if version is 2 and the header (CSRCs, extension, padding) fits inside {@code length}. */
    public static boolean isValid(byte[] buf, int off, int len) {
        throw new UnsupportedOperationException("TODO");
    }

    public static int payloadType(byte[] buf, int off) {
        throw new UnsupportedOperationException("TODO");
    }

    public static boolean marker(byte[] buf, int off) {
        throw new UnsupportedOperationException("TODO");
    }

    public static int sequenceNumber(byte[] buf, int off) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The timestamp as an unsigned 32-bit value in a long. */
    public static long timestamp(byte[] buf, int off) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The SSRC as an unsigned 32-bit value in a long. */
    public static long ssrc(byte[] buf, int off) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Length of the header including CSRCs and the extension; the payload starts here. */
    public static int headerLength(byte[] buf, int off, int len) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Payload length, excluding padding. */
    public static int payloadLength(byte[] buf, int off, int len) {
        throw new UnsupportedOperationException("TODO");
    }

    public static void setPayloadType(byte[] buf, int off, int payloadType) {
        throw new UnsupportedOperationException("TODO");
    }

    public static void setSequenceNumber(byte[] buf, int off, int seq) {
        throw new UnsupportedOperationException("TODO");
    }

    public static void setTimestamp(byte[] buf, int off, long timestamp) {
        throw new UnsupportedOperationException("TODO");
    }

    public static void setSsrc(byte[] buf, int off, long ssrc) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Writes a 12-byte header (no CSRC, no extension) followed by {@code payload} into {@code dst} at {@code dstOff}.
     *
     * @return the packet length
     */
    public static int write(byte[] dst, int dstOff, int payloadType, boolean marker, int seq, long timestamp, long ssrc,
            byte[] payload, int payloadOff, int payloadLen) {
        throw new UnsupportedOperationException("TODO");
    }
}
