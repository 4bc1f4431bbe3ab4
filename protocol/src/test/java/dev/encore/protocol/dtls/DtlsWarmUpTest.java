package dev.encore.protocol.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The in-memory warm-up: real handshakes, counted, bounded by their number and by time, and no threads left behind. */
class DtlsWarmUpTest {

    @Test
    void runsTheHandshakesAskedForAndLeavesNoThread() throws InterruptedException {
        assertThat(DtlsWarmUp.run(3, Duration.ofSeconds(30))).isEqualTo(3);
        Thread.sleep(200);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("encore-dtls-warm-up") && t.isAlive());
    }

    @Test
    void stopsAtItsBudget() {
        // A budget already spent: not even one handshake starts.
        assertThat(DtlsWarmUp.run(1_000, Duration.ZERO)).isZero();
        assertThat(DtlsWarmUp.run(0, Duration.ofSeconds(30))).isZero();
        // A thousand handshakes take seconds (about 3 ms each, both sides): 300 ms stops it early.
        assertThat(DtlsWarmUp.run(1_000, Duration.ofMillis(300))).isLessThan(1_000);
    }
}
