package dev.encore.protocol.sdp;

/**
 * An SDP that cannot be parsed or answered. The message is safe to return to the client (HTTP 400 body): it says what was
 * wrong and what was expected, e.g. {@code "offer has no audio section with Opus (expected: m=audio ... with a=rtpmap:<pt>
 * opus/48000/2)"}.
 */
public final class SdpException extends Exception {
    private static final long serialVersionUID = 1L;

    public SdpException(String message) {
        super(message);
    }
}
