package dev.encore.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ArrivalsTest {

    @Test
    void aStormIsFrontLoadedAndAllArriveWithinTheWindow() {
        Arrivals storm = Arrivals.parse("storm:2000@10s");
        assertThat(storm.shape()).isEqualTo(Arrivals.Shape.STORM);
        assertThat(storm.count()).isEqualTo(2000);
        long window = Duration.ofSeconds(10).toNanos();
        long previous = -1;
        int firstQuarter = 0;
        int firstHalf = 0;
        int lastTenth = 0;
        for (int i = 0; i < storm.count(); i++) {
            long t = storm.offsetNanos(i);
            assertThat(t).isGreaterThanOrEqualTo(previous).isGreaterThanOrEqualTo(0).isLessThan(window);
            previous = t;
            firstQuarter += t < window / 4 ? 1 : 0;
            firstHalf += t < window / 2 ? 1 : 0;
            lastTenth += t >= window * 9 / 10 ? 1 : 0;
        }
        assertThat(storm.offsetNanos(0)).isZero();
        // (1 - e^-1) / (1 - e^-4) = 64.4 % in the first quarter; (1 - e^-2) / (1 - e^-4) = 88.1 % in the first half.
        assertThat(firstQuarter).isBetween(1280, 1295);
        assertThat(firstHalf).isBetween(1755, 1770);
        // The end of the window is quiet: about (e^-3.6 - e^-4) / (1 - e^-4) = 0.9 % arrive in the last tenth.
        assertThat(lastTenth).isBetween(10, 30);
    }

    @Test
    void aStormPeaksAtTheStart() {
        Arrivals storm = Arrivals.storm(1000, Duration.ofSeconds(10));
        int firstSecond = 0;
        int lastSecond = 0;
        for (int i = 0; i < 1000; i++) {
            long t = storm.offsetNanos(i);
            firstSecond += t < 1_000_000_000L ? 1 : 0;
            lastSecond += t >= 9_000_000_000L ? 1 : 0;
        }
        assertThat(firstSecond).isGreaterThan(30 * Math.max(1, lastSecond));
        assertThat(firstSecond).isBetween(300, 360); // (1 - e^-0.4) / (1 - e^-4) = 33.6 %
    }

    @Test
    void aRampIsEvenlySpaced() {
        Arrivals ramp = Arrivals.ramp(4, Duration.ofSeconds(2));
        assertThat(ramp.offsetNanos(0)).isZero();
        assertThat(ramp.offsetNanos(1)).isEqualTo(500_000_000L);
        assertThat(ramp.offsetNanos(3)).isEqualTo(1_500_000_000L);
        assertThat(Arrivals.ramp(3, Duration.ZERO).offsetNanos(2)).isZero();
        assertThat(Arrivals.parse("ramp:10@30s").toString()).isEqualTo("ramp:10@30s");
    }

    @Test
    void badSpecsSayWhatIsExpected() {
        assertThatThrownBy(() -> Arrivals.parse("storm:100")).hasMessageContaining("expected: storm:N@WINDOW");
        assertThatThrownBy(() -> Arrivals.parse("burst:10@1s")).hasMessageContaining("expected: storm:N@WINDOW");
        assertThatThrownBy(() -> Arrivals.parse("storm:0@1s")).hasMessageContaining("expected: >= 1");
        assertThatThrownBy(() -> Arrivals.parse("storm:5@0s")).hasMessageContaining("expected: > 0");
        assertThatThrownBy(() -> Arrivals.parse("storm:5@soon")).hasMessageContaining("duration");
    }
}
