package dev.encore.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recording read back from its sidecar: what the clip after the set (and after a restart) starts from. */
class RecordedSetTest {
    private static final Instant T0 = Instant.parse("2026-11-22T20:15:30Z");
    private static final long N0 = 5_000_000_000L;

    @TempDir
    Path dataDir;

    private SetRecorder record(String show, long run, Instant startedAt, boolean close) {
        SetRecorder recorder = SetRecorder.start(dataDir, show, run, new SetRecorder.SetInfo("Rooftop", "Mira"),
                SetRecorder.Options.defaults().withClocks(Clock.fixed(startedAt, ZoneOffset.UTC), () -> N0)
                        .withQueueCapacity(5000));
        SyntheticSet set = SyntheticSet.threeSongs(N0, 0);
        int next = 0;
        for (SyntheticSet.Packet p : set.packets) {
            while (next < set.songs.size() && N0 + set.songs.get(next).slot() * SyntheticSet.FRAME_NANOS <= p.arrivalNanos()) {
                SyntheticSet.SongStart s = set.songs.get(next++);
                recorder.chapter(s.song(), s.title(), startedAt.plusNanos(s.slot() * SyntheticSet.FRAME_NANOS));
            }
            recorder.onOpus(p.arrivalNanos(), p.sequence(), p.rtpTimestamp(), p.payload(), 0, p.payload().length);
        }
        if (close) {
            recorder.close();
        }
        return recorder;
    }

    @Test
    void aClosedRecordingReadsBackWithItsChaptersAndLength() throws Exception {
        SetRecorder recorder = record("rooftop", 3, T0, true);

        RecordedSet set = RecordedSet.read(recorder.file());

        assertThat(set.file()).isEqualTo(recorder.file());
        assertThat(set.showId()).isEqualTo("rooftop");
        assertThat(set.runId()).isEqualTo(3);
        assertThat(set.title()).isEqualTo("Rooftop");
        assertThat(set.artist()).isEqualTo("Mira");
        assertThat(set.startedAt()).isEqualTo(T0);
        assertThat(set.complete()).isTrue();
        assertThat(set.duration().toMillis()).isCloseTo(11_000, within(20L));
        assertThat(set.chapters()).extracting(Chapter::title).containsExactly("Opening", "Ballad", "Encore");
        assertThat(set.chapters()).extracting(Chapter::song).containsExactly(0, 1, 2);
        assertThat(set.chapters().get(2).offset().toMillis()).isCloseTo(8000, within(20L));
        assertThat(set.chapters().get(1).at()).isEqualTo(T0.plusSeconds(3));
    }

    @Test
    void latestPicksTheLastPieceOfTheRunAndSkipsOtherRunsAndShows() throws Exception {
        record("rooftop", 3, T0, true);
        SetRecorder later = record("rooftop", 3, T0.plusSeconds(600), true);
        record("rooftop", 4, T0.plusSeconds(1200), true);
        record("harbour", 3, T0.plusSeconds(1800), true);
        Files.writeString(dataDir.resolve("recordings/notes.chapters.json"), "{ not json");

        assertThat(RecordedSet.latest(dataDir, "rooftop", 3)).map(RecordedSet::file).hasValue(later.file());
        assertThat(RecordedSet.latest(dataDir, "rooftop", 5)).isEmpty();
        assertThat(RecordedSet.latest(dataDir.resolve("nowhere"), "rooftop", 3)).isEmpty();
    }

    @Test
    void aRecordingThatWasNeverClosedTakesItsLengthFromTheFile() throws Exception {
        SetRecorder open = record("rooftop", 7, T0, false);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (open.status().duration().toMillis() < 10_900 && System.nanoTime() < deadline) {
            Thread.sleep(20); // the recorder's thread writes what was queued
        }
        Thread.sleep(1200); // at least one page period: the last page is on disk

        RecordedSet set = RecordedSet.read(open.file());

        assertThat(set.complete()).isFalse();
        assertThat(set.duration().toMillis()).isGreaterThan(9_000);
        assertThat(set.chapters()).hasSize(3);
        open.close();
    }

    @Test
    void aRecordingWithoutItsSidecarIsAClearError() throws IOException {
        Path lone = Files.createDirectories(dataDir.resolve("recordings")).resolve("lone.opus");
        Files.write(lone, new byte[] {1, 2, 3});

        assertThatThrownBy(() -> RecordedSet.read(lone)).isInstanceOf(IOException.class)
                .hasMessageContaining("no chapters next to").hasMessageContaining("(expected: lone.chapters.json");
    }
}
