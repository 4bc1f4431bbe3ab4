package dev.encore.protocol.stun;

import java.security.SecureRandom;

/**
 * An ICE username fragment and password (RFC 8445 §5.3): ufrag at least 4 ice-chars, pwd at least 22.
 *
 * @param ufrag the username fragment
 * @param pwd the password; a secret: never logged
 */
public record IceCredentials(String ufrag, String pwd) {

    /** RFC 8839 §5.4 ice-char: ALPHA / DIGIT / "+" / "/". */
    static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static final int UFRAG_LENGTH = 8;
    static final int PWD_LENGTH = 24;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Fresh random credentials from a {@link java.security.SecureRandom}: 8-char ufrag, 24-char pwd. */
    public static IceCredentials random() {
        return new IceCredentials(randomIceChars(UFRAG_LENGTH), randomIceChars(PWD_LENGTH));
    }

    private static String randomIceChars(int n) {
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            out[i] = ICE_CHARS.charAt(RANDOM.nextInt(ICE_CHARS.length())); // 64 symbols: 6 bits each, unbiased
        }
        return new String(out);
    }

    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + ", pwd=****]";
    }
}
