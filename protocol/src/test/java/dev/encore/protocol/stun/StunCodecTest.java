package dev.encore.protocol.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

class StunCodecTest {

    /** RFC 5769 §2: the password of all three samples. */
    private static final String RFC_PWD = "VOkJxbRl1RmTxUk/WvJxBt";
    private static final byte[] RFC_TID = hex("b7e7a701bc34d686fa87dfae");

    /** RFC 5769 §2.1: Binding request, SOFTWARE "STUN test client", PRIORITY, ICE-CONTROLLED, USERNAME "evtj:h6vY". */
    static final byte[] RFC_REQUEST = hex("""
            00010058 2112a442 b7e7a701 bc34d686 fa87dfae
            80220010 5354554e 20746573 7420636c 69656e74
            00240004 6e0001ff
            80290008 932ff9b1 51263b36
            00060009 6576746a 3a683676 59202020
            00080014 9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2
            80280004 e57a3bcf""");

    /** RFC 5769 §2.2: Binding success response, SOFTWARE "test vector", XOR-MAPPED-ADDRESS 192.0.2.1:32853. */
    static final byte[] RFC_IPV4_RESPONSE = hex("""
            0101003c 2112a442 b7e7a701 bc34d686 fa87dfae
            8022000b 74657374 20766563 746f7220
            00200008 0001a147 e112a643
            00080014 2b91f599 fd9e90c3 8c7489f9 2af9ba53 f06be7d7
            80280004 c07d4c96""");

    /** RFC 5769 §2.3: as §2.2 with XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853. */
    static final byte[] RFC_IPV6_RESPONSE = hex("""
            01010048 2112a442 b7e7a701 bc34d686 fa87dfae
            8022000b 74657374 20766563 746f7220
            00200014 0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9
            00080014 a382954e 4be67bf1 1784c97c 8292c275 bfe3ed41
            80280004 c8fb0b4c""");

    private static final IceCredentials RFC_LOCAL = new IceCredentials("evtj", RFC_PWD);

    // --- RFC 5769 vectors -------------------------------------------------------------------------------------------------

    @Test
    void decodesRfc5769SampleRequest() throws StunException {
        BindingRequest request = StunCodec.decodeRequest(RFC_REQUEST, 0, RFC_REQUEST.length, RFC_LOCAL);

        assertThat(request.transactionId()).isEqualTo(RFC_TID);
        assertThat(request.username()).isEqualTo("evtj:h6vY");
        assertThat(request.priority()).isEqualTo(0x6e0001ffL);
        assertThat(request.controlling()).isFalse();
        assertThat(request.useCandidate()).isFalse();
    }

    @Test
    void decodesRequestAtAnOffsetInsideALargerBuffer() throws StunException {
        byte[] buf = new byte[RFC_REQUEST.length + 13];
        Arrays.fill(buf, (byte) 0x5a);
        System.arraycopy(RFC_REQUEST, 0, buf, 7, RFC_REQUEST.length);

        BindingRequest request = StunCodec.decodeRequest(buf, 7, RFC_REQUEST.length, RFC_LOCAL);

        assertThat(request.username()).isEqualTo("evtj:h6vY");
        assertThat(StunCodec.peekUsername(buf, 7, RFC_REQUEST.length)).isEqualTo("evtj:h6vY");
        assertThat(StunCodec.isStun(buf, 7, RFC_REQUEST.length)).isTrue();
    }

