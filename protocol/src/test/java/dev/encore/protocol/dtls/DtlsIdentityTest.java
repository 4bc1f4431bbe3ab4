package dev.encore.protocol.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DtlsIdentityTest {
    @Test
    void identityIsASelfSignedP256CertificateMatchingItsFingerprint() throws Exception {
        DtlsIdentity identity = DtlsIdentity.generate();
        byte[] der = identity.certificateDer();
        assertThat(identity.fingerprint().matches(der)).isTrue();
        assertThat(identity.fingerprint().algorithm()).isEqualTo("sha-256");

        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
        certificate.verify(certificate.getPublicKey());
        certificate.checkValidity();
        assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(((ECPublicKey) certificate.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(certificate.getNotAfter().toInstant()).isBetween(Instant.now().plus(Duration.ofDays(29)),
                Instant.now().plus(Duration.ofDays(31)));
        assertThat(DtlsIdentity.generate().fingerprint()).isNotEqualTo(identity.fingerprint());
        assertThat(identity.toString()).isEqualTo("DtlsIdentity[" + identity.fingerprint().toSdp() + "]");
    }
}
