package dev.encore.bot.telegram;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * A video to upload ({@code sendVideo}, https://core.telegram.org/bots/api#sendvideo): an MP4 file from disk with a
 * plain-text caption (at most {@value #MAX_CAPTION} characters) and optional URL buttons, one per row, in a forum topic when
 * {@code threadId} is set. Duration and size help Telegram show it before it has processed the file; 0 leaves them out.
 */
public record OutgoingVideo(long chatId, Integer threadId, Path file, String caption, List<UrlButton> buttons,
        int durationSeconds, int width, int height) {
    /** Telegram's limit for a caption, in characters. */
    public static final int MAX_CAPTION = 1024;

    public OutgoingVideo {
        requireNonNull(file, "file");
        requireNonNull(caption, "caption");
        buttons = buttons == null ? List.of() : List.copyOf(buttons);
        if (caption.length() > MAX_CAPTION) {
            throw new IllegalArgumentException("caption: " + caption.length() + " characters (expected: at most "
                    + MAX_CAPTION + ")");
        }
        if (durationSeconds < 0 || width < 0 || height < 0) {
            throw new IllegalArgumentException("video: " + durationSeconds + " s, " + width + "x" + height
                    + " (expected: none negative)");
        }
    }
}
