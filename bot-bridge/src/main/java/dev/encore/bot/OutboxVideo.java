package dev.encore.bot;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * The video of an outbox row ({@code sendVideo}): the file on disk, uploaded when the row's turn comes (the row's text is
 * its caption), and what Telegram is told about it beforehand.
 *
 * @param file the MP4, e.g. {@code <data-dir>/clips/<show>-run<N>.mp4}; it must still be there when the row is sent
 * @param durationSeconds its length, rounded, or 0 when unknown
 * @param width its width in pixels, or 0 when unknown
 * @param height its height in pixels, or 0 when unknown
 */
public record OutboxVideo(Path file, int durationSeconds, int width, int height) {
    public OutboxVideo {
        requireNonNull(file, "file");
        if (durationSeconds < 0 || width < 0 || height < 0) {
            throw new IllegalArgumentException("video: " + durationSeconds + " s, " + width + "x" + height
                    + " (expected: none negative)");
        }
    }
}
