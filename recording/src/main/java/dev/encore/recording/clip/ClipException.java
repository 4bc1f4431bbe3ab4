package dev.encore.recording.clip;

/**
 * A clip that cannot be made from what was asked: a span with no audio, a missing or unsupported cover image, a recording
 * that is not Ogg Opus. The message is meant for the performer or promoter: what was wrong (expected: ...).
 */
public final class ClipException extends Exception {
    private static final long serialVersionUID = 1L;

    public ClipException(String message) {
        super(message);
    }

    public ClipException(String message, Throwable cause) {
        super(message, cause);
    }
}
