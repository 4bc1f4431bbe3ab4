package dev.encore.protocol.sdp;

/** DTLS role negotiation, {@code a=setup} (RFC 4145 §4, RFC 8842 §5). */
public enum Setup {
    ACTPASS, ACTIVE, PASSIVE;

    public String attribute() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
