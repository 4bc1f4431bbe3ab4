package dev.encore.audio;

/** An Opus packet that cannot be decoded: corrupt, truncated, or longer than the caller's buffer. */
public final class OpusDecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    public OpusDecodeException(String message) {
        super(message);
    }

    public OpusDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
