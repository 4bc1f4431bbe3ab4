package dev.encore.loadtest.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CheckPacingTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void firstCheckAtOnceThenDoublingFromTaUpToTheCap() {
        CheckPacing pacing = new CheckPacing(50 * MS, 1600 * MS, 10_000 * MS);
        long clock = 1_000_000 * MS; // an arbitrary origin: only differences matter
        long origin = clock;
        pacing.start(clock);
        List<Long> sends = new ArrayList<>();
        CheckPacing.Action action;
        while ((action = pacing.poll(clock)) != CheckPacing.Action.GIVE_UP) {
            if (action == CheckPacing.Action.SEND) {
                sends.add((clock - origin) / MS);
            }
            clock = pacing.nextDeadlineNanos();
        }
        assertThat(sends).containsExactly(0L, 50L, 150L, 350L, 750L, 1550L, 3150L, 4750L, 6350L, 7950L, 9550L);
        assertThat(pacing.transmissions()).isEqualTo(11);
        assertThat((clock - origin) / MS).isEqualTo(10_000);
    }

    @Test
    void waitsBetweenSends() {
        CheckPacing pacing = new CheckPacing(50 * MS, 1600 * MS, 10_000 * MS);
        pacing.start(0);
        assertThat(pacing.poll(0)).isEqualTo(CheckPacing.Action.SEND);
        assertThat(pacing.poll(49 * MS)).isEqualTo(CheckPacing.Action.WAIT);
        assertThat(pacing.nextDeadlineNanos()).isEqualTo(50 * MS);
        // A late timer sends once and paces the next from now.
        assertThat(pacing.poll(70 * MS)).isEqualTo(CheckPacing.Action.SEND);
        assertThat(pacing.nextDeadlineNanos()).isEqualTo(170 * MS);
    }

    @Test
    void deadlineIsTheGiveUpTimeWhenThatComesFirst() {
        CheckPacing pacing = new CheckPacing(50 * MS, 1600 * MS, 120 * MS);
        pacing.start(0);
        pacing.poll(0);
        pacing.poll(50 * MS);
        assertThat(pacing.nextDeadlineNanos()).isEqualTo(120 * MS);
        assertThat(pacing.poll(120 * MS)).isEqualTo(CheckPacing.Action.GIVE_UP);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new CheckPacing(0, 10, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected");
        assertThatThrownBy(() -> new CheckPacing(50, 10, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CheckPacing(50 * MS, 100 * MS, 1000 * MS).poll(0)).isInstanceOf(IllegalStateException.class);
    }
}
