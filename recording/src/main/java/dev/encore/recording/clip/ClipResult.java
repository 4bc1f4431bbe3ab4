package dev.encore.recording.clip;

import java.nio.file.Path;

/**
 * A rendered clip.
 *
 * @param file the MP4
 * @param fromSeconds where the clip starts in the recording
 * @param durationSeconds the clip's length (audio and video alike)
 * @param videoCodec the video codec, {@value ClipRenderer#VIDEO_CODEC}
 * @param audioCodec the audio codec, {@value ClipRenderer#AUDIO_CODEC} (carried over from the recording)
 * @param bytes the file's size
 */
public record ClipResult(Path file, double fromSeconds, double durationSeconds, String videoCodec, String audioCodec,
        long bytes) {
}