    @Test
    void decodesRfc5769Ipv4Response() throws Exception {
        InetSocketAddress mapped = StunCodec.decodeSuccess(RFC_IPV4_RESPONSE, 0, RFC_IPV4_RESPONSE.length, RFC_TID, RFC_PWD);

        assertThat(mapped).isEqualTo(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853));
    }

    @Test
    void decodesRfc5769Ipv6Response() throws Exception {
        InetSocketAddress mapped = StunCodec.decodeSuccess(RFC_IPV6_RESPONSE, 0, RFC_IPV6_RESPONSE.length, RFC_TID, RFC_PWD);

        assertThat(mapped).isEqualTo(
                new InetSocketAddress(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853));
    }

    @Test
    void rfc5769ResponsesFailWithAnotherPassword() {
        assertThatThrownBy(() -> StunCodec.decodeSuccess(RFC_IPV4_RESPONSE, 0, RFC_IPV4_RESPONSE.length, RFC_TID,
                "VOkJxbRl1RmTxUk/WvJxBT"))
                .isInstanceOf(StunException.class).hasMessageContaining("MESSAGE-INTEGRITY does not verify");
        assertThatThrownBy(() -> StunCodec.decodeSuccess(RFC_IPV6_RESPONSE, 0, RFC_IPV6_RESPONSE.length, RFC_TID, "x"))
                .isInstanceOf(StunException.class).hasMessageContaining("MESSAGE-INTEGRITY does not verify");
    }

    @Test
    void rejectsResponseForAnotherTransaction() {
        byte[] other = RFC_TID.clone();
        other[11] ^= 1;
        assertThatThrownBy(() -> StunCodec.decodeSuccess(RFC_IPV4_RESPONSE, 0, RFC_IPV4_RESPONSE.length, other, RFC_PWD))
                .isInstanceOf(StunException.class)
                .hasMessageContaining("transaction id b7e7a701bc34d686fa87dfae is not the one we sent");
    }

    @Test
    void rejectsRequestWithWrongPassword() {
        IceCredentials wrong = new IceCredentials("evtj", "VOkJxbRl1RmTxUk/WvJxBx");
        assertThatThrownBy(() -> StunCodec.decodeRequest(RFC_REQUEST, 0, RFC_REQUEST.length, wrong))
                .isInstanceOf(StunException.class)
                .hasMessage("MESSAGE-INTEGRITY does not verify (expected: HMAC-SHA1 keyed by our ICE password)")
                .hasMessageNotContaining("VOkJ");
    }

    @Test
    void rejectsRequestForAnotherUfrag() {
        for (String ufrag : List.of("evt", "evtjx", "h6vY", "EVTJ")) {
            IceCredentials other = new IceCredentials(ufrag, RFC_PWD);
            assertThatThrownBy(() -> StunCodec.decodeRequest(RFC_REQUEST, 0, RFC_REQUEST.length, other))
                    .as(ufrag)
                    .isInstanceOf(StunException.class)
                    .hasMessage("USERNAME is not for this session (expected: \"" + ufrag + ":<remote ufrag>\")");
        }
    }

    @Test
    void rejectsMessagesThatAreNotBindingRequests() {
        assertThatThrownBy(() -> StunCodec.decodeRequest(RFC_IPV4_RESPONSE, 0, RFC_IPV4_RESPONSE.length, RFC_LOCAL))
                .isInstanceOf(StunException.class)
                .hasMessage("not a Binding request: message type 0x0101 (expected: 0x0001)");
        byte[] error = new StunWriter(0x0111, RFC_TID).attribute(0x0009, hex("00000401")).build();
        assertThatThrownBy(() -> StunCodec.decodeSuccess(error, 0, error.length, RFC_TID, RFC_PWD))
                .isInstanceOf(StunException.class)
                .hasMessage("not a Binding success response: a Binding error response (expected: 0x0101)");
        byte[] indication = new StunWriter(0x0011, RFC_TID).build();
        assertThatThrownBy(() -> StunCodec.decodeRequest(indication, 0, indication.length, RFC_LOCAL))
                .isInstanceOf(StunException.class).hasMessageContaining("message type 0x0011");
    }

    @Test
    void rejectsRequestWithoutUsernameOrIntegrity() {
        byte[] noUsername = new StunWriter(BINDING_REQUEST, RFC_TID).attribute(0x0024, hex("6e0001ff"))
                .integrity(RFC_PWD).fingerprint().build();
        assertThatThrownBy(() -> StunCodec.decodeRequest(noUsername, 0, noUsername.length, RFC_LOCAL))
                .isInstanceOf(StunException.class).hasMessageContaining("no USERNAME");

        byte[] noIntegrity = new StunWriter(BINDING_REQUEST, RFC_TID).attribute(0x0024, hex("6e0001ff"))
                .attribute(0x8029, hex("932ff9b151263b36")).username("evtj:h6vY").fingerprint().build();
        assertThatThrownBy(() -> StunCodec.decodeRequest(noIntegrity, 0, noIntegrity.length, RFC_LOCAL))
                .isInstanceOf(StunException.class).hasMessageContaining("no MESSAGE-INTEGRITY");
    }

    @Test
    void rejectsBadFingerprint() {
        byte[] bad = RFC_REQUEST.clone();
        bad[bad.length - 1] ^= 0x01;
        assertThatThrownBy(() -> StunCodec.decodeRequest(bad, 0, bad.length, RFC_LOCAL))
                .isInstanceOf(StunException.class)
                .hasMessage("FINGERPRINT does not match (expected: CRC-32 of the message xor 0x5354554e)");
    }

    @Test
    void acceptsRequestWithoutFingerprintButStillChecksIntegrity() throws StunException {
        byte[] request = new StunWriter(BINDING_REQUEST, RFC_TID).attribute(0x0024, hex("6e0001ff"))
                .attribute(0x802A, hex("0102030405060708")).attribute(0x0025, new byte[0]).username("evtj:remote")
                .integrity(RFC_PWD).build();

        BindingRequest decoded = StunCodec.decodeRequest(request, 0, request.length, RFC_LOCAL);

        assertThat(decoded.controlling()).isTrue();
        assertThat(decoded.useCandidate()).isTrue();
        assertThat(decoded.username()).isEqualTo("evtj:remote");
        assertThatThrownBy(() -> StunCodec.decodeRequest(request, 0, request.length, new IceCredentials("evtj", "another")))
                .isInstanceOf(StunException.class).hasMessageContaining("MESSAGE-INTEGRITY does not verify");
    }

    @Test
    void rejectsAttributesAfterMessageIntegrity() {
        // RFC 8489 §14.5: only FINGERPRINT may follow; a USE-CANDIDATE smuggled after the HMAC must not count.
        byte[] smuggled = new StunWriter(BINDING_REQUEST, RFC_TID).attribute(0x0024, hex("6e0001ff"))
                .attribute(0x802A, hex("0102030405060708")).username("evtj:remote").integrity(RFC_PWD)
                .attribute(0x0025, new byte[0]).build();
        assertThatThrownBy(() -> StunCodec.decodeRequest(smuggled, 0, smuggled.length, RFC_LOCAL))
                .isInstanceOf(StunException.class)
                .hasMessage("attribute 0x0025 after MESSAGE-INTEGRITY (expected: only FINGERPRINT)");
    }

    @Test
    void rejectsRequestWithoutPriorityOrRole() {
        byte[] noPriority = new StunWriter(BINDING_REQUEST, RFC_TID).attribute(0x802A, hex("0102030405060708"))
                .username("evtj:remote").integrity(RFC_PWD).fingerprint().build();
        assertThatThrownBy(() -> StunCodec.decodeRequest(noPriority, 0, noPriority.length, RFC_LOCAL))
                .isInstanceOf(StunException.class).hasMessageContaining("no PRIORITY");
        byte[] noRole = new StunWriter(BINDING_REQUEST, RFC_TID).attribute(0x0024, hex("6e0001ff"))
                .username("evtj:remote").integrity(RFC_PWD).fingerprint().build();
        assertThatThrownBy(() -> StunCodec.decodeRequest(noRole, 0, noRole.length, RFC_LOCAL))
                .isInstanceOf(StunException.class).hasMessageContaining("neither ICE-CONTROLLING and ICE-CONTROLLED");
    }

    @Test
    void rejectsHeaderProblemsWithClearMessages() {
        assertThatThrownBy(() -> StunCodec.decodeRequest(RFC_REQUEST, 0, 19, RFC_LOCAL))
                .isInstanceOf(StunException.class).hasMessage("STUN message truncated: 19 bytes (expected: at least 20)");
        byte[] cookie = RFC_REQUEST.clone();
        cookie[4] = 0x22;
        assertThatThrownBy(() -> StunCodec.decodeRequest(cookie, 0, cookie.length, RFC_LOCAL))
                .isInstanceOf(StunException.class).hasMessageContaining("magic cookie 0x2212a442 (expected: 0x2112a442)");
        assertThatThrownBy(() -> StunCodec.decodeRequest(RFC_REQUEST, 0, RFC_REQUEST.length - 4, RFC_LOCAL))
                .isInstanceOf(StunException.class)
                .hasMessage("STUN length field 88 does not fit a 104-byte datagram (expected: 84, a multiple of 4)");
        byte[] rtp = hex("80 6f 0001 00000000 12345678 000102030405060708090a0b");
        assertThatThrownBy(() -> StunCodec.decodeRequest(rtp, 0, rtp.length, RFC_LOCAL))
                .isInstanceOf(StunException.class).hasMessageContaining("first byte 0x80");
    }

    // --- isStun / peekUsername --------------------------------------------------------------------------------------------

    @Test
    void isStunChecksBitsCookieAndLength() {
        assertThat(StunCodec.isStun(RFC_REQUEST, 0, RFC_REQUEST.length)).isTrue();
        assertThat(StunCodec.isStun(RFC_IPV6_RESPONSE, 0, RFC_IPV6_RESPONSE.length)).isTrue();
        assertThat(StunCodec.isStun(RFC_REQUEST, 0, RFC_REQUEST.length - 4)).isFalse();
        assertThat(StunCodec.isStun(RFC_REQUEST, 0, 19)).isFalse();
        assertThat(StunCodec.isStun(RFC_REQUEST, 4, RFC_REQUEST.length)).isFalse();
        assertThat(StunCodec.isStun(null, 0, 0)).isFalse();
        byte[] topBits = RFC_REQUEST.clone();
        topBits[0] = 0x40;
        assertThat(StunCodec.isStun(topBits, 0, topBits.length)).isFalse();
        byte[] cookie = RFC_REQUEST.clone();
        cookie[7] = 0;
        assertThat(StunCodec.isStun(cookie, 0, cookie.length)).isFalse();
    }

    @Test
    void peekUsernameReadsOnlyBindingRequests() {
        assertThat(StunCodec.peekUsername(RFC_REQUEST, 0, RFC_REQUEST.length)).isEqualTo("evtj:h6vY");
        assertThat(StunCodec.peekUsername(RFC_IPV4_RESPONSE, 0, RFC_IPV4_RESPONSE.length)).isNull();
        byte[] noUsername = new StunWriter(BINDING_REQUEST, RFC_TID).attribute(0x0024, hex("6e0001ff")).build();
        assertThat(StunCodec.peekUsername(noUsername, 0, noUsername.length)).isNull();
        byte[] lying = new StunWriter(BINDING_REQUEST, RFC_TID).username("abcd:efgh").build();
        lying[23] = 100; // USERNAME claims 100 bytes
        assertThat(StunCodec.peekUsername(lying, 0, lying.length)).isNull();
    }

    // --- client -> server -> client ---------------------------------------------------------------------------------------

    @Test
    void roundTripsACheckFromClientToServerAndBack() throws Exception {
        IceCredentials server = IceCredentials.random();
        IceCredentials client = IceCredentials.random();
        byte[] tid = StunCodec.newTransactionId();

        byte[] check = StunCodec.encodeRequest(tid, client, server, 0x7e7f00ffL, 0x0123456789abcdefL, true);
        assertThat(StunCodec.isStun(check, 0, check.length)).isTrue();
        assertThat(attributeTypes(check)).containsExactly(0x0024, 0x802A, 0x0006, 0x0025, 0x0008, 0x8028);
        assertThat(StunCodec.peekUsername(check, 0, check.length)).isEqualTo(server.ufrag() + ":" + client.ufrag());

        BindingRequest request = StunCodec.decodeRequest(check, 0, check.length, server);
        assertThat(request.transactionId()).isEqualTo(tid);
        assertThat(request.username()).isEqualTo(server.ufrag() + ":" + client.ufrag());
        assertThat(request.priority()).isEqualTo(0x7e7f00ffL);
        assertThat(request.controlling()).isTrue();
        assertThat(request.useCandidate()).isTrue();

        InetSocketAddress from = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 54321);
        byte[] answer = StunCodec.encodeSuccess(request, from, server);
        assertThat(attributeTypes(answer)).containsExactly(0x0020, 0x0008, 0x8028);
        assertThat(Arrays.copyOfRange(answer, 8, 20)).isEqualTo(tid);

        assertThat(StunCodec.decodeSuccess(answer, 0, answer.length, tid, server.pwd())).isEqualTo(from);
        assertThatThrownBy(() -> StunCodec.decodeSuccess(answer, 0, answer.length, tid, client.pwd()))
                .isInstanceOf(StunException.class).hasMessageContaining("MESSAGE-INTEGRITY");
        assertThatThrownBy(() -> StunCodec.decodeRequest(check, 0, check.length, client))
                .isInstanceOf(StunException.class).hasMessageContaining("USERNAME is not for this session");
    }

    @Test
    void roundTripsIpv6AndAnUnnominatedCheck() throws Exception {
        IceCredentials server = new IceCredentials("srvr", "0123456789abcdefghijkl");
        IceCredentials client = new IceCredentials("clnt", "lkjihgfedcba9876543210");
        byte[] tid = StunCodec.newTransactionId();
        byte[] check = StunCodec.encodeRequest(tid, client, server, 1, -1L, false);
        assertThat(attributeTypes(check)).doesNotContain(0x0025, 0x8022);

        BindingRequest request = StunCodec.decodeRequest(check, 0, check.length, server);
        assertThat(request.useCandidate()).isFalse();
        assertThat(request.priority()).isEqualTo(1);

        InetSocketAddress from = new InetSocketAddress(InetAddress.getByName("::1"), 9);
        byte[] answer = StunCodec.encodeSuccess(request, from, server);
        assertThat(StunCodec.decodeSuccess(answer, 0, answer.length, tid, server.pwd())).isEqualTo(from);
    }

    @Test
    void encodesNoSoftwareAttribute() {
        byte[] check = StunCodec.encodeRequest(StunCodec.newTransactionId(), IceCredentials.random(), IceCredentials.random(),
                100, 1, true);
        assertThat(attributeTypes(check)).doesNotContain(0x8022);
    }

    @Test
    void encodeRejectsBadArguments() {
        IceCredentials c = IceCredentials.random();
        assertThatThrownBy(() -> StunCodec.encodeRequest(new byte[11], c, c, 1, 1, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("transactionId: 11 bytes (expected: 12)");
        assertThatThrownBy(() -> StunCodec.encodeRequest(new byte[12], c, c, 0, 1, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("priority: 0");
        BindingRequest request = new BindingRequest(new byte[12], "a:b", false, 1, true);
        assertThatThrownBy(() -> StunCodec.encodeSuccess(request, InetSocketAddress.createUnresolved("x", 1), c))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: a resolved address");
    }

    @Test
    void transactionIdsAreFreshAndTwelveBytes() {
        byte[] a = StunCodec.newTransactionId();
        byte[] b = StunCodec.newTransactionId();
        assertThat(a).hasSize(12);
        assertThat(a).isNotEqualTo(b);
    }

    // --- hostile input ----------------------------------------------------------------------------------------------------

    @Test
    void everyTruncationOfAValidRequestFailsWithStunException() {
        for (int len = 0; len < RFC_REQUEST.length; len++) {
            int n = len;
            assertThatThrownBy(() -> StunCodec.decodeRequest(RFC_REQUEST, 0, n, RFC_LOCAL)).as("length %d", n)
                    .isInstanceOf(StunException.class);
            assertThatThrownBy(() -> StunCodec.decodeSuccess(RFC_IPV4_RESPONSE, 0, Math.min(n, RFC_IPV4_RESPONSE.length - 1),
                    RFC_TID, RFC_PWD)).as("length %d", n).isInstanceOf(StunException.class);
        }
    }

    @Test
    void everyTruncationWithAFixedUpLengthFieldFailsWithStunException() throws StunException {
        // Cut attributes off but keep the header consistent, so the failure comes from deeper inside.
        for (int len = 20; len < RFC_REQUEST.length; len += 1) {
            byte[] cut = Arrays.copyOf(RFC_REQUEST, len);
            cut[2] = (byte) ((len - 20) >> 8);
            cut[3] = (byte) (len - 20);
            if (len == RFC_REQUEST.length - 8) {
                // Only FINGERPRINT cut off: MESSAGE-INTEGRITY was computed with this very length, and FINGERPRINT is optional.
                assertThat(StunCodec.decodeRequest(cut, 0, cut.length, RFC_LOCAL).username()).isEqualTo("evtj:h6vY");
                continue;
            }
            assertThatThrownBy(() -> StunCodec.decodeRequest(cut, 0, cut.length, RFC_LOCAL)).as("length %d", len)
                    .isInstanceOf(StunException.class);
        }
    }

    @Test
    void everySingleBitFlipFailsWithStunException() {
        for (byte[] valid : List.of(RFC_REQUEST, RFC_IPV4_RESPONSE, RFC_IPV6_RESPONSE)) {
            for (int bit = 0; bit < valid.length * 8; bit++) {
                byte[] flipped = valid.clone();
                flipped[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
                int b = bit;
                if (valid == RFC_REQUEST) {
                    assertThatThrownBy(() -> StunCodec.decodeRequest(flipped, 0, flipped.length, RFC_LOCAL))
                            .as("bit %d", b).isInstanceOf(StunException.class);
                } else {
                    assertThatThrownBy(() -> StunCodec.decodeSuccess(flipped, 0, flipped.length, RFC_TID, RFC_PWD))
                            .as("bit %d", b).isInstanceOf(StunException.class);
                }
            }
        }
    }

    @Test
    void randomBytesNeverThrowAnythingButStunException() {
        Random random = new Random(5769);
        for (int i = 0; i < 5_000; i++) {
            byte[] garbage = new byte[random.nextInt(160)];
            random.nextBytes(garbage);
            if (i % 2 == 0 && garbage.length >= 20) {
                // A plausible header so that the attribute walk and ice4j's decoder see the garbage.
                int body = (garbage.length - 20) & ~3;
                garbage = Arrays.copyOf(garbage, 20 + body);
                garbage[0] = (byte) (i % 4 == 0 ? 0x00 : 0x01);
                garbage[1] = (byte) (i % 4 == 0 ? 0x01 : 0x01);
                garbage[2] = (byte) (body >> 8);
                garbage[3] = (byte) body;
                ByteBuffer.wrap(garbage, 4, 4).putInt(StunCodec.MAGIC_COOKIE);
            }
            assertOnlyStunException(garbage);
        }
    }

    @Test
    void randomAttributesInAWellFramedMessageNeverThrowAnythingButStunException() {
        Random random = new Random(8489);
        int[] types = {0x0001, 0x0006, 0x0008, 0x0009, 0x0020, 0x0024, 0x0025, 0x8022, 0x8028, 0x8029, 0x802A, 0x000A, 0x0013,
            0x0016, 0x0012, 0x000C, 0x0003, 0x0004, 0x0019, 0x0017, 0x001A, 0xC057};
        for (int i = 0; i < 5_000; i++) {
            StunWriter writer = new StunWriter(i % 2 == 0 ? BINDING_REQUEST : 0x0101, RFC_TID);
            int count = 1 + random.nextInt(5);
            for (int a = 0; a < count; a++) {
                byte[] value = new byte[random.nextInt(i % 3 == 0 ? 4 : 24)];
                random.nextBytes(value);
                writer.attribute(types[random.nextInt(types.length)], value);
            }
            if (random.nextBoolean()) {
                writer.username("evtj:" + random.nextInt(100));
            }
            if (random.nextBoolean()) {
                writer.integrity(RFC_PWD);
            }
            if (random.nextBoolean()) {
                writer.fingerprint();
            }
            assertOnlyStunException(writer.build());
        }
    }

    private static void assertOnlyStunException(byte[] data) {
        try {
            StunCodec.decodeRequest(data, 0, data.length, RFC_LOCAL);
        } catch (StunException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } catch (Throwable t) {
            fail("decodeRequest threw " + t + " on " + HexFormat.of().formatHex(data), t);
        }
        try {
            StunCodec.decodeSuccess(data, 0, data.length, RFC_TID, RFC_PWD);
        } catch (StunException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } catch (Throwable t) {
            fail("decodeSuccess threw " + t + " on " + HexFormat.of().formatHex(data), t);
        }
        try {
            StunCodec.isStun(data, 0, data.length);
            StunCodec.peekUsername(data, 0, data.length);
        } catch (Throwable t) {
            fail("isStun/peekUsername threw " + t + " on " + HexFormat.of().formatHex(data), t);
        }
    }

    // --- helpers ----------------------------------------------------------------------------------------------------------

    private static final int BINDING_REQUEST = 0x0001;

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s", ""));
    }

    /** Attribute types in order, from a well-formed message. */
    static List<Integer> attributeTypes(byte[] msg) {
        List<Integer> types = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(msg);
        buf.position(20);
        while (buf.remaining() >= 4) {
            int type = buf.getShort() & 0xFFFF;
            int len = buf.getShort() & 0xFFFF;
            types.add(type);
            buf.position(buf.position() + ((len + 3) & ~3));
        }
        return types;
    }

    /** Writes STUN messages by hand (RFC 8489 §5, §14), independent of ice4j, to build test input. */
    static final class StunWriter {
        private final ByteBuffer buf = ByteBuffer.allocate(2048);

        StunWriter(int type, byte[] tid) {
            buf.putShort((short) type).putShort((short) 0).putInt(StunCodec.MAGIC_COOKIE).put(tid);
        }

        StunWriter attribute(int type, byte[] value) {
            buf.putShort((short) type).putShort((short) value.length).put(value);
            while (buf.position() % 4 != 0) {
                buf.put((byte) 0);
            }
            return this;
        }

        StunWriter username(String username) {
            return attribute(0x0006, username.getBytes(StandardCharsets.UTF_8));
        }

        StunWriter integrity(String pwd) {
            setLength(buf.position() - 20 + 24);
            byte[] mac;
            try {
                javax.crypto.Mac hmac = javax.crypto.Mac.getInstance("HmacSHA1");
                hmac.init(new javax.crypto.spec.SecretKeySpec(pwd.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
                hmac.update(buf.array(), 0, buf.position());
                mac = hmac.doFinal();
            } catch (java.security.GeneralSecurityException e) {
                throw new AssertionError(e);
            }
            return attribute(0x0008, mac);
        }

        StunWriter fingerprint() {
            setLength(buf.position() - 20 + 8);
            CRC32 crc = new CRC32();
            crc.update(buf.array(), 0, buf.position());
            return attribute(0x8028, ByteBuffer.allocate(4).putInt((int) (crc.getValue() ^ 0x5354554EL)).array());
        }

        byte[] build() {
            setLength(buf.position() - 20);
            return Arrays.copyOf(buf.array(), buf.position());
        }

        private void setLength(int length) {
            buf.putShort(2, (short) length);
        }
    }
}
