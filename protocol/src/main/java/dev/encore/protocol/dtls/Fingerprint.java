package dev.encore.protocol.dtls;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * A certificate fingerprint as carried in SDP {@code a=fingerprint} (RFC 8122 §5).
 *
 * @param algorithm hash function name in lower case, e.g. {@code "sha-256"}
 * @param value the hash bytes
 */
public record Fingerprint(String algorithm, byte[] value) {
    // Minimal parse/toSdp written on the proto-sdp branch so the SDP code can run; the dtls owner's version replaces this file.

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    public Fingerprint {
        requireNonNull(algorithm, "algorithm");
        requireNonNull(value, "value");
        value = value.clone();
    }

    /**
     * Parses the attribute value {@code "sha-256 AB:CD:..."}.
     *
     * @throws IllegalArgumentException naming what was wrong and what was expected
     */
    public static Fingerprint parse(String attributeValue) {
        requireNonNull(attributeValue, "attributeValue");
        String[] parts = attributeValue.strip().split(" +");
        if (parts.length != 2 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("fingerprint has " + parts.length + " fields (expected: <hash-function> <hex:hex:...>)");
        }
        String hex = parts[1];
        if (hex.length() % 3 != 2 || hex.length() > 3 * 64) {
            throw new IllegalArgumentException("fingerprint has a bad length (expected: 1 to 64 hex byte pairs separated by ':')");
        }
        byte[] bytes = new byte[(hex.length() + 1) / 3];
        for (int i = 0; i < bytes.length; i++) {
            int hi = Character.digit(hex.charAt(3 * i), 16);
            int lo = Character.digit(hex.charAt(3 * i + 1), 16);
            boolean separatorOk = 3 * i + 2 >= hex.length() || hex.charAt(3 * i + 2) == ':';
            if (hi < 0 || lo < 0 || !separatorOk) {
                throw new IllegalArgumentException("fingerprint has a bad byte at position " + (i + 1)
                        + " (expected: hex byte pairs separated by ':')");
            }
            bytes[i] = (byte) (hi << 4 | lo);
        }
        return new Fingerprint(parts[0].toLowerCase(Locale.ROOT), bytes);
    }

    /** The SHA-256 fingerprint of a DER-encoded certificate. */
    public static Fingerprint sha256(byte[] certificateDer) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The attribute value, {@code "sha-256 AB:CD:..."} with upper-case hex. */
    public String toSdp() {
        StringBuilder out = new StringBuilder(algorithm.length() + 1 + 3 * value.length);
        out.append(algorithm).append(' ');
        for (int i = 0; i < value.length; i++) {
            if (i > 0) {
                out.append(':');
            }
            out.append(HEX[(value[i] >> 4) & 0xf]).append(HEX[value[i] & 0xf]);
        }
        return out.toString();
    }

    /** True if {@code certificateDer} hashes (with this fingerprint's algorithm) to this value; constant time. */
    public boolean matches(byte[] certificateDer) {
        throw new UnsupportedOperationException("TODO");
    }
}
