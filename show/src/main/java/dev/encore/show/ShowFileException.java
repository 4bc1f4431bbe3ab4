package dev.encore.show;

/**
 * A show file that cannot be used. The message names the file, the key and what was expected, e.g.
 * {@code "rooftop.yaml: audio.bitrate: 'loud' is not an integer (expected: 6000..510000)"}.
 */
public final class ShowFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public ShowFileException(String message) {
        super(message);
    }
}
