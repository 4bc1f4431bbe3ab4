package dev.encore.protocol.rtcp;

/** A malformed RTCP packet; the message says what was wrong and what was expected. */
public final class RtcpException extends Exception {
    private static final long serialVersionUID = 1L;

    public RtcpException(String message) {
        super(message);
    }
}
