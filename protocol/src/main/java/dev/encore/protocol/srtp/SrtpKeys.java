package dev.encore.protocol.srtp;

/**
 * Keying material exported from a DTLS-SRTP handshake (RFC 5764 §4.2), split as client key | server key | client salt |
 * server salt. Secret: {@link #toString} never prints it.
 */
public record SrtpKeys(SrtpProfile profile, byte[] clientKey, byte[] clientSalt, byte[] serverKey, byte[] serverSalt) {
    @Override
    public String toString() {
        return "SrtpKeys[" + profile + "]";
    }
}
