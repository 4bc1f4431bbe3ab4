package dev.encore.protocol.dtls;

/**
 * A certificate fingerprint as carried in SDP {@code a=fingerprint} (RFC 8122 §5).
 *
 * @param algorithm hash function name in lower case, e.g. {@code "sha-256"}
 * @param value the hash bytes
 */
public record Fingerprint(String algorithm, byte[] value) {

    /**
     * Parses the attribute value {@code "sha-256 AB:CD:..."}.
     *
     * @throws IllegalArgumentException naming what was wrong and what was expected
     */
    public static Fingerprint parse(String attributeValue) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The SHA-256 fingerprint of a DER-encoded certificate. */
    public static Fingerprint sha256(byte[] certificateDer) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The attribute value, {@code "sha-256 AB:CD:..."} with upper-case hex. */
    public String toSdp() {
        throw new UnsupportedOperationException("TODO");
    }

    /** True if {@code certificateDer} hashes (with this fingerprint's algorithm) to this value; constant time. */
    public boolean matches(byte[] certificateDer) {
        throw new UnsupportedOperationException("TODO");
    }
}
