package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    @Test
    void theFirstEventLogsThenOneLinePerIntervalCountsWhatCameBetween() {
        long[] now = {1_000 * S};
        LogThrottle throttle = new LogThrottle(5, TimeUnit.SECONDS, () -> now[0]);

        assertThat(throttle.tick()).as("the first refusal is logged at once").isEqualTo(1);
        for (int i = 0; i < 99; i++) {
            now[0] += S / 50;
            assertThat(throttle.tick()).as("within the interval").isZero();
        }
        now[0] += 4 * S;
        assertThat(throttle.tick()).as("the 99 held back and this one").isEqualTo(100);
        now[0] += S;
        assertThat(throttle.tick()).isZero();
        now[0] += 10 * S;
        assertThat(throttle.tick()).isEqualTo(2);
    }
}
