package dev.encore.protocol.rtcp;

import java.util.Arrays;

/** An RTCP packet of a compound packet (RFC 3550 §6). Types Encore does not use are kept as {@link Other}. */
public sealed interface RtcpPacket permits SenderReport, ReceiverReport, RtcpPacket.Other {

    /** The packet type (200 SR, 201 RR, 202 SDES, 203 BYE, 205 RTPFB, 206 PSFB, ...). */
    int packetType();

    /**
     * A packet of a type Encore does not interpret, kept as it was on the wire so that it can be written back unchanged.
     *
     * @param packetType the PT field
     * @param senderSsrc the 32 bits after the header (the sender's SSRC for SDES, BYE, RTPFB, PSFB...), 0 if the packet has none
     * @param length the packet's length in bytes, header (and any padding) included
     * @param bytes the whole packet as on the wire, or null for one built without its bytes (which cannot be written)
     */
    record Other(int packetType, long senderSsrc, int length, byte[] bytes) implements RtcpPacket {

        /** An {@code Other} without its bytes: can be compared and logged, not written. */
        public Other(int packetType, long senderSsrc, int length) {
            this(packetType, senderSsrc, length, null);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Other other && packetType == other.packetType && senderSsrc == other.senderSsrc
                    && length == other.length && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * (31 * packetType + Long.hashCode(senderSsrc)) + length) + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Other[packetType=" + packetType + ", senderSsrc=" + senderSsrc + ", length=" + length + "]";
        }
    }
}
