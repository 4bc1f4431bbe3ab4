package dev.encore.recording;

import java.time.Duration;
import java.time.Instant;

/**
 * A song's start in a recording.
 *
 * @param number 1, 2, 3... in the order chapters were recorded ({@code CHAPTER001} in the comments)
 * @param song the set list's index of the song, as the caller gave it
 * @param title the song's title
 * @param at when the song started (wall clock)
 * @param offset where it starts in the recording's playable audio
 */
public record Chapter(int number, int song, String title, Instant at, Duration offset) {

    /** {@code HH:MM:SS.mmm}, the form of the Vorbis comment chapter extension ({@code CHAPTER001=00:01:02.500}). */
    public String timestamp() {
        long ms = offset.toMillis();
        return String.format("%02d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    }
}
