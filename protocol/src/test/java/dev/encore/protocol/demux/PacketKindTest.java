package dev.encore.protocol.demux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PacketKindTest {

    private static byte[] packet(int b0, int b1, int length) {
        byte[] p = new byte[length];
        p[0] = (byte) b0;
        if (length > 1) {
            p[1] = (byte) b1;
        }
        return p;
    }

    @ParameterizedTest(name = "first byte {0}, second {1} -> {2}")
    @CsvSource({
        // RFC 7983 §7 ranges, both ends of each.
        "0, 1, STUN", "1, 1, STUN", "3, 0, STUN",
        "20, 0, DTLS", "22, 254, DTLS", "63, 0, DTLS",
        // RFC 5761 §4: PT 64..95 with the marker bit set (192..223) is RTCP.
        "128, 111, RTP", "144, 239, RTP", "191, 0, RTP", "128, 96, RTP", "128, 224, RTP", "128, 191, RTP",
        "128, 192, RTCP", "129, 200, RTCP", "128, 201, RTCP", "143, 206, RTCP", "191, 223, RTCP",
        // ZRTP, TURN channels, unassigned.
        "4, 0, UNKNOWN", "16, 0, UNKNOWN", "19, 0, UNKNOWN", "64, 0, UNKNOWN", "79, 0, UNKNOWN", "80, 0, UNKNOWN",
        "127, 0, UNKNOWN", "192, 200, UNKNOWN", "255, 0, UNKNOWN",
    })
    void classifiesByFirstByte(int b0, int b1, PacketKind expected) {
        assertThat(PacketKind.classify(packet(b0, b1, 64), 0, 64)).isEqualTo(expected);
    }

    @Test
    void classifiesAtAnOffset() {
        byte[] buf = new byte[40];
        buf[10] = (byte) 0x80;
        buf[11] = (byte) 200;
        buf[30] = 0x16;
        assertThat(PacketKind.classify(buf, 10, 20)).isEqualTo(PacketKind.RTCP);
        assertThat(PacketKind.classify(buf, 30, 10)).isEqualTo(PacketKind.UNKNOWN); // 10 bytes: shorter than a DTLS record header
        assertThat(PacketKind.classify(buf, 27, 13)).isEqualTo(PacketKind.UNKNOWN); // first byte 0 but only 13 bytes
        buf[27] = 0x16;
        assertThat(PacketKind.classify(buf, 27, 13)).isEqualTo(PacketKind.DTLS);
    }

    @Test
    void tooShortForItsKindIsUnknown() {
        assertThat(PacketKind.classify(packet(0, 1, 19), 0, 19)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(PacketKind.classify(packet(0, 1, 20), 0, 20)).isEqualTo(PacketKind.STUN);
        assertThat(PacketKind.classify(packet(22, 254, 12), 0, 12)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(PacketKind.classify(packet(22, 254, 13), 0, 13)).isEqualTo(PacketKind.DTLS);
        assertThat(PacketKind.classify(packet(128, 111, 11), 0, 11)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(PacketKind.classify(packet(128, 111, 12), 0, 12)).isEqualTo(PacketKind.RTP);
        assertThat(PacketKind.classify(packet(128, 200, 7), 0, 7)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(PacketKind.classify(packet(128, 200, 8), 0, 8)).isEqualTo(PacketKind.RTCP);
        assertThat(PacketKind.classify(packet(128, 200, 1), 0, 1)).isEqualTo(PacketKind.UNKNOWN);
    }

    @Test
    void neverThrowsOnOddArguments() {
        byte[] buf = packet(128, 111, 16);
        assertThat(PacketKind.classify(null, 0, 16)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(PacketKind.classify(buf, 0, 0)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(PacketKind.classify(buf, 0, -1)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(PacketKind.classify(buf, -1, 16)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(PacketKind.classify(buf, 4, 16)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(PacketKind.classify(buf, 16, 1)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(PacketKind.classify(buf, Integer.MAX_VALUE, Integer.MAX_VALUE)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(PacketKind.classify(new byte[0], 0, 0)).isEqualTo(PacketKind.UNKNOWN);

        Random random = new Random(7983);
        for (int i = 0; i < 10_000; i++) {
            byte[] b = new byte[random.nextInt(30)];
            random.nextBytes(b);
            assertThat(PacketKind.classify(b, random.nextInt(5) - 1, random.nextInt(35) - 2)).isNotNull();
        }
    }
}
