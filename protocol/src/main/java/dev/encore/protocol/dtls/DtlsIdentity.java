package dev.encore.protocol.dtls;

/**
 * Our DTLS certificate and key: a self-signed ECDSA P-256 certificate made at start-up (WebRTC peers trust it through the
 * fingerprint in the SDP, RFC 8827 §6.5). Immutable, shareable by every session.
 */
public final class DtlsIdentity {

    /** Generates a fresh key pair and a self-signed certificate valid for 30 days. */
    public static DtlsIdentity generate() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The SHA-256 fingerprint to put into SDP. */
    public Fingerprint fingerprint() {
        throw new UnsupportedOperationException("TODO");
    }
}
