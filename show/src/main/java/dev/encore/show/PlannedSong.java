package dev.encore.show;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A song of a show file's planned set list ({@code setlist:}). Immutable.
 *
 * @param title 1 to {@value #MAX_TITLE} characters, as the set list shows it (plain text, never HTML)
 * @param cueDrops ids of the {@link Drop}s posted when this song starts ({@code cues: [ { drop: vinyl } ]}), in order
 */
public record PlannedSong(String title, List<String> cueDrops) {
    /** The longest title, in characters (code points); the live set list takes the same. */
    public static final int MAX_TITLE = 80;

    public PlannedSong {
        requireNonNull(title, "title");
        cueDrops = cueDrops == null ? List.of() : List.copyOf(cueDrops);
    }

    /** A song without cues. */
    public PlannedSong(String title) {
        this(title, List.of());
    }
}
