package dev.encore.show;

import static java.util.Objects.requireNonNull;

/**
 * A song of a show file's planned set list ({@code setlist:}). Later issues add the song's cues. Immutable.
 *
 * @param title 1 to {@value #MAX_TITLE} characters, as the set list shows it (plain text, never HTML)
 */
public record PlannedSong(String title) {
    /** The longest title, in characters (code points); the live set list takes the same. */
    public static final int MAX_TITLE = 80;

    public PlannedSong {
        requireNonNull(title, "title");
    }
}
