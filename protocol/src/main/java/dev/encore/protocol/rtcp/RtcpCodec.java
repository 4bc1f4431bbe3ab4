package dev.encore.protocol.rtcp;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reads and writes compound RTCP packets (RFC 3550 §6.1). Does no I/O. Stateless.
 *
 * <p>Parsing applies the header checks of RFC 3550 appendix A.2 to every packet of the compound: version 2, a length field
 * that stays inside the datagram, padding only on the last packet and no larger than that packet. A first packet other than
 * SR or RR is allowed, for reduced-size RTCP (RFC 5506) feedback.
 */
public final class RtcpCodec {

    public static final int PT_SR = 200;
    public static final int PT_RR = 201;
    public static final int PT_SDES = 202;

    /** RFC 3550 §6.4.1: sender info, after the 4-byte header and the SSRC. */
    static final int SENDER_INFO_LENGTH = 20;
    /** RFC 3550 §6.4.1. */
    static final int REPORT_BLOCK_LENGTH = 24;
    static final int HEADER_LENGTH = 4;
    /** The 5-bit count field. */
    static final int MAX_REPORTS = 31;
    /** RFC 5905 §6: seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
    static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

    private RtcpCodec() {
    }

    /**
     * Parses a (decrypted) compound RTCP packet.
     *
     * @throws RtcpException if any packet's header or length is malformed, naming what and where
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not lie inside {@code buf}
     */
    public static List<RtcpPacket> parse(byte[] buf, int off, int len) throws RtcpException {
        requireNonNull(buf, "buf");
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < HEADER_LENGTH) {
            throw new RtcpException("RTCP packet truncated: " + len + " bytes (expected: at least a 4-byte header)");
        }
        List<RtcpPacket> packets = new ArrayList<>(2);
        int end = off + len;
        int pos = off;
        while (pos < end) {
            int at = pos - off;
            if (end - pos < HEADER_LENGTH) {
                throw new RtcpException("RTCP header truncated at byte " + at + ": " + (end - pos) + " bytes (expected: 4)");
            }
            int b0 = buf[pos] & 0xFF;
            int version = b0 >>> 6;
            if (version != 2) {
                throw new RtcpException("RTCP version " + version + " at byte " + at + " (expected: 2)");
            }
            int count = b0 & 0x1F;
            int pt = buf[pos + 1] & 0xFF;
            int length = (u16(buf, pos + 2) + 1) * 4;
            if (length > end - pos) {
                throw new RtcpException("RTCP packet type " + pt + " at byte " + at + " claims " + length + " bytes, only "
                        + (end - pos) + " left (expected: length field inside the datagram)");
            }
            int padding = 0;
            if ((b0 & 0x20) != 0) {
                if (pos + length != end) {
                    throw new RtcpException("RTCP packet type " + pt + " at byte " + at
                            + " has padding but is not last (expected: padding only on the last packet, RFC 3550 §6.4.1)");
                }
                padding = buf[pos + length - 1] & 0xFF;
                if (padding == 0 || padding > length - HEADER_LENGTH) {
                    throw new RtcpException("RTCP padding of " + padding + " bytes in a " + length + "-byte packet at byte " + at
                            + " (expected: 1.." + (length - HEADER_LENGTH) + ")");
                }
            }
            int body = length - padding; // header included, padding excluded
            packets.add(switch (pt) {
                case PT_SR -> parseSenderReport(buf, pos, body, count, at);
                case PT_RR -> parseReceiverReport(buf, pos, body, count, at);
                default -> new RtcpPacket.Other(pt, body >= 8 ? u32(buf, pos + 4) : 0, length,
                        Arrays.copyOfRange(buf, pos, pos + length));
            });
            pos += length;
        }
        return packets;
    }

    private static SenderReport parseSenderReport(byte[] buf, int pos, int body, int count, int at) throws RtcpException {
        int needed = HEADER_LENGTH + 4 + SENDER_INFO_LENGTH + count * REPORT_BLOCK_LENGTH;
        if (body < needed) {
            throw new RtcpException("SR at byte " + at + " with " + count + " report blocks has " + body
                    + " bytes (expected: at least " + needed + ")");
        }
        long ntp = ((long) u32i(buf, pos + 8) << 32) | u32(buf, pos + 12);
        List<ReportBlock> reports = reportBlocks(buf, pos + 28, count);
        return new SenderReport(u32(buf, pos + 4), ntp, u32(buf, pos + 16), u32(buf, pos + 20), u32(buf, pos + 24), reports);
    }

    private static ReceiverReport parseReceiverReport(byte[] buf, int pos, int body, int count, int at) throws RtcpException {
        int needed = HEADER_LENGTH + 4 + count * REPORT_BLOCK_LENGTH;
        if (body < needed) {
            throw new RtcpException("RR at byte " + at + " with " + count + " report blocks has " + body
                    + " bytes (expected: at least " + needed + ")");
        }
        return new ReceiverReport(u32(buf, pos + 4), reportBlocks(buf, pos + 8, count));
    }

    private static List<ReportBlock> reportBlocks(byte[] buf, int pos, int count) {
        if (count == 0) {
            return List.of();
        }
        ReportBlock[] blocks = new ReportBlock[count];
        for (int i = 0; i < count; i++) {
            int p = pos + i * REPORT_BLOCK_LENGTH;
            int cumulative = ((buf[p + 5] << 16) | ((buf[p + 6] & 0xFF) << 8) | (buf[p + 7] & 0xFF)); // sign from byte 5
            blocks[i] = new ReportBlock(u32(buf, p), buf[p + 4] & 0xFF, cumulative, u32(buf, p + 8), u32(buf, p + 12),
                    u32(buf, p + 16), u32(buf, p + 20));
        }
        return List.of(blocks);
    }

    /** The number of bytes {@link #write} needs for {@code packets}. */
    public static int encodedLength(List<? extends RtcpPacket> packets) {
        int total = 0;
        for (RtcpPacket packet : packets) {
            total += encodedLength(packet);
        }
        return total;
    }

    private static int encodedLength(RtcpPacket packet) {
        if (packet instanceof SenderReport sr) {
            return HEADER_LENGTH + 4 + SENDER_INFO_LENGTH + checkReports(sr.reports()) * REPORT_BLOCK_LENGTH;
        }
        if (packet instanceof ReceiverReport rr) {
            return HEADER_LENGTH + 4 + checkReports(rr.reports()) * REPORT_BLOCK_LENGTH;
        }
        RtcpPacket.Other other = (RtcpPacket.Other) packet;
        if (other.bytes() == null) {
            throw new IllegalArgumentException("RTCP packet type " + other.packetType()
                    + " has no bytes (expected: an Other from parse() or sdes())");
        }
        return other.bytes().length;
    }

    /**
     * Writes {@code packets} as one compound packet into {@code dst}; returns the length written.
     *
     * @throws IllegalArgumentException if a report has more than 31 blocks, or an {@link RtcpPacket.Other} has no bytes
     * @throws IndexOutOfBoundsException if {@code dst} has less than {@link #encodedLength} bytes from {@code dstOff}
     */
    public static int write(List<? extends RtcpPacket> packets, byte[] dst, int dstOff) {
        requireNonNull(packets, "packets");
        requireNonNull(dst, "dst");
        Objects.checkFromIndexSize(dstOff, encodedLength(packets), dst.length);
        int pos = dstOff;
        for (RtcpPacket packet : packets) {
            if (packet instanceof SenderReport sr) {
                int length = encodedLength(sr);
                header(dst, pos, sr.reports().size(), PT_SR, length);
                putU32(dst, pos + 4, sr.ssrc());
                putU32(dst, pos + 8, sr.ntpTimestamp() >>> 32);
                putU32(dst, pos + 12, sr.ntpTimestamp());
                putU32(dst, pos + 16, sr.rtpTimestamp());
                putU32(dst, pos + 20, sr.packetCount());
                putU32(dst, pos + 24, sr.octetCount());
                writeBlocks(sr.reports(), dst, pos + 28);
                pos += length;
            } else if (packet instanceof ReceiverReport rr) {
                int length = encodedLength(rr);
                header(dst, pos, rr.reports().size(), PT_RR, length);
                putU32(dst, pos + 4, rr.ssrc());
                writeBlocks(rr.reports(), dst, pos + 8);
                pos += length;
            } else {
                byte[] bytes = ((RtcpPacket.Other) packet).bytes();
                System.arraycopy(bytes, 0, dst, pos, bytes.length);
                pos += bytes.length;
            }
        }
        return pos - dstOff;
    }

    /**
     * An SDES packet (RFC 3550 §6.5) with one chunk: {@code ssrc} and its CNAME item, as every compound packet should carry.
     *
     * @throws IllegalArgumentException if the CNAME is longer than 255 bytes in UTF-8
     */
    public static RtcpPacket.Other sdes(long ssrc, String cname) {
        byte[] name = cname.getBytes(StandardCharsets.UTF_8);
        if (name.length > 255) {
            throw new IllegalArgumentException("cname: " + name.length + " bytes (expected: at most 255)");
        }
        // header, SSRC, CNAME item (type 1, length, text), END item (0), zero-padded to 32 bits
        int length = (HEADER_LENGTH + 4 + 2 + name.length + 1 + 3) & ~3;
        byte[] bytes = new byte[length];
        header(bytes, 0, 1, PT_SDES, length);
        putU32(bytes, 4, ssrc);
        bytes[8] = 1;
        bytes[9] = (byte) name.length;
        System.arraycopy(name, 0, bytes, 10, name.length);
        return new RtcpPacket.Other(PT_SDES, ssrc & 0xFFFFFFFFL, length, bytes);
    }

    /** Converts wall-clock milliseconds since the Unix epoch to a 64-bit NTP timestamp (RFC 5905 §6). */
    public static long ntpTimestamp(long unixMillis) {
        long seconds = Math.floorDiv(unixMillis, 1000L) + NTP_UNIX_OFFSET_SECONDS; // wraps into the next era after 2036
        long fraction = (Math.floorMod(unixMillis, 1000L) << 32) / 1000L;
        return (seconds << 32) | fraction;
    }

    /** The middle 32 bits of an NTP timestamp, as carried in LSR (RFC 3550 §6.4.1). */
    public static long middle32(long ntpTimestamp) {
        return (ntpTimestamp >>> 16) & 0xFFFFFFFFL;
    }

    private static int checkReports(List<ReportBlock> reports) {
        if (reports.size() > MAX_REPORTS) {
            throw new IllegalArgumentException("report blocks: " + reports.size() + " (expected: at most " + MAX_REPORTS
                    + "; send the rest in another report)");
        }
        return reports.size();
    }

    private static void header(byte[] dst, int pos, int count, int pt, int length) {
        dst[pos] = (byte) (0x80 | count);
        dst[pos + 1] = (byte) pt;
        int words = length / 4 - 1;
        dst[pos + 2] = (byte) (words >>> 8);
        dst[pos + 3] = (byte) words;
    }

    private static void writeBlocks(List<ReportBlock> reports, byte[] dst, int pos) {
        for (ReportBlock block : reports) {
            putU32(dst, pos, block.ssrc());
            // fraction lost (8 bits) then cumulative lost (signed 24 bits, clamped as RFC 3550 A.3 suggests)
            int cumulative = Math.max(-0x800000, Math.min(0x7FFFFF, block.cumulativeLost()));
            putU32(dst, pos + 4, ((long) (block.fractionLost() & 0xFF) << 24) | (cumulative & 0xFFFFFF));
            putU32(dst, pos + 8, block.highestSequence());
            putU32(dst, pos + 12, block.jitter());
            putU32(dst, pos + 16, block.lastSr());
            putU32(dst, pos + 20, block.delaySinceLastSr());
            pos += REPORT_BLOCK_LENGTH;
        }
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    private static int u32i(byte[] b, int i) {
        return ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    private static long u32(byte[] b, int i) {
        return u32i(b, i) & 0xFFFFFFFFL;
    }

    private static void putU32(byte[] b, int i, long v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }
}
