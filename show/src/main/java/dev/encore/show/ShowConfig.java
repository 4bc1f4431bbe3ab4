package dev.encore.show;

import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * @param publicUrl how listeners reach this server ({@code publicUrl}, for links in posts), or null when not set
 * @param telegram the bot's settings ({@code telegram:}), or null when the show has no bot
 * @param drops the purchase offers ({@code drops:}) by id, in file order; empty when none (never null)
 * @param recording whether each set is recorded ({@code recording:}, default true)
 * @param highlights how the highlights clip is made ({@code highlights:}); {@link HighlightsSettings#DEFAULT} when absent
 *     (never null)
 */
public record ShowConfig(Path source, String id, String title, Secret performerKey, AccessMode access, AudioSettings audio,
        RtpIngestSettings rtpIngest, Capacity capacity, List<PlannedSong> setList, URI publicUrl, TelegramSettings telegram,
        Map<String, Drop> drops, boolean recording, HighlightsSettings highlights) {

    public ShowConfig {
        setList = setList == null ? List.of() : List.copyOf(setList);
        drops = drops == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(drops));
        highlights = highlights == null ? HighlightsSettings.DEFAULT : highlights;
    }

    /** A show recorded, with the default highlights settings. */
    public ShowConfig(Path source, String id, String title, Secret performerKey, AccessMode access, AudioSettings audio,
            RtpIngestSettings rtpIngest, Capacity capacity, List<PlannedSong> setList, URI publicUrl, TelegramSettings telegram,
            Map<String, Drop> drops) {
        this(source, id, title, performerKey, access, audio, rtpIngest, capacity, setList, publicUrl, telegram, drops, true,
                HighlightsSettings.DEFAULT);
    }

    /** A show without a bot or drops. */
    public ShowConfig(Path source, String id, String title, Secret performerKey, AccessMode access, AudioSettings audio,
            RtpIngestSettings rtpIngest, Capacity capacity, List<PlannedSong> setList) {
        this(source, id, title, performerKey, access, audio, rtpIngest, capacity, setList, null, null, Map.of());
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
        return new ShowConfig(source, id, title, performerKey, access, audio, rtpIngest, capacity, songs, publicUrl, telegram,
                drops, recording, highlights);
    }

    /** This show with recording on or off. */
    public ShowConfig withRecording(boolean on) {
        return new ShowConfig(source, id, title, performerKey, access, audio, rtpIngest, capacity, setList, publicUrl, telegram,
                drops, on, highlights);
    }

    /** The planned songs' titles, in order. */
    public List<String> songTitles() {
        return setList.stream().map(PlannedSong::title).toList();
    }
}
