package dev.encore.protocol.dtls;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A certificate fingerprint as carried in SDP {@code a=fingerprint} (RFC 8122 §5).
 *
 * <p>Supported hash functions: {@code sha-1}, {@code sha-256}, {@code sha-384}, {@code sha-512} (the IANA "Hash Function
 * Textual Names" that browsers send; RFC 8122 §5 forbids MD2 and MD5). Immutable; {@link #value()} returns a copy.
 *
 * @param algorithm hash function name in lower case, e.g. {@code "sha-256"}
 * @param value the hash bytes
 */
public record Fingerprint(String algorithm, byte[] value) {
    private static final HexFormat HEX = HexFormat.ofDelimiter(":").withUpperCase();

    public Fingerprint {
        requireNonNull(algorithm, "algorithm");
        requireNonNull(value, "value");
        algorithm = algorithm.toLowerCase(Locale.ROOT);
        int expected = digestLength(algorithm);
        if (value.length != expected) {
            throw new IllegalArgumentException(
                    "fingerprint length: " + value.length + " bytes (expected: " + expected + " for " + algorithm + ")");
        }
        value = value.clone();
    }

    /**
     * Parses the attribute value {@code "sha-256 AB:CD:..."}.
     *
     * @throws IllegalArgumentException naming what was wrong and what was expected
     */
    public static Fingerprint parse(String attributeValue) {
        requireNonNull(attributeValue, "attributeValue");
        String trimmed = attributeValue.strip();
        int space = trimmed.indexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException(
                    "fingerprint: '" + attributeValue + "' (expected: '<hash-func> <hex pairs separated by ':'>')");
        }
        String algorithm = trimmed.substring(0, space).toLowerCase(Locale.ROOT);
        digestLength(algorithm);
        String hex = trimmed.substring(space + 1).strip();
        byte[] bytes;
        try {
            bytes = HEX.parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "fingerprint value: '" + hex + "' (expected: upper- or lower-case hex pairs separated by ':')", e);
        }
        return new Fingerprint(algorithm, bytes);
    }

    /** The SHA-256 fingerprint of a DER-encoded certificate. */
    public static Fingerprint sha256(byte[] certificateDer) {
        requireNonNull(certificateDer, "certificateDer");
        return new Fingerprint("sha-256", digest("sha-256", certificateDer));
    }

    /** The fingerprint of a DER-encoded certificate with the named hash function (e.g. to report what a peer sent). */
    static Fingerprint of(String algorithm, byte[] certificateDer) {
        requireNonNull(algorithm, "algorithm");
        requireNonNull(certificateDer, "certificateDer");
        String name = algorithm.toLowerCase(Locale.ROOT);
        digestLength(name);
        return new Fingerprint(name, digest(name, certificateDer));
    }

    /** A copy of the hash bytes. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The attribute value, {@code "sha-256 AB:CD:..."} with upper-case hex. */
    public String toSdp() {
        return algorithm + " " + HEX.formatHex(value);
    }

    /** True if {@code certificateDer} hashes (with this fingerprint's algorithm) to this value; constant time. */
    public boolean matches(byte[] certificateDer) {
        requireNonNull(certificateDer, "certificateDer");
        // MessageDigest.isEqual compares in time independent of where the first difference is.
        return MessageDigest.isEqual(digest(algorithm, certificateDer), value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint other && algorithm.equals(other.algorithm) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * algorithm.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return toSdp();
    }

    private static int digestLength(String algorithm) {
        return switch (algorithm) {
            case "sha-1" -> 20;
            case "sha-256" -> 32;
            case "sha-384" -> 48;
            case "sha-512" -> 64;
            default -> throw new IllegalArgumentException(
                    "fingerprint hash function: '" + algorithm + "' (expected: sha-256, sha-384, sha-512 or sha-1)");
        };
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            // "sha-256" -> "SHA-256": the JCA names match the IANA textual names up to case.
            return MessageDigest.getInstance(algorithm.toUpperCase(Locale.ROOT)).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + algorithm, e);
        }
    }
}
