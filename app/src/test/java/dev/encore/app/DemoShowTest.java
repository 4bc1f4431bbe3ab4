package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.show.live.SetPhase;
import dev.encore.show.live.ShowState;
import dev.encore.signaling.ShowChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's performer key file and its set driver, which plays the set list through and ends the set. */
class DemoShowTest {
    @TempDir
    Path dir;

    @Test
    void thePerformerKeyIsWrittenOnceOwnerOnlyAndKeptAcrossStarts() throws IOException {
        Path data = dir.resolve("data");
        Secret first = DemoShow.performerKey(data);
        Path file = data.resolve(DemoShow.KEY_FILE);
        // Not written until the server is up (a start refused for bad options writes nothing).
        assertThat(file).doesNotExist();
        assertThat(DemoShow.keepPerformerKey(data, first)).isEqualTo(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first.reveal()).hasSizeGreaterThanOrEqualTo(24);
        assertThat(DemoShow.performerKey(data).reveal()).isEqualTo(first.reveal());
        // Kept: a second start keeps the first key, even when handed another.
        DemoShow.keepPerformerKey(data, DemoShow.performerKey(dir.resolve("elsewhere")));
        assertThat(DemoShow.performerKey(data).reveal()).isEqualTo(first.reveal());
        assertThat(DemoShow.config(first).performerKey().reveal()).isEqualTo(first.reveal());

        Files.writeString(file, "short\n");
        assertThatThrownBy(() -> DemoShow.performerKey(data)).isInstanceOf(IOException.class)
                .hasMessageContaining("5 characters (expected: at least 24; delete the file and a new key is made)")
                .hasMessageNotContaining(first.reveal());
    }

    @Test
    void theSetDriverPlaysEverySongAndEndsTheSet() throws Exception {
        ShowConfig demo = DemoShow.config();
        try (ShowChannel channel = ShowChannel.start(List.of(demo), null, dir.resolve("data"), Clock.systemUTC());
                AutoCloseable driver = DemoShow.startSetDriver(channel, Duration.ofMillis(100))) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            ShowState state = channel.publicSnapshot(DemoShow.ID).get(5, TimeUnit.SECONDS);
            while (state.phase() != SetPhase.ENDED && System.nanoTime() < until) {
                Thread.sleep(50);
                state = channel.publicSnapshot(DemoShow.ID).get(5, TimeUnit.SECONDS);
            }
            assertThat(state.phase()).isEqualTo(SetPhase.ENDED);
            assertThat(state.setList()).hasSize(DemoShow.SONGS.size());
            // Every song was played or is the last one playing when the set ended.
            assertThat(state.setList()).allSatisfy(song -> assertThat(song.played() || song.current()).isTrue());
        }
    }
}
