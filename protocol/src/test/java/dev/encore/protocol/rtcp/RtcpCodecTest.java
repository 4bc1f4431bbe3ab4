package dev.encore.protocol.rtcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RtcpCodecTest {

    /** A sender's compound packet as Chrome sends it: SR without report blocks, then SDES with a 16-character CNAME. */
    static final String SR_SDES = """
            80c80006 2a3b4c5d e75b2f21 8a3d70a3 000bb800 000001f4 0000f424
            81ca0006 2a3b4c5d 0110 6162636465666768696a6b6c6d6e6f70 0000""";

    /** A listener's: RR with one block (cumulative lost -2), SDES, then a REMB (PSFB, FMT 15) kept as Other. */
    static final String RR_SDES_REMB = """
            81c90007 00000001
              2a3b4c5d 05fffffe 00010203 00000010 2f218a3d 00018000
            81ca0003 00000001 0104 7778797a 0000
            8fce0005 00000001 00000000 52454d42 010a3e80 2a3b4c5d""";

    // --- parse -------------------------------------------------------------------------------------------------------------

    @Test
    void parsesSenderReportAndSdes() throws RtcpException {
        byte[] bytes = hex(SR_SDES);
        List<RtcpPacket> packets = RtcpCodec.parse(bytes, 0, bytes.length);

        assertThat(packets).hasSize(2);
        assertThat(packets.get(0)).isEqualTo(
                new SenderReport(0x2a3b4c5dL, 0xe75b2f218a3d70a3L, 0x000bb800L, 500, 62500, List.of()));
        RtcpPacket.Other sdes = (RtcpPacket.Other) packets.get(1);
        assertThat(sdes.packetType()).isEqualTo(202);
        assertThat(sdes.senderSsrc()).isEqualTo(0x2a3b4c5dL);
        assertThat(sdes.length()).isEqualTo(28);
        assertThat(sdes).isEqualTo(RtcpCodec.sdes(0x2a3b4c5dL, "abcdefghijklmnop"));
    }

    @Test
    void parsesReceiverReportBlocksAndKeepsFeedbackAsOther() throws RtcpException {
        byte[] bytes = hex(RR_SDES_REMB);
        List<RtcpPacket> packets = RtcpCodec.parse(bytes, 0, bytes.length);

        assertThat(packets).hasSize(3);
        assertThat(packets.get(0)).isEqualTo(new ReceiverReport(1, List.of(
                new ReportBlock(0x2a3b4c5dL, 5, -2, 0x00010203L, 16, 0x2f218a3dL, 0x00018000L))));
        assertThat(packets.get(1).packetType()).isEqualTo(202);
        RtcpPacket.Other remb = (RtcpPacket.Other) packets.get(2);
        assertThat(remb.packetType()).isEqualTo(206);
        assertThat(remb.senderSsrc()).isEqualTo(1);
        assertThat(remb.length()).isEqualTo(24);
        assertThat(remb.toString()).isEqualTo("Other[packetType=206, senderSsrc=1, length=24]");
    }

    @Test
    void parsesAtAnOffset() throws RtcpException {
        byte[] packet = hex(SR_SDES);
        byte[] buf = new byte[packet.length + 10];
        Arrays.fill(buf, (byte) 0xEE);
        System.arraycopy(packet, 0, buf, 3, packet.length);

        assertThat(RtcpCodec.parse(buf, 3, packet.length)).isEqualTo(RtcpCodec.parse(packet, 0, packet.length));
    }

    @Test
    void parsesReducedSizeFeedbackAlone() throws RtcpException {
        // RFC 5506: a PLI (PSFB FMT 1) on its own, not preceded by SR/RR.
        byte[] pli = hex("81ce0002 00000001 2a3b4c5d");
        assertThat(RtcpCodec.parse(pli, 0, pli.length))
                .containsExactly(new RtcpPacket.Other(206, 1, 12, pli));
    }

    @Test
    void dropsPaddingOfTheLastPacket() throws RtcpException {
        byte[] srPadded = hex("a0c80007 2a3b4c5d e75b2f21 8a3d70a3 000bb800 000001f4 0000f424 00000004");
        assertThat(RtcpCodec.parse(srPadded, 0, srPadded.length)).containsExactly(
                new SenderReport(0x2a3b4c5dL, 0xe75b2f218a3d70a3L, 0x000bb800L, 500, 62500, List.of()));

        byte[] byePadded = hex("a1cb0002 2a3b4c5d 00000004");
        RtcpPacket.Other bye = (RtcpPacket.Other) RtcpCodec.parse(byePadded, 0, byePadded.length).get(0);
        assertThat(bye.senderSsrc()).isEqualTo(0x2a3b4c5dL);
        assertThat(bye.length()).isEqualTo(12);
        assertThat(roundTrip(byePadded)).isEqualTo(byePadded);
    }

    // --- round trips -------------------------------------------------------------------------------------------------------

    @Test
    void roundTripsCompoundsByteForByte() throws RtcpException {
        for (String hex : List.of(SR_SDES, RR_SDES_REMB)) {
            byte[] bytes = hex(hex);
            assertThat(HexFormat.of().formatHex(roundTrip(bytes))).isEqualTo(HexFormat.of().formatHex(bytes));
        }
    }

    @Test
    void writesWhatItParses() throws RtcpException {
        List<RtcpPacket> packets = List.of(
                new SenderReport(0xFFFFFFFFL, RtcpCodec.ntpTimestamp(1_700_000_000_123L), 0xFFFFFFFFL, 0xFFFFFFFFL, 0, List.of(
                        new ReportBlock(1, 255, 0x7FFFFF, 0xFFFFFFFFL, 0, 0xFFFFFFFFL, 1),
                        new ReportBlock(2, 0, -0x800000, 0, 0xFFFFFFFFL, 0, 0xFFFFFFFFL))),
                RtcpCodec.sdes(0xFFFFFFFFL, "encore"),
                new ReceiverReport(7, List.of()));
        byte[] dst = new byte[RtcpCodec.encodedLength(packets) + 4];

        int len = RtcpCodec.write(packets, dst, 2);

        assertThat(len).isEqualTo(28 + 48 + 20 + 8);
        assertThat(RtcpCodec.parse(dst, 2, len)).isEqualTo(packets);
        // SDES: CNAME item (1, 6, "encore"), END item, zero padding to a 32-bit boundary.
        assertThat(HexFormat.of().formatHex(dst, 2 + 28 + 48, 2 + 28 + 48 + 20))
                .isEqualTo("81ca0004" + "ffffffff" + "0106656e636f7265" + "00000000");
        assertThat(HexFormat.of().formatHex(dst, 2 + 28 + 48 + 20, 2 + 28 + 48 + 28)).isEqualTo("80c90001" + "00000007");
    }

    @Test
    void writesAnSrHeaderWithItsReportCountAndLength() {
        List<RtcpPacket> sr = List.of(new SenderReport(1, 0, 0, 0, 0, List.of(new ReportBlock(2, 0, 0, 0, 0, 0, 0))));
        byte[] dst = new byte[52];
        assertThat(RtcpCodec.write(sr, dst, 0)).isEqualTo(52);
        assertThat(HexFormat.of().formatHex(dst, 0, 4)).isEqualTo("81c8000c");
    }

    @Test
    void clampsCumulativeLostToTwentyFourBits() throws RtcpException {
        List<RtcpPacket> rr = List.of(new ReceiverReport(1, List.of(
                new ReportBlock(2, 0, 10_000_000, 0, 0, 0, 0), new ReportBlock(3, 0, -10_000_000, 0, 0, 0, 0))));
        byte[] dst = new byte[RtcpCodec.encodedLength(rr)];
        RtcpCodec.write(rr, dst, 0);
        ReceiverReport parsed = (ReceiverReport) RtcpCodec.parse(dst, 0, dst.length).get(0);
        assertThat(parsed.reports()).extracting(ReportBlock::cumulativeLost).containsExactly(0x7FFFFF, -0x800000);
    }

    @Test
    void refusesWhatItCannotWrite() {
        assertThatThrownBy(() -> RtcpCodec.write(List.of(new RtcpPacket.Other(202, 1, 12)), new byte[64], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RTCP packet type 202 has no bytes");
        List<ReportBlock> blocks = Collections.nCopies(32, new ReportBlock(1, 0, 0, 0, 0, 0, 0));
        assertThatThrownBy(() -> RtcpCodec.write(List.of(new ReceiverReport(1, blocks)), new byte[2048], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("report blocks: 32 (expected: at most 31");
        byte[] small = new byte[27];
        assertThatThrownBy(() -> RtcpCodec.write(List.of(new SenderReport(1, 0, 0, 0, 0, List.of())), small, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(small).containsOnly(0); // nothing written
        assertThatThrownBy(() -> RtcpCodec.sdes(1, "x".repeat(256))).isInstanceOf(IllegalArgumentException.class);
    }

    // --- malformed input ---------------------------------------------------------------------------------------------------

    @Test
    void rejectsMalformedPacketsWithClearMessages() {
        assertRejected("", "RTCP packet truncated: 0 bytes (expected: at least a 4-byte header)");
        assertRejected("80c8", "RTCP packet truncated: 2 bytes (expected: at least a 4-byte header)");
        assertRejected("40c80006 2a3b4c5d e75b2f21 8a3d70a3 000bb800 000001f4 0000f424", "RTCP version 1 at byte 0 (expected: 2)");
        assertRejected("80c800ff 2a3b4c5d", "RTCP packet type 200 at byte 0 claims 1024 bytes, only 8 left "
                + "(expected: length field inside the datagram)");
        assertRejected("80c80001 2a3b4c5d", "SR at byte 0 with 0 report blocks has 8 bytes (expected: at least 28)");
        assertRejected("82c90007 00000001 2a3b4c5d 05fffffe 00010203 00000010 2f218a3d 00018000",
                "RR at byte 0 with 2 report blocks has 32 bytes (expected: at least 56)");
        assertRejected("a1cb0002 2a3b4c5d 0000000c", "RTCP padding of 12 bytes in a 12-byte packet at byte 0 (expected: 1..8)");
        assertRejected("a1cb0002 2a3b4c5d 00000000", "RTCP padding of 0 bytes in a 12-byte packet at byte 0 (expected: 1..8)");
        assertRejected("a1cb0002 2a3b4c5d 00000004 81cb0001 2a3b4c5d",
                "RTCP packet type 203 at byte 0 has padding but is not last (expected: padding only on the last packet, RFC 3550 §6.4.1)");
        assertRejected("81cb0001 2a3b4c5d 00c9", "RTCP header truncated at byte 8: 2 bytes (expected: 4)");
        assertRejected("81cb0001 2a3b4c5d 01c90001 00000001", "RTCP version 0 at byte 8 (expected: 2)");
    }

    @Test
    void everyTruncationParsesAPrefixOrFailsWithRtcpException() throws RtcpException {
        byte[] full = hex(RR_SDES_REMB);
        List<RtcpPacket> all = RtcpCodec.parse(full, 0, full.length);
        List<Integer> boundaries = List.of(32, 48, 72);
        for (int len = 0; len < full.length; len++) {
            int n = len;
            if (boundaries.contains(len)) {
                assertThat(RtcpCodec.parse(full, 0, len)).isEqualTo(all.subList(0, boundaries.indexOf(len) + 1));
            } else {
                assertThatThrownBy(() -> RtcpCodec.parse(full, 0, n)).as("length %d", n).isInstanceOf(RtcpException.class);
            }
        }
    }

    @Test
    void bitFlipsAndRandomBytesNeverThrowAnythingButRtcpException() {
        for (String hex : List.of(SR_SDES, RR_SDES_REMB)) {
            byte[] valid = hex(hex);
            for (int bit = 0; bit < valid.length * 8; bit++) {
                byte[] flipped = valid.clone();
                flipped[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
                assertParsesOrRtcpException(flipped);
            }
        }
        Random random = new Random(3550);
        for (int i = 0; i < 50_000; i++) {
            byte[] garbage = new byte[random.nextInt(100)];
            random.nextBytes(garbage);
            if (garbage.length > 0 && i % 2 == 0) {
                garbage[0] = (byte) (0x80 | (garbage[0] & 0x3F)); // version 2, so that more than the first check runs
            }
            assertParsesOrRtcpException(garbage);
        }
    }

    private static void assertParsesOrRtcpException(byte[] data) {
        try {
            List<RtcpPacket> packets = RtcpCodec.parse(data, 0, data.length);
            byte[] again = new byte[RtcpCodec.encodedLength(packets)];
            RtcpCodec.write(packets, again, 0);
            assertThat(RtcpCodec.parse(again, 0, again.length)).as(HexFormat.of().formatHex(data)).isEqualTo(packets);
        } catch (RtcpException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } catch (Throwable t) {
            fail("parse threw " + t + " on " + HexFormat.of().formatHex(data), t);
        }
    }

    private static void assertRejected(String hex, String message) {
        byte[] bytes = hex(hex);
        assertThatThrownBy(() -> RtcpCodec.parse(bytes, 0, bytes.length)).isInstanceOf(RtcpException.class).hasMessage(message);
    }

    // --- NTP ---------------------------------------------------------------------------------------------------------------

    @Test
    void convertsUnixMillisToNtp() {
        assertThat(RtcpCodec.ntpTimestamp(0)).isEqualTo(0x83AA7E80_00000000L); // 1970-01-01 is 2208988800 s after 1900
        assertThat(RtcpCodec.ntpTimestamp(1_500)).isEqualTo(0x83AA7E81_80000000L);
        assertThat(RtcpCodec.ntpTimestamp(250)).isEqualTo(0x83AA7E80_40000000L);
        assertThat(RtcpCodec.ntpTimestamp(-1_000)).isEqualTo(0x83AA7E7F_00000000L);
        // 2036-02-07T06:28:16Z ends NTP era 0: the seconds wrap to 0.
        assertThat(RtcpCodec.ntpTimestamp(2_085_978_496_000L)).isEqualTo(0L);
        long t = RtcpCodec.ntpTimestamp(1_700_000_000_123L);
        assertThat(t >>> 32).isEqualTo(1_700_000_000L + 2_208_988_800L);
        assertThat((t & 0xFFFFFFFFL) * 1000 >>> 32).isEqualTo(122); // 0.123 s, rounded down to the fraction
        assertThat(RtcpCodec.middle32(0x0123456789ABCDEFL)).isEqualTo(0x456789ABL);
    }

    // --- helpers -----------------------------------------------------------------------------------------------------------

    private static byte[] roundTrip(byte[] bytes) throws RtcpException {
        List<RtcpPacket> packets = RtcpCodec.parse(bytes, 0, bytes.length);
        byte[] out = new byte[RtcpCodec.encodedLength(packets)];
        int len = RtcpCodec.write(packets, out, 0);
        assertThat(len).isEqualTo(out.length);
        return out;
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s", ""));
    }
}
