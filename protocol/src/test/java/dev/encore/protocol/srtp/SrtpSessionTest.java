package dev.encore.protocol.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.jitsi.srtp.crypto.JitsiOpenSslProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SrtpSessionTest {
    private static final HexFormat HEX = HexFormat.of();

    // Known-answer vectors from libsrtp's test/srtp_driver.c. The AES-CM master key and salt are those of
    // RFC 3711 Appendix B.3 (key derivation), so a wrong KDF, IV or tag would change these bytes.
    private static final byte[] CM_KEY_SALT = HEX.parseHex("e1f97a0d3e018be0d64fa32c06de4139" + "0ec675ad498afeebb6960b3aabe6");
    private static final byte[] RTP_PLAIN = HEX.parseHex("800f1234decafbadcafebabe" + "abababababababababababababababab");
    private static final byte[] SRTP_CM = HEX.parseHex("800f1234decafbadcafebabe"
            + "4e55dc4ce79978d88ca4d215949d2402" + "b78d6acc99ea179b8dbb");
    private static final byte[] RTCP_PLAIN = HEX.parseHex("81c8000bcafebabe" + "abababababababababababababababab");
    private static final byte[] SRTCP_CM_INDEX_1 = HEX.parseHex("81c8000bcafebabe"
            + "7128035be487b9bdbef89041f977a5a8" + "80000001" + "993e08cd54d6c1230798");

    // RFC 7714 AEAD_AES_128_GCM, same source.
    private static final byte[] GCM_KEY_SALT = HEX.parseHex("000102030405060708090a0b0c0d0e0f" + "a0a1a2a3a4a5a6a7a8a9aaab");
    private static final byte[] SRTP_GCM = HEX.parseHex("800f1234decafbadcafebabe"
            + "c5002ede04cfdd2eb91159e0880aa06e" + "d2976826f796b201df3131a127e8a392");
    private static final byte[] SRTCP_GCM_INDEX_1 = HEX.parseHex("81c8000bcafebabe"
            + "c98b8b5df0392a55852b6c21ac8e7025" + "c52c6fbea2b3b446ea31123ba88ce61e" + "80000001");

    @Test
    void aesCmMatchesKnownAnswer() {
        try (SrtpSession out = SrtpSession.outboundOnly(SrtpProfile.AES_CM_128_HMAC_SHA1_80, CM_KEY_SALT);
                SrtpSession in = SrtpSession.inboundOnly(SrtpProfile.AES_CM_128_HMAC_SHA1_80, CM_KEY_SALT)) {
            byte[] buf = withRoom(RTP_PLAIN);
            int len = out.protectRtp(buf, 0, RTP_PLAIN.length);
            assertThat(Arrays.copyOf(buf, len)).isEqualTo(SRTP_CM);

            assertThat(in.unprotectRtp(buf, 0, len)).isEqualTo(RTP_PLAIN.length);
            assertThat(Arrays.copyOf(buf, RTP_PLAIN.length)).isEqualTo(RTP_PLAIN);
        }
    }

    @Test
    void aesCmRtcpMatchesKnownAnswer() {
        try (SrtpSession out = SrtpSession.outboundOnly(SrtpProfile.AES_CM_128_HMAC_SHA1_80, CM_KEY_SALT);
                SrtpSession in = SrtpSession.inboundOnly(SrtpProfile.AES_CM_128_HMAC_SHA1_80, CM_KEY_SALT)) {
            // The vector carries SRTCP index 1; ours counts from 0, so the second packet is the one to compare.
            out.protectRtcp(withRoom(RTCP_PLAIN), 0, RTCP_PLAIN.length);
            byte[] buf = withRoom(RTCP_PLAIN);
            int len = out.protectRtcp(buf, 0, RTCP_PLAIN.length);
            assertThat(Arrays.copyOf(buf, len)).isEqualTo(SRTCP_CM_INDEX_1);

            assertThat(in.unprotectRtcp(buf, 0, len)).isEqualTo(RTCP_PLAIN.length);
            assertThat(Arrays.copyOf(buf, RTCP_PLAIN.length)).isEqualTo(RTCP_PLAIN);
        }
    }

    @Test
    void gcmMatchesKnownAnswer() {
        try (SrtpSession out = SrtpSession.outboundOnly(SrtpProfile.AEAD_AES_128_GCM, GCM_KEY_SALT);
                SrtpSession in = SrtpSession.inboundOnly(SrtpProfile.AEAD_AES_128_GCM, GCM_KEY_SALT)) {
            byte[] buf = withRoom(RTP_PLAIN);
            int len = out.protectRtp(buf, 0, RTP_PLAIN.length);
            assertThat(Arrays.copyOf(buf, len)).isEqualTo(SRTP_GCM);
            assertThat(in.unprotectRtp(buf, 0, len)).isEqualTo(RTP_PLAIN.length);
            assertThat(Arrays.copyOf(buf, RTP_PLAIN.length)).isEqualTo(RTP_PLAIN);

            out.protectRtcp(withRoom(RTCP_PLAIN), 0, RTCP_PLAIN.length);
            byte[] rtcp = withRoom(RTCP_PLAIN);
            int rtcpLen = out.protectRtcp(rtcp, 0, RTCP_PLAIN.length);
            assertThat(Arrays.copyOf(rtcp, rtcpLen)).isEqualTo(SRTCP_GCM_INDEX_1);
            assertThat(in.unprotectRtcp(rtcp, 0, rtcpLen)).isEqualTo(RTCP_PLAIN.length);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void serverAndClientSessionsRoundTripRtpAndRtcpAtAnOffset(SrtpProfile profile) {
        SrtpKeys keys = randomKeys(profile, 1);
        try (SrtpSession server = SrtpSession.forServer(keys); SrtpSession client = SrtpSession.forClient(keys)) {
            byte[] rtp = rtp(0x1234_5678, 7, 160);
            byte[] buf = new byte[5 + rtp.length + SrtpSession.MAX_OVERHEAD];
            System.arraycopy(rtp, 0, buf, 5, rtp.length);
            int len = server.protectRtp(buf, 5, rtp.length);
            assertThat(len).isEqualTo(rtp.length + profile.tagLength());
            assertThat(Arrays.copyOfRange(buf, 5 + 12, 5 + rtp.length)).isNotEqualTo(Arrays.copyOfRange(rtp, 12, rtp.length));

            assertThat(client.unprotectRtp(buf, 5, len)).isEqualTo(rtp.length);
            assertThat(Arrays.copyOfRange(buf, 5, 5 + rtp.length)).isEqualTo(rtp);

            // RTCP the other way: a listener's receiver report.
            byte[] rr = HEX.parseHex("81c90007" + "0badcafe" + "12345678" + "00000000" + "00000007" + "00000000" + "00000000"
                    + "00000000");
            byte[] rtcp = withRoom(rr);
            int rtcpLen = client.protectRtcp(rtcp, 0, rr.length);
            assertThat(rtcpLen).isEqualTo(rr.length + 4 + profile.tagLength());
            assertThat(server.unprotectRtcp(rtcp, 0, rtcpLen)).isEqualTo(rr.length);
            assertThat(Arrays.copyOf(rtcp, rr.length)).isEqualTo(rr);

            // Our own keys do not decrypt our own packets: the directions use different keys.
            byte[] again = withRoom(rtp(0x1234_5678, 8, 160));
            int againLen = server.protectRtp(again, 0, 12 + 160);
            assertThat(server.unprotectRtp(again, 0, againLen)).isEqualTo(SrtpSession.FAIL_AUTH);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void replayedPacketIsRefused(SrtpProfile profile) {
        SrtpKeys keys = randomKeys(profile, 2);
        try (SrtpSession server = SrtpSession.forServer(keys); SrtpSession client = SrtpSession.forClient(keys)) {
            byte[] buf = withRoom(rtp(42, 1000, 100));
            int len = server.protectRtp(buf, 0, 112);
            byte[] copy = buf.clone();
            assertThat(client.unprotectRtp(buf, 0, len)).isEqualTo(112);
            assertThat(client.unprotectRtp(copy, 0, len)).isEqualTo(SrtpSession.FAIL_REPLAY);

            byte[] rtcp = withRoom(HEX.parseHex("80c80006" + "0000002a" + "0000000000000000" + "00000000" + "00000000"
                    + "00000000"));
            int rtcpLen = server.protectRtcp(rtcp, 0, 28);
            byte[] rtcpCopy = rtcp.clone();
            assertThat(client.unprotectRtcp(rtcp, 0, rtcpLen)).isEqualTo(28);
            assertThat(client.unprotectRtcp(rtcpCopy, 0, rtcpLen)).isEqualTo(SrtpSession.FAIL_REPLAY);

            // Protecting the same sequence number twice would reuse a keystream: refused, not thrown.
            byte[] same = withRoom(rtp(42, 1000, 100));
            assertThat(server.protectRtp(same, 0, 112)).isEqualTo(SrtpSession.FAIL_REPLAY);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void flippedBitFailsAuthentication(SrtpProfile profile) {
        SrtpKeys keys = randomKeys(profile, 3);
        try (SrtpSession server = SrtpSession.forServer(keys); SrtpSession client = SrtpSession.forClient(keys)) {
            for (int bit : new int[] {2 * 8 + 1, 20 * 8 + 3, (112 + profile.tagLength() - 1) * 8}) {
                byte[] buf = withRoom(rtp(7, 100 + bit, 100));
                int len = server.protectRtp(buf, 0, 112);
                buf[bit / 8] ^= (byte) (1 << (bit % 8));
                assertThat(client.unprotectRtp(buf, 0, len)).as("bit %d", bit).isEqualTo(SrtpSession.FAIL_AUTH);
            }
            byte[] rtcp = withRoom(HEX.parseHex("80c80006" + "00000007" + "1111111111111111" + "22222222" + "33333333"
                    + "44444444"));
            int rtcpLen = client.protectRtcp(rtcp, 0, 28);
            rtcp[10] ^= 0x40;
            assertThat(server.unprotectRtcp(rtcp, 0, rtcpLen)).isEqualTo(SrtpSession.FAIL_AUTH);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void truncatedPacketsAreMalformedOrUnauthenticNeverThrown(SrtpProfile profile) {
        SrtpKeys keys = randomKeys(profile, 4);
        try (SrtpSession server = SrtpSession.forServer(keys); SrtpSession client = SrtpSession.forClient(keys)) {
            byte[] packet = withRoom(rtp(9, 1, 40));
            int len = server.protectRtp(packet, 0, 52);
            assertThat(client.unprotectRtp(Arrays.copyOf(packet, 11), 0, 11)).isEqualTo(SrtpSession.FAIL_MALFORMED);
            assertThat(client.unprotectRtp(packet, 0, 12 + profile.tagLength() - 1)).isEqualTo(SrtpSession.FAIL_MALFORMED);
            for (int cut = 0; cut < len; cut++) {
                byte[] copy = Arrays.copyOf(packet, cut);
                assertThat(client.unprotectRtp(copy, 0, cut)).as("cut to %d", cut).isNegative();
            }
            // An extension header whose length points past the packet.
            byte[] lying = rtp(9, 2, 40);
            lying[0] |= 0x10;
            lying[12 + 2] = (byte) 0xFF;
            assertThat(client.unprotectRtp(lying, 0, lying.length)).isEqualTo(SrtpSession.FAIL_MALFORMED);
            assertThat(client.unprotectRtcp(new byte[10], 0, 10)).isEqualTo(SrtpSession.FAIL_MALFORMED);
            assertThat(client.unprotectRtp(null, 0, 0)).isEqualTo(SrtpSession.FAIL_MALFORMED);
            assertThat(client.unprotectRtp(packet, packet.length - 4, 20)).isEqualTo(SrtpSession.FAIL_MALFORMED);
            // The genuine packet still decrypts after all that.
            assertThat(client.unprotectRtp(packet, 0, len)).isEqualTo(52);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void randomBytesNeverThrowNorAuthenticate(SrtpProfile profile) {
        Random random = new Random(profile.ordinal());
        try (SrtpSession client = SrtpSession.forClient(randomKeys(profile, 5))) {
            for (int i = 0; i < 500; i++) {
                byte[] junk = new byte[random.nextInt(120)];
                random.nextBytes(junk);
                if (junk.length > 0 && i % 2 == 0) {
                    junk[0] = (byte) (0x80 | (junk[0] & 0x3F));
                }
                assertThat(client.unprotectRtp(junk, 0, junk.length)).isNegative();
                assertThat(client.unprotectRtcp(junk, 0, junk.length)).isNegative();
            }
        }
    }

    @Test
    void newInboundSsrcsAreCappedAndOnlyAuthenticOnesCount() {
        SrtpKeys keys = randomKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, 6);
        try (SrtpSession server = SrtpSession.forServer(keys); SrtpSession client = SrtpSession.forClient(keys)) {
            byte[] forged = rtp(1_000_000, 1, 20);
            forged = Arrays.copyOf(forged, forged.length + 10);
            for (int i = 0; i < 2 * SrtpSession.MAX_INBOUND_SSRCS; i++) {
                forged[11] = (byte) i;
                assertThat(client.unprotectRtp(forged.clone(), 0, forged.length)).isEqualTo(SrtpSession.FAIL_AUTH);
            }
            // Forged SSRCs took no slots: the cap is reached only by authentic streams.
            for (int ssrc = 0; ssrc < SrtpSession.MAX_INBOUND_SSRCS; ssrc++) {
                byte[] buf = withRoom(rtp(ssrc, 1, 20));
                int len = server.protectRtp(buf, 0, 32);
                assertThat(client.unprotectRtp(buf, 0, len)).isEqualTo(32);
            }
            byte[] buf = withRoom(rtp(SrtpSession.MAX_INBOUND_SSRCS, 1, 20));
            int len = server.protectRtp(buf, 0, 32);
            assertThat(client.unprotectRtp(buf, 0, len)).isEqualTo(SrtpSession.FAIL_MALFORMED);
        }
    }

    @Test
    void misuseIsReportedClearly() {
        assertThatThrownBy(() -> SrtpSession.inboundOnly(SrtpProfile.AES_CM_128_HMAC_SHA1_80, new byte[16]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("master key and salt: 16 bytes (expected: 30 for AES_CM_128_HMAC_SHA1_80)");
        try (SrtpSession in = SrtpSession.inboundOnly(SrtpProfile.AES_CM_128_HMAC_SHA1_80, CM_KEY_SALT);
                SrtpSession out = SrtpSession.outboundOnly(SrtpProfile.AES_CM_128_HMAC_SHA1_80, CM_KEY_SALT)) {
            assertThatThrownBy(() -> in.protectRtp(withRoom(RTP_PLAIN), 0, RTP_PLAIN.length))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("inbound-only");
            assertThatThrownBy(() -> out.protectRtp(RTP_PLAIN.clone(), 0, RTP_PLAIN.length))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("room after the packet: 0 bytes (expected: >= 10)");
            assertThatThrownBy(() -> out.unprotectRtp(SRTP_CM.clone(), 0, SRTP_CM.length))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("outbound-only");
        }
    }

    @Test
    void keysNeverPrint() {
        SrtpKeys keys = new SrtpKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, new byte[] {0x5a}, new byte[] {0x5b},
                new byte[] {0x5c}, new byte[] {0x5d});
        assertThat(keys.toString()).isEqualTo("SrtpKeys[AES_CM_128_HMAC_SHA1_80]");
    }

    @Test
    void preferredProfileIsGcmExactlyWhenTheNativeLibraryLoaded() {
        assertThat(SrtpSession.preferredProfile()).isEqualTo(JitsiOpenSslProvider.isLoaded()
                ? SrtpProfile.AEAD_AES_128_GCM : SrtpProfile.AES_CM_128_HMAC_SHA1_80);
    }

    private static byte[] withRoom(byte[] packet) {
        return Arrays.copyOf(packet, packet.length + SrtpSession.MAX_OVERHEAD);
    }

    /** An RTP packet, Opus payload type 111, with {@code payload} bytes of a repeating pattern. */
    static byte[] rtp(int ssrc, int seq, int payload) {
        byte[] p = new byte[12 + payload];
        p[0] = (byte) 0x80;
        p[1] = 111;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[7] = (byte) 0xA0;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        for (int i = 12; i < p.length; i++) {
            p[i] = (byte) (i * 7);
        }
        return p;
    }

    static SrtpKeys randomKeys(SrtpProfile profile, long seed) {
        Random random = new Random(seed);
        byte[][] parts = new byte[4][];
        for (int i = 0; i < 4; i++) {
            parts[i] = new byte[i < 2 ? profile.keyLength() : profile.saltLength()];
            random.nextBytes(parts[i]);
        }
        return new SrtpKeys(profile, parts[0], parts[2], parts[1], parts[3]);
    }
}
