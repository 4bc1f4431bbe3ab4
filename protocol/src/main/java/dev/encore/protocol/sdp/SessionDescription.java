package dev.encore.protocol.sdp;

/**
 * A parsed SDP (RFC 8866): session-level lines and media sections, each keeping its lines in order so that an encode of a
 * parse gives the same text back. Bounded: a description over 64 KiB, 1,000 lines or 32 media sections is refused.
 */
public final class SessionDescription {

    /**
     * Parses SDP text ({@code \r\n} or {@code \n} line ends).
     *
     * @throws SdpException naming the line and what was expected
     */
    public static SessionDescription parse(String text) throws SdpException {
        throw new UnsupportedOperationException("TODO");
    }

    /** The description as SDP text with {@code \r\n} line ends. */
    public String encode() {
        throw new UnsupportedOperationException("TODO");
    }
}
