package dev.encore.protocol.stun;

import java.security.SecureRandom;

/**
 * An ICE username fragment and password (RFC 8445 §5.3): ufrag at least 4 ice-chars, pwd at least 22.
 *
 * @param ufrag the username fragment
 * @param pwd the password; a secret: never logged
 */
public record IceCredentials(String ufrag, String pwd) {
    // Minimal random() written on the proto-sdp branch so the SDP code can run; the stun owner's version replaces this file.

    /** ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.4). */
    private static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Fresh random credentials from a {@link java.security.SecureRandom}: 8-char ufrag, 24-char pwd. */
    public static IceCredentials random() {
        return new IceCredentials(randomIceChars(8), randomIceChars(24));
    }

    private static String randomIceChars(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ICE_CHARS.charAt(RANDOM.nextInt(ICE_CHARS.length()));
        }
        return new String(out);
    }

    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + ", pwd=****]";
    }
}
