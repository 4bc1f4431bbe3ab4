package dev.encore.loadtest.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The in-memory warm-up of a listener's Opus decoding: it decodes what it is asked to, within its budget. */
class PacketPathWarmUpTest {

    @Test
    void decodesTheAskedFrames() {
        assertThat(PacketPathWarmUp.run(120, Duration.ofSeconds(30))).isEqualTo(120);
    }

    @Test
    void stopsWhenTheBudgetIsSpent() {
        long t = System.nanoTime();
        int decoded = PacketPathWarmUp.run(1_000_000, Duration.ofMillis(300));
        long millis = (System.nanoTime() - t) / 1_000_000;
        assertThat(decoded).as("stopped early").isLessThan(1_000_000);
        assertThat(millis).as("a budget of 300 ms").isLessThan(5_000);
    }

    @Test
    void waitingForTheCompilerEndsWithinItsBound() {
        long t = System.nanoTime();
        PacketPathWarmUp.awaitCompilerIdle(Duration.ofMillis(600));
        assertThat((System.nanoTime() - t) / 1_000_000).isLessThan(3_000);
    }
}
