package dev.encore.protocol.rtcp;

import java.util.List;

/** Reads and writes compound RTCP packets (RFC 3550 §6.1). Does no I/O. */
public final class RtcpCodec {
    private RtcpCodec() {
    }

    /**
     * Parses a (decrypted) compound RTCP packet.
     *
     * @throws RtcpException if any packet's header or length is malformed, naming what and where
     */
    public static List<RtcpPacket> parse(byte[] buf, int off, int len) throws RtcpException {
        throw new UnsupportedOperationException("TODO");
    }

    /** Writes {@code packets} as one compound packet into {@code dst}; returns the length written. */
    public static int write(List<? extends RtcpPacket> packets, byte[] dst, int dstOff) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Converts wall-clock milliseconds since the Unix epoch to a 64-bit NTP timestamp (RFC 5905 §6). */
    public static long ntpTimestamp(long unixMillis) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The middle 32 bits of an NTP timestamp, as carried in LSR (RFC 3550 §6.4.1). */
    public static long middle32(long ntpTimestamp) {
        return (ntpTimestamp >>> 16) & 0xFFFFFFFFL;
    }
}
