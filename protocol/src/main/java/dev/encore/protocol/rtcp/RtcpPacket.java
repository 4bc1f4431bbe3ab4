package dev.encore.protocol.rtcp;

/** An RTCP packet of a compound packet (RFC 3550 §6). Types Encore does not use are kept as {@link Other}. */
public sealed interface RtcpPacket permits SenderReport, ReceiverReport, RtcpPacket.Other {

    /** The packet type (200 SR, 201 RR, 202 SDES, 203 BYE, 205 RTPFB, 206 PSFB, ...). */
    int packetType();

    /** A packet of a type Encore does not interpret. */
    record Other(int packetType, long senderSsrc, int length) implements RtcpPacket {
    }
}
