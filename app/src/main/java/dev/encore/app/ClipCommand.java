package dev.encore.app;

import dev.encore.recording.clip.ClipException;
import dev.encore.recording.clip.ClipRenderer;
import dev.encore.recording.clip.ClipRequest;
import dev.encore.recording.clip.ClipResult;
import dev.encore.show.HighlightsSettings;
import dev.encore.show.ShowConfig;
import dev.encore.show.ShowFileException;
import dev.encore.show.ShowFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code encore clip --show FILE_OR_ID --data-dir DIR (--song N | --from S --to S) [--out clip.mp4]}: renders the
 * highlights clip (issue 7) of the show's latest recording in {@code <data-dir>/recordings}, offline. A song is found by
 * the recording's chapters sidecar ({@code <name>.chapters.json}); without {@code --song} or {@code --from} the longest
 * song is taken (the most requested and voted one needs the run's events, which this command does not read). The clip is
 * trimmed to the show file's {@code highlights.maxSeconds} (60 s for a bare show id) and carries its cover.
 *
 * <p>Exit codes: 0 done, 1 the clip could not be made (no recording, a span without audio, a bad cover, I/O), 2 bad
 * options or show file.
 */
@Command(name = "clip", mixinStandardHelpOptions = true, usageHelpWidth = 110, versionProvider = Main.Version.class,
        description = "Render the highlights clip (MP4: H.264 title card + the set's Opus) from a show's latest recording.")
final class ClipCommand implements Callable<Integer> {
    static final int EXIT_FAILED = 1;
    private static final Pattern SHOW_ID = Pattern.compile("[a-z0-9-]{1,40}");

    @Option(names = "--show", paramLabel = "FILE_OR_ID", required = true,
            description = "the show file (for its title, cover and highlights.maxSeconds) or just the show's id")
    String show;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "encore-data",
            description = "the server's data directory; recordings are in its recordings folder (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--song", paramLabel = "N", description = "the song, 1-based as in the set list")
    Integer song;

    @Option(names = "--from", paramLabel = "SECONDS", description = "the clip's start in the recording, in seconds")
    Double from;

    @Option(names = "--to", paramLabel = "SECONDS", description = "the clip's end in the recording, in seconds")
    Double to;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "clip.mp4", description = "the MP4 (default: ${DEFAULT-VALUE})")
    Path out;

    @Spec
    CommandSpec spec;

    /** A usage problem: exit 2. */
    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TokenCommand.logToStderr();
        try {
            checkOptions();
            ShowConfig config = null;
            String showId = show;
            if (!SHOW_ID.matcher(show).matches() || Files.isRegularFile(Path.of(show))) {
                config = ShowFiles.load(Path.of(show), System.getenv());
                showId = config.id();
            }
            HighlightsSettings highlights = config == null ? HighlightsSettings.DEFAULT : config.highlights();
            RecordingCatalog.Recording recording = RecordingCatalog.latest(dataDir, showId);
            RecordingCatalog.Song span = choose(recording);
            ClipRequest.Builder request = ClipRequest.builder(recording.file())
                    .span(span.fromSeconds(), span.toSeconds())
                    .maxSeconds(highlights.maxSeconds())
                    .coverImage(highlights.cover())
                    .showTitle(config != null ? config.title() : recording.title() != null ? recording.title() : showId)
                    .songTitle(span.title())
                    .performer(recording.artist() != null ? recording.artist() : "");
            ClipResult result = new ClipRenderer().render(request.build(), this.out);
            out.printf(Locale.ROOT, "%s: %.2f s from %.2f s of %s (%s + %s, %d bytes)%n", result.file(),
                    result.durationSeconds(), result.fromSeconds(), recording.file().getFileName(), result.videoCodec(),
                    result.audioCodec(), result.bytes());
            out.flush();
            return 0;
        } catch (UsageException | ShowFileException | IllegalArgumentException e) {
            err.println("encore clip: " + e.getMessage());
            err.flush();
            return Main.EXIT_USAGE;
        } catch (ClipException | IOException e) {
            err.println("encore clip: " + e.getMessage());
            err.flush();
            return EXIT_FAILED;
        }
    }

    private void checkOptions() throws UsageException {
        if (song != null && (from != null || to != null)) {
            throw new UsageException("--song with --from/--to (expected: either --song N or --from S --to S)");
        }
        if ((from == null) != (to == null)) {
            throw new UsageException("--from and --to go together (expected: both, e.g. --from 62 --to 110)");
        }
        if (song != null && song < 1) {
            throw new UsageException("--song " + song + " (expected: 1 for the set list's first song, 2 for the second...)");
        }
        if (from != null && !(from >= 0 && to > from && to < 1e9)) {
            throw new UsageException("--from " + from + " --to " + to + " (expected: 0 <= from < to)");
        }
    }

    private RecordingCatalog.Song choose(RecordingCatalog.Recording recording) throws UsageException, ClipException {
        String name = recording.file().getFileName().toString();
        if (from != null) {
            String title = recording.songAt(from).map(RecordingCatalog.Song::title).orElse("");
            return new RecordingCatalog.Song(-1, title, from, to);
        }
        if (recording.songs().isEmpty()) {
            throw new ClipException("the recording " + name + " has no songs (expected: chapters from"
                    + " set.next during the set; use --from and --to for a span)");
        }
        if (song != null) {
            // A song played twice (set.prev) keeps its first take.
            return recording.song(song).orElseThrow(() -> new UsageException("--song " + song + ": not played in " + name
                    + " (expected: one of " + recording.songNumbers() + ")"));
        }
        return recording.songs().stream().max(Comparator.comparingDouble(RecordingCatalog.Song::length)).orElseThrow();
    }
}
