package dev.encore.show;

import java.nio.file.Path;
import java.util.List;

/**
 * A show as its show file describes it, validated.
 *
 * @param source the file it came from, or null for a built-in show
 * @param id {@code [a-z0-9-]{1,40}}, used in URLs
 * @param title the show's title
 * @param performerKey the secret for publishing and the performer console
 * @param access open or token
 * @param audio the Opus settings
 * @param rtpIngest the (S)RTP ingest port, or null when none
 * @param capacity how many listeners at once ({@code access.capacity}, {@code access.vipSeats}), or null for no limit
 * @param setList the planned songs ({@code setlist}), in order; empty when the file has none (never null)
 */
public record ShowConfig(Path source, String id, String title, Secret performerKey, AccessMode access, AudioSettings audio,
        RtpIngestSettings rtpIngest, Capacity capacity, List<PlannedSong> setList) {

    public ShowConfig {
        setList = setList == null ? List.of() : List.copyOf(setList);
    }

    /** A show without a planned set list. */
    public ShowConfig(Path source, String id, String title, Secret performerKey, AccessMode access, AudioSettings audio,
            RtpIngestSettings rtpIngest, Capacity capacity) {
        this(source, id, title, performerKey, access, audio, rtpIngest, capacity, List.of());
    }

    /** A show without a listener limit. */
    public ShowConfig(Path source, String id, String title, Secret performerKey, AccessMode access, AudioSettings audio,
            RtpIngestSettings rtpIngest) {
        this(source, id, title, performerKey, access, audio, rtpIngest, null, List.of());
    }

    /** This show with {@code songs} as its planned set list. */
    public ShowConfig withSetList(List<PlannedSong> songs) {
        return new ShowConfig(source, id, title, performerKey, access, audio, rtpIngest, capacity, songs);
    }

    /** The planned songs' titles, in order. */
    public List<String> songTitles() {
        return setList.stream().map(PlannedSong::title).toList();
    }
}
