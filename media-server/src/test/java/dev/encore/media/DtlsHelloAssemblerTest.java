package dev.encore.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.protocol.dtls.DtlsCookieGate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class DtlsHelloAssemblerTest {
    private static final int HEADERS = DtlsHelloAssembler.RECORD_HEADER + DtlsHelloAssembler.HANDSHAKE_HEADER;

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = DtlsHelloAssemblerTest.class.getResourceAsStream("/dtls/" + name)) {
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
    }

    private static byte[] fragmentBody(byte[] datagram) {
        return Arrays.copyOfRange(datagram, HEADERS, datagram.length);
    }

    @Test
    void reassemblesChromiumsTwoFragmentHelloInEitherOrder() throws Exception {
        byte[] a = fixture("chromium-clienthello-fragment-1.hex");
        byte[] b = fixture("chromium-clienthello-fragment-2.hex");
        byte[] expectedBody = new byte[fragmentBody(a).length + fragmentBody(b).length];
        System.arraycopy(fragmentBody(a), 0, expectedBody, 0, fragmentBody(a).length);
        System.arraycopy(fragmentBody(b), 0, expectedBody, fragmentBody(a).length, fragmentBody(b).length);
        assertThat(expectedBody).hasSize(0x585);

        for (byte[][] order : new byte[][][] {{a, b}, {b, a}}) {
            DtlsHelloAssembler assembler = new DtlsHelloAssembler();
            assertThat(assembler.offer(order[0], order[0].length)).isEqualTo(DtlsHelloAssembler.Result.PENDING);
            assertThat(assembler.offer(order[1], order[1].length)).isEqualTo(DtlsHelloAssembler.Result.COMPLETE);
            byte[] hello = assembler.assembled();
            assertThat(hello).hasSize(HEADERS + 0x585);
            assertThat(Arrays.copyOfRange(hello, 0, 3)).containsExactly(22, 0xFE, 0xFF);
            assertThat(((hello[11] & 0xFF) << 8) | (hello[12] & 0xFF)).isEqualTo(12 + 0x585);
            // handshake header: client_hello, length, message_seq 0, offset 0, fragment_length = length
            assertThat(Arrays.copyOfRange(hello, 13, 25)).containsExactly(1, 0, 5, 0x85, 0, 0, 0, 0, 0, 0, 5, 0x85);
            assertThat(Arrays.copyOfRange(hello, HEADERS, hello.length)).isEqualTo(expectedBody);
        }
    }

    @Test
    void theCookieGateAnswersTheReassembledHello() throws Exception {
        byte[] a = fixture("chromium-clienthello-fragment-1.hex");
        byte[] b = fixture("chromium-clienthello-fragment-2.hex");
        DtlsCookieGate gate = new DtlsCookieGate();
        List<byte[]> replies = new ArrayList<>();
        assertThat(gate.admit(new byte[] {127, 0, 0, 1, 1, 2}, a, 0, a.length, replies::add)).isNull();
        assertThat(replies).as("a lone fragment is not answered").isEmpty();

        DtlsHelloAssembler assembler = new DtlsHelloAssembler();
        assembler.offer(a, a.length);
        assembler.offer(b, b.length);
        byte[] hello = assembler.assembled();
        assertThat(gate.admit(new byte[] {127, 0, 0, 1, 1, 2}, hello, 0, hello.length, replies::add)).isNull();
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0)[13]).as("HelloVerifyRequest").isEqualTo((byte) 3);
    }

    @Test
    void passesWholeHellosAndAnythingElseUntouched() throws Exception {
        DtlsHelloAssembler assembler = new DtlsHelloAssembler();
        byte[] a = fixture("chromium-clienthello-fragment-1.hex");
        byte[] whole = a.clone();
        // make the first fragment claim to be the whole message: length := fragment_length
        System.arraycopy(whole, 22, whole, 14, 3);
        assertThat(assembler.offer(whole, whole.length)).isEqualTo(DtlsHelloAssembler.Result.PASS);
        assertThat(assembler.offer(new byte[] {23, (byte) 0xFE, (byte) 0xFD}, 3)).isEqualTo(DtlsHelloAssembler.Result.PASS);
        byte[] appData = a.clone();
        appData[0] = 23;
        assertThat(assembler.offer(appData, appData.length)).isEqualTo(DtlsHelloAssembler.Result.PASS);
        byte[] huge = a.clone();
        huge[14] = 1;                                  // message length 0x010585 > MAX_HELLO
        assertThat(assembler.offer(huge, huge.length)).isEqualTo(DtlsHelloAssembler.Result.PASS);
        byte[] truncated = Arrays.copyOf(a, 100);     // record length beyond the datagram
        assertThat(assembler.offer(truncated, truncated.length)).isEqualTo(DtlsHelloAssembler.Result.PASS);
        assertThat(assembler.assembled()).isNull();
    }
}
