package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.media.PacketTap;
import dev.encore.media.Router;
import dev.encore.recording.RecordingStatus;
import dev.encore.recording.SetRecorder;
import dev.encore.show.live.ShowEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feed side of {@link ShowRecordings}: which events start, chapter and close a recording, history included. */
class ShowRecordingsTest {
    private static final Instant T0 = Instant.parse("2026-05-01T20:00:00Z");

    /** A router that only keeps the tap it is given. */
    private static final class TapRouter implements Router {
        volatile PacketTap tap;

        @Override
        public String showId() {
            return "gig";
        }

        @Override
        public void feed(byte[] rtp, int off, int len) {
        }

        @Override
        public int consumerCount() {
            return 0;
        }

        @Override
        public boolean performerOnline() {
            return true;
        }

        @Override
        public void setRecorderTap(PacketTap tap) {
            this.tap = tap;
        }
    }

    private final TapRouter router = new TapRouter();

    private ShowRecordings recordings(Path dir) {
        return new ShowRecordings(dir, show -> show.equals("gig") ? Optional.of(router) : Optional.empty(),
                SetRecorder.Options.defaults());
    }

    @Test
    void liveSetStartsTapsChaptersAndCloses(@TempDir Path dir) throws Exception {
        try (ShowRecordings recordings = recordings(dir)) {
            recordings.onEvents("gig", 3, List.of(new ShowEvent.SetStarted(T0), new ShowEvent.SongStarted(T0, 0, "One")), false);
            awaitState(recordings, RecordingStatus.State.RECORDING);
            awaitTap(true);
            assertThat(recordings.status("gig").orElseThrow().file().getFileName().toString()).startsWith("gig-run3-");

            recordings.onEvents("gig", 3, List.of(new ShowEvent.SetEnded(T0.plusSeconds(5))), false);
            awaitState(recordings, RecordingStatus.State.CLOSED);
            awaitTap(false);
            assertThat(recordings.status("gig").orElseThrow().chapters()).isEqualTo(1);
        }
    }

    /** What a listener heard: "ended gig#3 CLOSED", "failed gig#3 FAILED". */
    private static final class Heard implements ShowRecordings.Listener {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void recordingEnded(String showId, long runId, RecordingStatus status) {
            calls.add("ended " + showId + "#" + runId + " " + status.state());
        }

        @Override
        public void recordingFailed(String showId, long runId, RecordingStatus status) {
            calls.add("failed " + showId + "#" + runId + " " + status.state());
        }
    }

    @Test
    void theListenerHearsOfTheSetsEndAfterTheFileIsClosedButNotOfAShutdown(@TempDir Path dir) throws Exception {
        Heard heard = new Heard();
        try (ShowRecordings recordings = new ShowRecordings(dir, show -> Optional.of(router), SetRecorder.Options.defaults(),
                heard)) {
            recordings.onEvents("gig", 3, List.of(new ShowEvent.SetStarted(T0)), false);
            recordings.onEvents("gig", 3, List.of(new ShowEvent.SetEnded(T0.plusSeconds(5))), false);
            awaitState(recordings, RecordingStatus.State.CLOSED);
            awaitCalls(heard, 1);
            recordings.onEvents("gig", 4, List.of(new ShowEvent.SetStarted(T0.plusSeconds(60))), false);
            awaitState(recordings, RecordingStatus.State.RECORDING);
        } // the server goes down mid-set: closed, but no set ended
        assertThat(heard.calls).containsExactly("ended gig#3 CLOSED");
    }

    @Test
    void theListenerHearsOfAFailureAndThenOfTheSetsEnd(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("recordings"), "not a folder");
        Heard heard = new Heard();
        try (ShowRecordings recordings = new ShowRecordings(dir, show -> Optional.of(router), SetRecorder.Options.defaults(),
                heard)) {
            recordings.onEvents("gig", 3, List.of(new ShowEvent.SetStarted(T0)), false);
            recordings.onEvents("gig", 3, List.of(new ShowEvent.SetEnded(T0.plusSeconds(5))), false);
            awaitCalls(heard, 2);
            assertThat(router.tap).as("nothing is tapped for a failed recording").isNull();
        }
        assertThat(heard.calls).containsExactly("failed gig#3 FAILED", "ended gig#3 FAILED");
    }

    private static void awaitCalls(Heard heard, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (heard.calls.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(heard.calls).hasSizeGreaterThanOrEqualTo(count);
    }

    @Test
    void historyOfAnEndedSetIsIgnored(@TempDir Path dir) throws Exception {
        try (ShowRecordings recordings = recordings(dir)) {
            recordings.onEvents("gig", 1, List.of(new ShowEvent.SetStarted(T0), new ShowEvent.SongStarted(T0, 0, "One"),
                    new ShowEvent.SetEnded(T0.plusSeconds(60))), true);
            Thread.sleep(200);
            assertThat(recordings.status("gig")).isEmpty();
            assertThat(router.tap).isNull();
        }
        assertThat(opusFiles(dir)).isEmpty();
    }

    @Test
    void aSetRestoredMidwayGetsANewFileOfTheSameRunStartingWithTheCurrentSong(@TempDir Path dir) throws Exception {
        Path first;
        try (ShowRecordings before = recordings(dir)) {
            before.onEvents("gig", 2, List.of(new ShowEvent.SetStarted(T0)), false);
            awaitState(before, RecordingStatus.State.RECORDING);
            first = before.status("gig").orElseThrow().file();
        } // the server went down: closed by shutdown
        try (ShowRecordings after = recordings(dir)) {
            after.onEvents("gig", 2, List.of(new ShowEvent.SetStarted(T0), new ShowEvent.SongStarted(T0, 0, "One"),
                    new ShowEvent.SongStarted(T0.plusSeconds(200), 1, "Two")), true);
            awaitState(after, RecordingStatus.State.RECORDING);
            awaitTap(true);
            RecordingStatus status = after.status("gig").orElseThrow();
            assertThat(status.file()).isNotEqualTo(first);
            assertThat(status.file().getParent()).isEqualTo(first.getParent());
            assertThat(status.file().getFileName().toString()).startsWith("gig-run2-");
        } // chapters wait for the first packet to be placed; closing places them at 0
        Path second = opusFiles(dir).stream().filter(p -> !p.equals(first)).findFirst().orElseThrow();
        assertThat(Files.readString(second.resolveSibling(second.getFileName().toString().replace(".opus", ".chapters.json"))))
                .contains("\"song\": 1, \"title\": \"Two\", \"offsetMillis\": 0").doesNotContain("\"One\"");
        assertThat(opusFiles(dir)).hasSize(2);
    }

    @Test
    void aShowWithoutARouterIsNotRecorded(@TempDir Path dir) throws Exception {
        try (ShowRecordings recordings = recordings(dir)) {
            recordings.onEvents("other", 1, List.of(new ShowEvent.SetStarted(T0)), false);
            Thread.sleep(200);
            assertThat(recordings.status("other")).isEmpty();
        }
    }

    private void awaitTap(boolean set) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((router.tap != null) != set && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(router.tap != null).as("tap set").isEqualTo(set);
    }

    private static void awaitState(ShowRecordings recordings, RecordingStatus.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (recordings.status("gig").map(RecordingStatus::state).orElse(null) != state && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(recordings.status("gig").map(RecordingStatus::state)).hasValue(state);
    }

    private static List<Path> opusFiles(Path dir) throws IOException {
        Path recordings = dir.resolve("recordings");
        if (!Files.isDirectory(recordings)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(recordings)) {
            return files.filter(p -> p.toString().endsWith(".opus")).toList();
        }
    }
}
