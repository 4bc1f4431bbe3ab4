package dev.encore.show;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void parsesEachUnit() {
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse(" 4H ")).isEqualTo(Duration.ofHours(4));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("0s")).isEqualTo(Duration.ZERO);
    }

    @Test
    void refusesAnythingElseWithoutQuotingIt() {
        for (String text : new String[] {"", "10", "m", "1.5h", "-1m", "10 m", "1h30m", "PT10M", "12345678s"}) {
            assertThatThrownBy(() -> Durations.parse(text)).as(text).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("not a duration (expected: a number and a unit s, m, h or d, e.g. 10m)");
        }
    }

    @Test
    void formatsTheShortestWay() {
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(Durations.format(Duration.ofHours(24))).isEqualTo("1d");
        assertThat(Durations.format(Duration.ofHours(25))).isEqualTo("25h");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }
}
