package dev.encore.protocol.rtp;

import java.util.Objects;

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

    /** RFC 3550 §5.3.1: the extension header is 4 bytes, then {@code length} 32-bit words. */
    static final int EXTENSION_HEADER_LENGTH = 4;

    /**
     * True if version is 2 and the header (CSRCs, extension, padding) fits inside {@code length}. Also false for bad
     * {@code off}/{@code len}, for a second byte of 192..223 (marker + payload type 64..95: the demux calls that RTCP, RFC 5761
     * §4), and for a padding count of zero or larger than what follows the header.
     */
    public static boolean isValid(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < FIXED_HEADER_LENGTH || off > buf.length - len) {
            return false;
        }
        if ((buf[off] & 0xC0) != 0x80) {
            return false;
        }
        int b1 = buf[off + 1] & 0xFF;
        if (b1 >= 192 && b1 <= 223) {
            return false;
        }
        int header = headerLength(buf, off, len);
        if (header < 0 || header > len) {
            return false;
        }
        if ((buf[off] & 0x20) != 0) {
            int padding = buf[off + len - 1] & 0xFF;
            return padding >= 1 && padding <= len - header;
        }
        return true;
    }

    public static int payloadType(byte[] buf, int off) {
        return buf[off + 1] & 0x7F;
    }

    public static boolean marker(byte[] buf, int off) {
        return (buf[off + 1] & 0x80) != 0;
    }

    public static int sequenceNumber(byte[] buf, int off) {
        return ((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF);
    }

    /** The timestamp as an unsigned 32-bit value in a long. */
    public static long timestamp(byte[] buf, int off) {
        return u32(buf, off + 4);
    }

    /** The SSRC as an unsigned 32-bit value in a long. */
    public static long ssrc(byte[] buf, int off) {
        return u32(buf, off + 8);
    }

    /** The number of CSRCs (the CC field). */
    public static int csrcCount(byte[] buf, int off) {
        return buf[off] & 0x0F;
    }

    /** The {@code index}-th CSRC as an unsigned 32-bit value; {@code index} must be below {@link #csrcCount}. */
    public static long csrc(byte[] buf, int off, int index) {
        return u32(buf, off + FIXED_HEADER_LENGTH + 4 * index);
    }

    public static boolean hasPadding(byte[] buf, int off) {
        return (buf[off] & 0x20) != 0;
    }

    public static boolean hasExtension(byte[] buf, int off) {
        return (buf[off] & 0x10) != 0;
    }

    /**
     * The profile-defined 16 bits of the header extension (0xBEDE for RFC 8285 one-byte headers), or -1 without extension.
     * Only on a packet that {@link #isValid}.
     */
    public static int extensionProfile(byte[] buf, int off) {
        if (!hasExtension(buf, off)) {
            return -1;
        }
        int at = off + FIXED_HEADER_LENGTH + 4 * csrcCount(buf, off);
        return ((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF);
    }

    /**
     * Length of the header including CSRCs and the extension; the payload starts here. Returns -1 when that header does not
     * fit in {@code len} bytes (so it is safe to call before {@link #isValid}).
     */
    public static int headerLength(byte[] buf, int off, int len) {
        if (len < FIXED_HEADER_LENGTH) {
            return -1;
        }
        int length = FIXED_HEADER_LENGTH + 4 * (buf[off] & 0x0F);
        if (length > len) {
            return -1;
        }
        if ((buf[off] & 0x10) != 0) {
            if (len - length < EXTENSION_HEADER_LENGTH) {
                return -1;
            }
            int words = ((buf[off + length + 2] & 0xFF) << 8) | (buf[off + length + 3] & 0xFF);
            length += EXTENSION_HEADER_LENGTH + 4 * words;
            if (length > len) {
                return -1;
            }
        }
        return length;
    }

    /** Payload length, excluding padding. Only on a packet that {@link #isValid}. */
    public static int payloadLength(byte[] buf, int off, int len) {
        int padding = hasPadding(buf, off) ? buf[off + len - 1] & 0xFF : 0;
        return len - headerLength(buf, off, len) - padding;
    }

    public static void setPayloadType(byte[] buf, int off, int payloadType) {
        checkRange("payloadType", payloadType, 127);
        buf[off + 1] = (byte) ((buf[off + 1] & 0x80) | payloadType);
    }

    public static void setMarker(byte[] buf, int off, boolean marker) {
        buf[off + 1] = (byte) (marker ? buf[off + 1] | 0x80 : buf[off + 1] & 0x7F);
    }

    public static void setSequenceNumber(byte[] buf, int off, int seq) {
        buf[off + 2] = (byte) (seq >>> 8);
        buf[off + 3] = (byte) seq;
    }

    public static void setTimestamp(byte[] buf, int off, long timestamp) {
        putU32(buf, off + 4, timestamp);
    }

    public static void setSsrc(byte[] buf, int off, long ssrc) {
        putU32(buf, off + 8, ssrc);
    }

    /**
     * Writes a 12-byte header (no CSRC, no extension) followed by {@code payload} into {@code dst} at {@code dstOff}.
     * {@code seq} is taken modulo 2^16, {@code timestamp} and {@code ssrc} modulo 2^32.
     *
     * @return the packet length
     * @throws IllegalArgumentException if {@code payloadType} is not 0..127
     * @throws IndexOutOfBoundsException if the packet does not fit in {@code dst} or the payload range is outside {@code payload}
     */
    public static int write(byte[] dst, int dstOff, int payloadType, boolean marker, int seq, long timestamp, long ssrc,
            byte[] payload, int payloadOff, int payloadLen) {
        checkRange("payloadType", payloadType, 127);
        Objects.checkFromIndexSize(payloadOff, payloadLen, payload.length);
        int length = FIXED_HEADER_LENGTH + payloadLen;
        Objects.checkFromIndexSize(dstOff, length, dst.length);
        dst[dstOff] = (byte) 0x80;
        dst[dstOff + 1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        setSequenceNumber(dst, dstOff, seq);
        setTimestamp(dst, dstOff, timestamp);
        setSsrc(dst, dstOff, ssrc);
        System.arraycopy(payload, payloadOff, dst, dstOff + FIXED_HEADER_LENGTH, payloadLen);
        return length;
    }

    private static void checkRange(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: 0.." + max + ")");
        }
    }

    private static long u32(byte[] b, int i) {
        return ((b[i] & 0xFFL) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    private static void putU32(byte[] b, int i, long v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }
}
