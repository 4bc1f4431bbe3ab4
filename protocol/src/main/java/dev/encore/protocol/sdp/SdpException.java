package dev.encore.protocol.sdp;

/**
 * An SDP that cannot be parsed or answered. The message is safe to return to the client (HTTP 400 body): it says what was
 * wrong and what was expected, e.g. {@code "offer has no audio section with Opus (expected: m=audio ... with a=rtpmap:<pt>
 * opus/48000/2)"}. It never carries a secret ({@code a=ice-pwd} values are masked).
 */
public final class SdpException extends Exception {
    private static final long serialVersionUID = 1L;
    private static final int MAX_QUOTE = 100;

    public SdpException(String message) {
        super(message);
    }

    /** {@code line <n>: "<line>" <problem> (expected: <expected>)}. */
    static SdpException atLine(SdpLine line, String problem, String expected) {
        return atLine(line.number(), line.toString(), problem, expected);
    }

    /** {@code line <n>: "<text>" <problem> (expected: <expected>)}, with {@code text} shortened and made printable. */
    static SdpException atLine(int number, String text, String problem, String expected) {
        return new SdpException("line " + number + ": \"" + quote(text) + "\" " + problem + " (expected: " + expected + ")");
    }

    /** Shortens {@code text} and replaces control and non-ASCII characters, so a hostile line cannot garble a response. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_QUOTE) + 3);
        for (int i = 0; i < text.length() && i < MAX_QUOTE; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        if (text.length() > MAX_QUOTE) {
            out.append("...");
        }
        return out.toString();
    }
}
