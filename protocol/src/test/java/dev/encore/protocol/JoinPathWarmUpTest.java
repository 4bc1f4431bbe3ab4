package dev.encore.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The in-memory warm-up of the join and packet path: it runs what it is asked to, and stops at its budget. */
class JoinPathWarmUpTest {

    @Test
    void runsTheAskedHandshakesJoinsAndPackets() {
        JoinPathWarmUp.Done done = JoinPathWarmUp.run(3, 40, 500, Duration.ofSeconds(60));
        assertThat(done.handshakes()).isEqualTo(3);
        assertThat(done.joins()).isEqualTo(40);
        assertThat(done.packets()).isEqualTo(500);
        assertThat(done.millis()).isNotNegative();
    }

    @Test
    void stopsWhenTheBudgetIsSpent() {
        JoinPathWarmUp.Done done = JoinPathWarmUp.run(0, 10_000_000, 10_000_000, Duration.ofMillis(300));
        assertThat(done.joins()).as("stopped early").isLessThan(10_000_000);
        assertThat(done.packets()).as("stopped early").isLessThan(10_000_000);
        assertThat(done.millis()).isLessThan(5_000);
    }
}
