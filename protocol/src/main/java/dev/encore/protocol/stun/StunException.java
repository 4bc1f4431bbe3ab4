package dev.encore.protocol.stun;

/** A STUN message that was malformed or failed authentication; the message says what was wrong. */
public final class StunException extends Exception {
    private static final long serialVersionUID = 1L;

    public StunException(String message) {
        super(message);
    }
}
