package dev.encore.protocol.stun;

/**
 * An ICE username fragment and password (RFC 8445 §5.3): ufrag at least 4 ice-chars, pwd at least 22.
 *
 * @param ufrag the username fragment
 * @param pwd the password; a secret: never logged
 */
public record IceCredentials(String ufrag, String pwd) {

    /** Fresh random credentials from a {@link java.security.SecureRandom}: 8-char ufrag, 24-char pwd. */
    public static IceCredentials random() {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + ", pwd=****]";
    }
}
