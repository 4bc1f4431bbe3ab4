package dev.encore.protocol.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RtpPacketTest {

    /** Opus packet as a browser sends it: PT 111, marker, RFC 8285 one-byte extension (audio level, mid), 3-byte payload. */
    private static final byte[] OPUS_WITH_EXTENSION = hex("""
            90ef 1234 00bb8000 deadbeef
            bede 0002 1080 3230 3100 0000
            fcff fe""");

    /** Two CSRCs, padding of 3 (2 padding bytes + count), payload 0a0b0c0d. */
    private static final byte[] CSRC_AND_PADDING = hex("""
            a2 60 ffff ffffffff 00000001
            11111111 22222222
            0a0b0c0d 0000 03""");

    @Test
    void readsAPacketWithExtension() {
        byte[] p = OPUS_WITH_EXTENSION;
        assertThat(RtpPacket.isValid(p, 0, p.length)).isTrue();
        assertThat(RtpPacket.payloadType(p, 0)).isEqualTo(111);
        assertThat(RtpPacket.marker(p, 0)).isTrue();
        assertThat(RtpPacket.sequenceNumber(p, 0)).isEqualTo(0x1234);
        assertThat(RtpPacket.timestamp(p, 0)).isEqualTo(0x00bb8000L);
        assertThat(RtpPacket.ssrc(p, 0)).isEqualTo(0xdeadbeefL);
        assertThat(RtpPacket.hasExtension(p, 0)).isTrue();
        assertThat(RtpPacket.extensionProfile(p, 0)).isEqualTo(0xBEDE);
        assertThat(RtpPacket.headerLength(p, 0, p.length)).isEqualTo(12 + 4 + 8);
        assertThat(RtpPacket.payloadLength(p, 0, p.length)).isEqualTo(3);
        assertThat(RtpPacket.csrcCount(p, 0)).isZero();
    }

    @Test
    void readsCsrcsAndPadding() {
        byte[] p = CSRC_AND_PADDING;
        assertThat(RtpPacket.isValid(p, 0, p.length)).isTrue();
        assertThat(RtpPacket.hasPadding(p, 0)).isTrue();
        assertThat(RtpPacket.marker(p, 0)).isFalse();
        assertThat(RtpPacket.payloadType(p, 0)).isEqualTo(96);
        assertThat(RtpPacket.sequenceNumber(p, 0)).isEqualTo(65535);
        assertThat(RtpPacket.timestamp(p, 0)).isEqualTo(0xFFFFFFFFL);
        assertThat(RtpPacket.ssrc(p, 0)).isEqualTo(1);
        assertThat(RtpPacket.csrcCount(p, 0)).isEqualTo(2);
        assertThat(RtpPacket.csrc(p, 0, 0)).isEqualTo(0x11111111L);
        assertThat(RtpPacket.csrc(p, 0, 1)).isEqualTo(0x22222222L);
        assertThat(RtpPacket.extensionProfile(p, 0)).isEqualTo(-1);
        assertThat(RtpPacket.headerLength(p, 0, p.length)).isEqualTo(20);
        assertThat(RtpPacket.payloadLength(p, 0, p.length)).isEqualTo(4);
    }

    @Test
    void readsAtAnOffset() {
        byte[] buf = new byte[OPUS_WITH_EXTENSION.length + 9];
        System.arraycopy(OPUS_WITH_EXTENSION, 0, buf, 5, OPUS_WITH_EXTENSION.length);
        assertThat(RtpPacket.isValid(buf, 5, OPUS_WITH_EXTENSION.length)).isTrue();
        assertThat(RtpPacket.ssrc(buf, 5)).isEqualTo(0xdeadbeefL);
        assertThat(RtpPacket.payloadLength(buf, 5, OPUS_WITH_EXTENSION.length)).isEqualTo(3);
    }

    @Test
    void writesAByteExactHeader() {
        byte[] payload = hex("00 fcfffe 00");
        byte[] dst = new byte[32];
        Arrays.fill(dst, (byte) 0x77);

        int len = RtpPacket.write(dst, 2, 111, true, 0x1_0001, 0x1_0000_0002L, 0xcafebabeL, payload, 1, 3);

        assertThat(len).isEqualTo(15);
        assertThat(HexFormat.of().formatHex(dst, 0, 2 + len + 1))
                .isEqualTo("7777" + "80ef0001" + "00000002" + "cafebabe" + "fcfffe" + "77");
        assertThat(RtpPacket.isValid(dst, 2, len)).isTrue();
        assertThat(RtpPacket.payloadLength(dst, 2, len)).isEqualTo(3);
    }

    @Test
    void settersRewriteFieldsInPlace() {
        byte[] p = OPUS_WITH_EXTENSION.clone();
        RtpPacket.setPayloadType(p, 0, 96);
        RtpPacket.setSequenceNumber(p, 0, 65536 + 7);
        RtpPacket.setTimestamp(p, 0, 0xFFFFFFFFL);
        RtpPacket.setSsrc(p, 0, 0x01020304L);
        assertThat(RtpPacket.payloadType(p, 0)).isEqualTo(96);
        assertThat(RtpPacket.marker(p, 0)).isTrue(); // kept
        assertThat(RtpPacket.sequenceNumber(p, 0)).isEqualTo(7);
        assertThat(RtpPacket.timestamp(p, 0)).isEqualTo(0xFFFFFFFFL);
        assertThat(RtpPacket.ssrc(p, 0)).isEqualTo(0x01020304L);
        RtpPacket.setMarker(p, 0, false);
        assertThat(HexFormat.of().formatHex(p, 0, 12)).isEqualTo("9060" + "0007" + "ffffffff" + "01020304");
        // Everything after the fixed header is untouched.
        assertThat(Arrays.copyOfRange(p, 12, p.length)).isEqualTo(Arrays.copyOfRange(OPUS_WITH_EXTENSION, 12, p.length));
    }

    @Test
    void rejectsBadArgumentsWhenWriting() {
        assertThatThrownBy(() -> RtpPacket.write(new byte[20], 0, 128, false, 0, 0, 0, new byte[1], 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("payloadType: 128 (expected: 0..127)");
        assertThatThrownBy(() -> RtpPacket.write(new byte[12], 0, 0, false, 0, 0, 0, new byte[1], 0, 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> RtpPacket.setPayloadType(new byte[12], 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidPackets() {
        assertThat(RtpPacket.isValid(null, 0, 12)).isFalse();
        assertThat(RtpPacket.isValid(OPUS_WITH_EXTENSION, 0, 11)).isFalse();
        assertThat(RtpPacket.isValid(OPUS_WITH_EXTENSION, -1, 12)).isFalse();
        assertThat(RtpPacket.isValid(OPUS_WITH_EXTENSION, 20, 12)).isFalse();

        byte[] v1 = OPUS_WITH_EXTENSION.clone();
        v1[0] = (byte) 0x50;
        assertThat(RtpPacket.isValid(v1, 0, v1.length)).as("version 1").isFalse();

        byte[] rtcpLike = OPUS_WITH_EXTENSION.clone();
        rtcpLike[1] = (byte) 200;
        assertThat(RtpPacket.isValid(rtcpLike, 0, rtcpLike.length)).as("SR seen as RTP").isFalse();

        byte[] tooManyCsrcs = CSRC_AND_PADDING.clone();
        tooManyCsrcs[0] = (byte) 0xAF; // CC = 15: 72 bytes of header in a 31-byte packet
        assertThat(RtpPacket.isValid(tooManyCsrcs, 0, tooManyCsrcs.length)).isFalse();
        assertThat(RtpPacket.headerLength(tooManyCsrcs, 0, tooManyCsrcs.length)).isEqualTo(-1);

        byte[] longExtension = OPUS_WITH_EXTENSION.clone();
        longExtension[15] = 3; // 3 words of extension, only 2 + 3 bytes follow
        assertThat(RtpPacket.isValid(longExtension, 0, longExtension.length)).isFalse();
        assertThat(RtpPacket.isValid(OPUS_WITH_EXTENSION, 0, 14)).as("extension header cut").isFalse();

        byte[] bigPadding = CSRC_AND_PADDING.clone();
        bigPadding[bigPadding.length - 1] = 12; // header is 20 of 27 bytes: at most 7 of padding
        assertThat(RtpPacket.isValid(bigPadding, 0, bigPadding.length)).isFalse();
        bigPadding[bigPadding.length - 1] = 7;
        assertThat(RtpPacket.isValid(bigPadding, 0, bigPadding.length)).isTrue();
        assertThat(RtpPacket.payloadLength(bigPadding, 0, bigPadding.length)).isZero();
        bigPadding[bigPadding.length - 1] = 0;
        assertThat(RtpPacket.isValid(bigPadding, 0, bigPadding.length)).as("padding count 0").isFalse();
    }

    @Test
    void everyTruncationIsCheckedAndNothingThrows() {
        for (byte[] p : new byte[][] {OPUS_WITH_EXTENSION, CSRC_AND_PADDING}) {
            for (int len = 0; len <= p.length; len++) {
                boolean valid = RtpPacket.isValid(p, 0, len);
                if (valid) {
                    int header = RtpPacket.headerLength(p, 0, len);
                    assertThat(header).isBetween(12, len);
                    assertThat(RtpPacket.payloadLength(p, 0, len)).isBetween(0, len - header);
                }
            }
        }
        Random random = new Random(3550);
        for (int i = 0; i < 50_000; i++) {
            byte[] p = new byte[random.nextInt(40)];
            random.nextBytes(p);
            if (p.length > 0) {
                p[0] = (byte) (0x80 | (p[0] & 0x3F));
            }
            if (RtpPacket.isValid(p, 0, p.length)) {
                int header = RtpPacket.headerLength(p, 0, p.length);
                assertThat(header).isBetween(12, p.length);
                assertThat(RtpPacket.payloadLength(p, 0, p.length)).isBetween(0, p.length - header);
                RtpPacket.extensionProfile(p, 0);
                for (int c = 0; c < RtpPacket.csrcCount(p, 0); c++) {
                    RtpPacket.csrc(p, 0, c);
                }
            }
        }
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s", ""));
    }
}
