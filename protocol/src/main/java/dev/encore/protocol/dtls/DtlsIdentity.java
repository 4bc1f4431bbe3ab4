package dev.encore.protocol.dtls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Our DTLS certificate and key: a self-signed ECDSA P-256 certificate made at start-up (WebRTC peers trust it through the
 * fingerprint in the SDP, RFC 8827 §6.5). Immutable, shareable by every session.
 *
 * <p>Uses BouncyCastle's lightweight crypto ({@link BcTlsCrypto}), not JCA: on JDK 17 it measured about 1.5 ms of CPU per
 * server handshake (P-256, mutual authentication), and it does not depend on which JCA providers are installed.
 */
public final class DtlsIdentity {
    private static final Duration VALIDITY = Duration.ofDays(30);
    /** Back-date notBefore so a peer whose clock is a little behind ours still accepts the certificate. */
    private static final Duration CLOCK_SKEW = Duration.ofDays(1);
    private static final SignatureAndHashAlgorithm ECDSA_SHA256 =
            SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    private final BcTlsCrypto crypto;
    private final AsymmetricKeyParameter privateKey;
    private final Certificate certificate;
    private final Fingerprint fingerprint;

    private DtlsIdentity(BcTlsCrypto crypto, AsymmetricKeyParameter privateKey, byte[] certificateDer) throws IOException {
        this.crypto = crypto;
        this.privateKey = privateKey;
        TlsCertificate tlsCertificate = crypto.createCertificate(certificateDer);
        this.certificate = new Certificate(new TlsCertificate[] {tlsCertificate});
        this.fingerprint = Fingerprint.sha256(certificateDer);
    }

    /** Generates a fresh key pair and a self-signed certificate valid for 30 days. */
    public static DtlsIdentity generate() {
        SecureRandom random = new SecureRandom();
        // CustomNamedCurves, not ECNamedCurveTable: the latter gives the generic BigInteger curve, whose arithmetic a JFR
        // profile of a join storm showed in every ECDSA signature we make (ServerKeyExchange, CertificateVerify).
        X9ECParameters p256 = CustomNamedCurves.getByOID(SECObjectIdentifiers.secp256r1);
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, p256), random));
        AsymmetricCipherKeyPair keyPair = generator.generateKeyPair();
        try {
            // WebRTC stacks name their certificates "WebRTC"; the name carries no trust, the SDP fingerprint does.
            X500Name name = new X500Name("CN=encore");
            Instant now = Instant.now();
            BigInteger serial = new BigInteger(63, random).add(BigInteger.ONE);
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, serial,
                    Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(VALIDITY)), name,
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(keyPair.getPublic()));
            AlgorithmIdentifier signatureAlgorithm = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
            AlgorithmIdentifier digestAlgorithm = new DefaultDigestAlgorithmIdentifierFinder().find(signatureAlgorithm);
            ContentSigner signer = new BcECContentSignerBuilder(signatureAlgorithm, digestAlgorithm).build(keyPair.getPrivate());
            byte[] der = builder.build(signer).getEncoded();
            return new DtlsIdentity(new BcTlsCrypto(random), keyPair.getPrivate(), der);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding the self-signed certificate failed", e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("BouncyCastle has no SHA256withECDSA signer", e);
        }
    }

    /** The SHA-256 fingerprint to put into SDP. */
    public Fingerprint fingerprint() {
        return fingerprint;
    }

    /** The DER encoding of our certificate. */
    byte[] certificateDer() {
        try {
            return certificate.getCertificateAt(0).getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    BcTlsCrypto crypto() {
        return crypto;
    }

    /** The signing credentials for one handshake: BouncyCastle binds them to that handshake's context. */
    TlsCredentialedSigner signerFor(TlsContext context) {
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey, certificate,
                ECDSA_SHA256);
    }

    @Override
    public String toString() {
        return "DtlsIdentity[" + fingerprint.toSdp() + "]";
    }
}
