package dev.encore.recording.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The post-show report of one show run: what the run's {@link dev.encore.show.live.ShowEvent}s say about taps, listeners,
 * requests, votes, reactions, drops and the performer's connection. Built by {@link #of} (pure), saved with
 * {@link #write}, read back with {@link #fromJson}, summarised for the staff chat by {@link #summary}.
 *
 * <p>Time windows: presence figures (listening time, average listeners) count up to {@link #until}, the end of the set (or
 * "now" while it runs); counters of taps, clicks and sales count every event of the run, also those after the set (people
 * keep clicking the drop link in the group). Time to first audio counts every listener session of the run whose audio
 * started (before, during or after the set), see {@link TimeToFirstAudio}. Durations are in milliseconds, times ISO-8601
 * instants. Immutable.
 *
 * @param version the format of this JSON: {@value #VERSION}; version 1 had no {@code timeToFirstAudio} ({@link #fromJson}
 *     reads it back as null)
 * @param show the show id
 * @param openedAt when the run began
 * @param setStartedAt when the set started, or null when it never did
 * @param setEndedAt when the set ended, or null while it runs (or never started)
 * @param until the end of the presence window: {@code setEndedAt}, else the time the report was made
 * @param setDurationMs from the set's start to its end (or to {@code until}); 0 when it never started
 * @param listenTaps openings of the listener page ({@code /l/{show}?src=...}) by source
 * @param listeners joins, concurrency and listening time
 * @param timeToFirstAudio how long listeners waited for their audio; null only in a version 1 report
 * @param requests song requests
 * @param polls every poll of the run, in order
 * @param songs every song start of the set, in order, with its duration and its reactions
 * @param reactionsOutsideSongs reactions in seconds no song was playing (before the first song or after the set)
 * @param drops every drop that opened or was clicked or sold, in order of first appearance
 * @param performer the performer's audio dropping out during the set
 * @param notes what the report cannot tell (e.g. figures with no source)
 */
public record ShowReport(int version, String show, String openedAt, String setStartedAt, String setEndedAt, String until,
        long setDurationMs, Taps listenTaps, Listeners listeners, TimeToFirstAudio timeToFirstAudio, Requests requests,
        List<PollFigures> polls,
        List<SongFigures> songs, Map<String, Integer> reactionsOutsideSongs, List<DropFigures> drops,
        PerformerFigures performer, List<String> notes) {

    /** The staff summary stays under this many characters. */
    public static final int SUMMARY_MAX = 1_000;
    /** The JSON format {@link #of} writes. */
    public static final int VERSION = 2;
    static final String NO_TIME_TO_FIRST_AUDIO = "time to first audio: no listener's audio started in this run (the media"
            + " server records an AudioStarted event per listener; runs stored before it did have none)";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Counts by source ("telegram", "direct", "other", ...). */
    public record Taps(int total, Map<String, Integer> bySource) {
    }

    /**
     * @param joins distinct listener ids that connected
     * @param peak most listeners connected at once (a listener with two tabs counts once)
     * @param peakAt when the peak was first reached, or null with no listener
     * @param averageDuringSet time-weighted average of listeners connected during the set (during the run when the set never
     *     started)
     * @param listening each listener's total connected time
     */
    public record Listeners(int joins, int peak, String peakAt, double averageDuringSet, Listening listening) {
    }

    /** Per-listener total connected time: percentiles (nearest rank) and a histogram. */
    public record Listening(long p50Ms, long p90Ms, long maxMs, List<Bucket> histogram) {
    }

    /** Listeners whose total time was in [{@code fromMs}, {@code toMs}); {@code toMs} -1 for no upper bound. */
    public record Bucket(String label, long fromMs, long toMs, int listeners) {
    }

    /**
     * Time to first audio: from a listener's WHEP offer reaching the server to the first audio packet the server wrote to it,
     * as the media server measured it (one {@code AudioStarted} event per listener session whose audio started, at any
     * time of the run). A session that joined while the performer's audio was off (before it went on air, or during a
     * drop-out, by the run's {@code OnAir} events) waited for the performer, not for the server: it is counted in
     * {@code waitedForPerformer} and left out of the percentiles. Sessions whose audio never started (left early, failed
     * ICE or DTLS) are in neither. These are media sessions, not listener ids: a listener who reconnects counts again, and
     * a WHEP player without the show channel counts here but not in {@link Listeners#joins}.
     *
     * @param count sessions in the percentiles
     * @param p50Ms median (nearest rank), 0 when {@code count} is 0
     * @param p99Ms 99th percentile (nearest rank), 0 when {@code count} is 0
     * @param maxMs the longest, 0 when {@code count} is 0
     * @param waitedForPerformer sessions left out because they joined while the performer's audio was off
     */
    public record TimeToFirstAudio(int count, long p50Ms, long p99Ms, long maxMs, int waitedForPerformer) {
    }

    public record Requests(int submitted, int upvotes, int accepted, int played, int dismissed) {
    }

    /**
     * @param votes first votes (one per voter)
     * @param changes votes that replaced the voter's earlier choice
     * @param tally the final votes per option (the closing tally, else counted from the votes)
     */
    public record PollFigures(int pollId, String question, List<String> options, int votes, int changes, List<Integer> tally) {
    }

    /** One song start; {@code reactions} by kind (its wire name) in the seconds it played. */
    public record SongFigures(int index, String title, String startedAt, long durationMs, int reactionsTotal,
            Map<String, Integer> reactions) {
    }

    /** A drop: its window, clicks on its link by source, and sales the shop reported. */
    public record DropFigures(String dropId, String openedAt, String closedAt, String closeReason, int clicks,
            Map<String, Integer> clicksBySource, int sold, int orders) {
    }

    /**
     * @param disconnects times the performer's audio stopped (OnAir true to false) while the set was on
     * @param disconnectedMs how long it stayed away in total (until it came back, the set ended, or {@code until})
     * @param consoleDisconnects times the performer's console went offline while the set was on
     */
    public record PerformerFigures(int disconnects, long disconnectedMs, int consoleDisconnects) {
    }

    /**
     * The report of one run.
     *
     * @param events the run's events in order, starting with its {@code ShowOpened}
     * @param now when the report is made (the end of the presence window while the set runs)
     * @throws IllegalArgumentException when {@code events} does not start with a {@code ShowOpened}
     */
    public static ShowReport of(List<dev.encore.show.live.ShowEvent> events, Instant now) {
        return new ReportBuilder(requireNonNull(events, "events"), requireNonNull(now, "now")).build();
    }

    /** This report as (indented) JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report of " + show + " (expected: plain records)", e);
        }
    }

    /** @throws IllegalArgumentException when the text is not a report written by {@link #toJson} */
    public static ShowReport fromJson(String json) {
        try {
            return JSON.readValue(requireNonNull(json, "json"), ShowReport.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("report JSON: " + e.getOriginalMessage() + " (expected: a report written by"
                    + " ShowReport.toJson)", e);
        }
    }

    /**
     * Writes the JSON to {@code file} whole or not at all: a temporary file next to it, forced to disk, then renamed over
     * it (atomically where the file system can). Creates the parent directory.
     */
    public void write(Path file) throws IOException {
        requireNonNull(file, "file");
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(toJson().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The staff-chat summary, plain text under {@link #SUMMARY_MAX} characters, e.g. {@code Rooftop #3 — 412 joined, peak
     * 380, avg 290; first audio in 180 ms (p50), 1.2 s (p99); 57 requests, 1,204 votes; vinyl: 310 clicks, 48 sold;
     * performer dropped twice (14 s)}. Time to first audio is left out when no listener's audio started.
     *
     * @param title the show's title (the show id when null)
     */
    public String summary(String title) {
        StringBuilder s = new StringBuilder(256);
        s.append(title == null || title.isBlank() ? show : title.strip()).append(" — ");
        if (listenTaps.total() > 0) {
            s.append(number(listenTaps.total())).append(" listen taps, ");
        }
        s.append(number(listeners.joins())).append(" joined, peak ").append(number(listeners.peak()))
                .append(", avg ").append(number(Math.round(listeners.averageDuringSet())));
        if (timeToFirstAudio != null && timeToFirstAudio.count() > 0) {
            s.append("; first audio in ").append(shortDuration(timeToFirstAudio.p50Ms())).append(" (p50), ")
                    .append(shortDuration(timeToFirstAudio.p99Ms())).append(" (p99)");
        }
        int votes = polls.stream().mapToInt(PollFigures::votes).sum();
        s.append("; ").append(number(requests.submitted())).append(requests.submitted() == 1 ? " request, " : " requests, ")
                .append(number(votes)).append(votes == 1 ? " vote" : " votes");
        String tail = "; " + performerText();
        for (DropFigures drop : drops) {
            String part = "; " + drop.dropId() + ": " + number(drop.clicks()) + (drop.clicks() == 1 ? " click, " : " clicks, ")
                    + number(drop.sold()) + " sold";
            if (s.length() + part.length() + tail.length() + 16 > SUMMARY_MAX) {
                s.append("; …");
                break;
            }
            s.append(part);
        }
        s.append(tail);
        if (s.length() > SUMMARY_MAX) { // only a very long title gets here
            return s.substring(0, SUMMARY_MAX - 1) + "…";
        }
        return s.toString();
    }

    private String performerText() {
        int n = performer.disconnects();
        if (n == 0) {
            return "performer never dropped";
        }
        String times = n == 1 ? "once" : n == 2 ? "twice" : number(n) + " times";
        return "performer dropped " + times + " (" + duration(performer.disconnectedMs()) + ")";
    }

    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** "180 ms" under a second, else seconds to a tenth: "2.4 s". */
    static String shortDuration(long ms) {
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** "14 s", "2 min 5 s", "1 h 3 min". */
    static String duration(long ms) {
        long seconds = Math.round(ms / 1000.0);
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
        }
        return seconds / 3600 + " h" + (seconds % 3600 / 60 == 0 ? "" : " " + seconds % 3600 / 60 + " min");
    }
}
