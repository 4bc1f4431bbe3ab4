package dev.encore.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.encore.recording.OggOpusReader;
import dev.encore.recording.clip.ClipException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The set recordings of a data directory (issue 7) as {@link dev.encore.recording.SetRecorder} leaves them in its
 * {@code recordings} folder: {@code <name>.opus} with {@code <name>.chapters.json} beside it. A recording is known by its
 * chapters sidecar; files that are not a recorder's (no sidecar, JSON that does not parse, no start time) are passed over.
 * Used by {@code encore clip} and the clip API.
 *
 * <p>Reads the disk on every call (blocking: never on an event loop). Stateless.
 */
final class RecordingCatalog {
    static final String SIDECAR_SUFFIX = ".chapters.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordingCatalog() {
    }

    /**
     * A song of a recording: from its chapter's offset to the next chapter's (the last one to the end of the recording).
     *
     * @param number the song's place in the set list, 1-based (as {@code --song} and the clip API count)
     */
    record Song(int number, String title, double fromSeconds, double toSeconds) {
        double length() {
            return toSeconds - fromSeconds;
        }
    }

    /**
     * One recording.
     *
     * @param name the file's name without {@code .opus}, e.g. {@code demo-run1-20261122-201530}
     * @param durationSeconds the playable length: the sidecar's once the recording was closed, else what the file holds
     * @param complete whether the recorder closed it (false while the set is on, or after a crash)
     * @param songs in the order they were played; a song played twice ({@code set.prev}) appears twice
     */
    record Recording(String name, Path file, String show, long run, String title, String artist, Instant startedAt,
            double durationSeconds, boolean complete, List<Song> songs) {
        Recording {
            songs = List.copyOf(songs);
        }

        /** The first take of set-list song {@code number}. */
        Optional<Song> song(int number) {
            return songs.stream().filter(s -> s.number() == number).findFirst();
        }

        /** The song playing at {@code seconds} into the recording. */
        Optional<Song> songAt(double seconds) {
            return songs.stream().filter(s -> s.fromSeconds() <= seconds && seconds < s.toSeconds()).findFirst();
        }

        /** The set-list numbers of the songs played, each once, e.g. "1, 2". */
        String songNumbers() {
            return String.join(", ", songs.stream().map(s -> String.valueOf(s.number())).distinct().toList());
        }
    }

    /** A parsed sidecar whose recording's length is not known yet (that may mean reading the whole file). */
    private record Entry(String name, Path sidecar, JsonNode meta, Instant startedAt) {
        Path file() {
            return sidecar.resolveSibling(meta.path("file").asText(name + ".opus"));
        }
    }

    private static final Comparator<Entry> NEWEST_FIRST = Comparator.comparing(Entry::startedAt)
            .thenComparing(Entry::name).reversed();

    /** The show's recordings, newest first; empty when there are none (or no recordings folder). */
    static List<Recording> list(Path dataDir, String showId) throws IOException {
        List<Recording> recordings = new ArrayList<>();
        for (Entry entry : entries(dataDir, showId)) {
            if (Files.isRegularFile(entry.file())) { // a sidecar without its file is no recording to offer
                recordings.add(load(entry));
            }
        }
        return recordings;
    }

    /**
     * The show's latest recording (by its start time).
     *
     * @throws ClipException when there is none, or its Ogg Opus file is missing; the message says what was expected
     */
    static Recording latest(Path dataDir, String showId) throws ClipException, IOException {
        Path dir = dataDir.resolve("recordings");
        if (!Files.isDirectory(dir)) {
            throw new ClipException("no recordings in " + dataDir + " (expected: a data directory with a recordings folder,"
                    + " as the server writes when a set of a show with recording: true was played)");
        }
        List<Entry> entries = entries(dataDir, showId);
        if (entries.isEmpty()) {
            throw new ClipException("no recording of show " + showId + " in " + dir
                    + " (expected: a set of that show recorded by the server with this data directory)");
        }
        Entry latest = entries.get(0);
        if (!Files.isRegularFile(latest.file())) {
            throw new ClipException("the recording " + latest.file() + " named by " + latest.sidecar() + " is missing"
                    + " (expected: the .opus file next to its chapters)");
        }
        return load(latest);
    }

    private static List<Entry> entries(Path dataDir, String showId) throws IOException {
        Path dir = dataDir.resolve("recordings");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> sidecars;
        try (Stream<Path> files = Files.list(dir)) {
            sidecars = files.filter(p -> p.getFileName().toString().endsWith(SIDECAR_SUFFIX)).toList();
        }
        List<Entry> entries = new ArrayList<>();
        for (Path sidecar : sidecars) {
            JsonNode meta;
            try {
                meta = JSON.readTree(sidecar.toFile());
            } catch (IOException e) {
                continue; // not ours, or unreadable: another recording may do
            }
            if (meta == null || !showId.equals(meta.path("show").asText()) || !meta.path("startedAt").isTextual()) {
                continue;
            }
            Instant startedAt;
            try {
                startedAt = Instant.parse(meta.path("startedAt").asText());
            } catch (DateTimeParseException e) {
                continue;
            }
            String fileName = sidecar.getFileName().toString();
            entries.add(new Entry(fileName.substring(0, fileName.length() - SIDECAR_SUFFIX.length()), sidecar, meta,
                    startedAt));
        }
        entries.sort(NEWEST_FIRST);
        return entries;
    }

    private static Recording load(Entry entry) throws IOException {
        JsonNode meta = entry.meta();
        Path file = entry.file();
        boolean complete = meta.path("complete").asBoolean(false);
        double duration = complete && meta.path("durationMillis").asLong(0) > 0
                ? meta.path("durationMillis").asLong() / 1000.0
                : OggOpusReader.read(file).playableSamples() / 48_000.0; // still recording, or a crash
        return new Recording(entry.name(), file, meta.path("show").asText(), meta.path("run").asLong(),
                meta.path("title").isTextual() ? meta.path("title").asText() : null,
                meta.path("artist").isTextual() ? meta.path("artist").asText() : null,
                entry.startedAt(), duration, complete, songs(meta, duration));
    }

    /** Each chapter from its offset to the next one's (the last to the end of the recording). */
    static List<Song> songs(JsonNode meta, double durationSeconds) {
        List<Song> songs = new ArrayList<>();
        JsonNode chapters = meta.path("chapters");
        for (int i = 0; i < chapters.size(); i++) {
            JsonNode c = chapters.get(i);
            double start = c.path("offsetMillis").asLong() / 1000.0;
            double end = i + 1 < chapters.size() ? chapters.get(i + 1).path("offsetMillis").asLong() / 1000.0 : durationSeconds;
            songs.add(new Song(c.path("song").asInt() + 1, c.path("title").asText(""), start, Math.max(start, end)));
        }
        return songs;
    }
}
