package dev.encore.protocol.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class FingerprintTest {
    // The a=fingerprint line of RFC 8122 §5's example, with a sha-256 value.
    private static final String SDP = "sha-256 "
            + "4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3F:E4:74:B2:04:C0:FF:A6:FC:C3:9A:41";

    @Test
    void parsesAndPrintsTheSdpForm() {
        Fingerprint fingerprint = Fingerprint.parse(SDP);
        assertThat(fingerprint.algorithm()).isEqualTo("sha-256");
        assertThat(fingerprint.value()).hasSize(32).startsWith(0x4A, 0xAD, 0xB9).endsWith(0x9A, 0x41);
        assertThat(fingerprint.toSdp()).isEqualTo(SDP);
        assertThat(fingerprint).hasToString(SDP);
    }

    @Test
    void acceptsCaseAndSurroundingSpace() {
        Fingerprint fingerprint = Fingerprint.parse("  SHA-256 " + SDP.substring(8).toLowerCase() + " ");
        assertThat(fingerprint).isEqualTo(Fingerprint.parse(SDP));
        assertThat(fingerprint.hashCode()).isEqualTo(Fingerprint.parse(SDP).hashCode());
    }

    @Test
    void rejectsWhatItCannotCheck() {
        assertThatThrownBy(() -> Fingerprint.parse("md5 " + "AB:".repeat(15) + "AB"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fingerprint hash function: 'md5' (expected: sha-256, sha-384, sha-512 or sha-1)");
        assertThatThrownBy(() -> Fingerprint.parse("sha-256"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: '<hash-func> <hex pairs");
        assertThatThrownBy(() -> Fingerprint.parse("sha-256 4A:AD:ZZ"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fingerprint value: '4A:AD:ZZ'");
        assertThatThrownBy(() -> Fingerprint.parse("sha-256 4A:AD"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fingerprint length: 2 bytes (expected: 32 for sha-256)");
    }

    @Test
    void hashesAndMatchesCertificates() throws Exception {
        byte[] der = "not really a certificate".getBytes(StandardCharsets.US_ASCII);
        Fingerprint fingerprint = Fingerprint.sha256(der);
        assertThat(fingerprint.value()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(der));
        assertThat(fingerprint.matches(der)).isTrue();
        assertThat(fingerprint.matches("another".getBytes(StandardCharsets.US_ASCII))).isFalse();

        Fingerprint sha1 = new Fingerprint("sha-1", MessageDigest.getInstance("SHA-1").digest(der));
        assertThat(sha1.matches(der)).isTrue();
        assertThat(Fingerprint.parse(sha1.toSdp())).isEqualTo(sha1);
        Fingerprint sha512 = Fingerprint.of("sha-512", der);
        assertThat(sha512.value()).isEqualTo(MessageDigest.getInstance("SHA-512").digest(der));
    }

    @Test
    void isImmutable() {
        byte[] bytes = new byte[32];
        Fingerprint fingerprint = new Fingerprint("sha-256", bytes);
        bytes[0] = 1;
        fingerprint.value()[1] = 1;
        assertThat(fingerprint.value()).containsOnly(0);
    }
}
