package dev.encore.recording;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A set recording on disk as its chapters sidecar ({@code <name>.chapters.json}, written by {@link SetRecorder}) describes
 * it: for the highlights clip after the set, and after a restart, when only the files are left. Immutable.
 *
 * @param file the Ogg Opus recording
 * @param showId the show it is of
 * @param runId the show run it is of
 * @param title the show's title, or null
 * @param artist the performer, or null
 * @param startedAt when the recorder started
 * @param duration its playable length: the sidecar's once the recording was closed, else what the file holds (a crash, a
 *     failed write)
 * @param complete true when the recorder closed it (EOS page, final chapters)
 * @param chapters the songs, in the order they started
 */
public record RecordedSet(Path file, String showId, long runId, String title, String artist, Instant startedAt,
        Duration duration, boolean complete, List<Chapter> chapters) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public RecordedSet {
        requireNonNull(file, "file");
        requireNonNull(showId, "showId");
        requireNonNull(startedAt, "startedAt");
        requireNonNull(duration, "duration");
        chapters = List.copyOf(chapters);
    }

    /**
     * Reads the recording {@code recording} (its sidecar next to it).
     *
     * @throws IOException when the sidecar or the recording is missing or unreadable, or the sidecar is not one the
     *     recorder writes
     */
    public static RecordedSet read(Path recording) throws IOException {
        requireNonNull(recording, "recording");
        Path sidecar = ChapterSidecar.jsonPath(recording);
        if (!Files.isRegularFile(sidecar)) {
            throw new IOException("no chapters next to " + recording + " (expected: " + sidecar.getFileName()
                    + ", written by the recorder)");
        }
        return fromSidecar(sidecar, JSON.readTree(sidecar.toFile()));
    }

    /**
     * The latest recording (by start time) of one run of a show in {@code <dataDir>/recordings}; a run restored after a
     * restart mid-set has a file per piece, and the last piece is the one with the end of the set. Empty when there is none.
     * Sidecars that are not the recorder's are skipped.
     */
    public static Optional<RecordedSet> latest(Path dataDir, String showId, long runId) throws IOException {
        requireNonNull(dataDir, "dataDir");
        requireNonNull(showId, "showId");
        Path dir = dataDir.resolve("recordings");
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<Path> sidecars;
        try (Stream<Path> files = Files.list(dir)) {
            sidecars = files.filter(p -> p.getFileName().toString().endsWith(".chapters.json")).sorted().toList();
        }
        RecordedSet best = null;
        for (Path sidecar : sidecars) {
            try {
                JsonNode meta = JSON.readTree(sidecar.toFile());
                if (!showId.equals(meta.path("show").asText()) || meta.path("run").asLong(-1) != runId) {
                    continue;
                }
                RecordedSet set = fromSidecar(sidecar, meta);
                if (best == null || !set.startedAt().isBefore(best.startedAt())) {
                    best = set;
                }
            } catch (IOException | DateTimeException e) {
                // not ours, or its recording is gone: another piece may do
            }
        }
        return Optional.ofNullable(best);
    }

    private static RecordedSet fromSidecar(Path sidecar, JsonNode meta) throws IOException {
        if (!meta.path("file").isTextual() || !meta.path("show").isTextual() || !meta.path("startedAt").isTextual()) {
            throw new IOException("chapters " + sidecar + ": not a recorder's sidecar (expected: file, show and startedAt)");
        }
        Path recording = sidecar.resolveSibling(meta.path("file").asText());
        if (!Files.isRegularFile(recording)) {
            throw new IOException("the recording " + recording + " named by " + sidecar + " is missing (expected: the .opus"
                    + " file next to its chapters)");
        }
        boolean complete = meta.path("complete").asBoolean(false);
        Duration duration = complete && meta.path("durationMillis").asLong(0) > 0
                ? Duration.ofMillis(meta.path("durationMillis").asLong())
                : Duration.ofNanos(OggOpusReader.read(recording).playableSamples() * 1_000_000_000L / 48_000);
        List<Chapter> chapters = new ArrayList<>();
        for (JsonNode c : meta.path("chapters")) {
            chapters.add(new Chapter(c.path("number").asInt(chapters.size() + 1), c.path("song").asInt(),
                    c.path("title").asText(""), Instant.parse(c.path("at").asText(meta.path("startedAt").asText())),
                    Duration.ofMillis(c.path("offsetMillis").asLong())));
        }
        return new RecordedSet(recording, meta.path("show").asText(), meta.path("run").asLong(),
                meta.path("title").isTextual() ? meta.path("title").asText() : null,
                meta.path("artist").isTextual() ? meta.path("artist").asText() : null,
                Instant.parse(meta.path("startedAt").asText()), duration, complete, chapters);
    }
}
