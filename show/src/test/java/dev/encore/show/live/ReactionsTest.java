package dev.encore.show.live;

import static dev.encore.show.live.Shows.at;
import static dev.encore.show.live.Shows.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReactionsTest {
    private final List<ShowEvent> log = new ArrayList<>();
    private final LiveShow show = Shows.open(log);

    @Test
    void reactionsComeOutAsOneBurstPerSecondWithAPerListenerCap() {
        for (int i = 0; i < 5; i++) {
            assertThat(show.react("a", ReactionKind.APPLAUSE, at(10.1 + i * 0.1))).isEmpty();
        }
        show.react("b", ReactionKind.FIRE, at(10.9));
        show.react("b", ReactionKind.APPLAUSE, at(10.95));

        List<ShowEvent> events = show.tick(at(11.2));
        assertThat(events).containsExactly(new ShowEvent.ReactionBurst(at(11), at(10),
                Map.of(ReactionKind.APPLAUSE, 4, ReactionKind.FIRE, 1)));
        assertThat(((ShowEvent.ReactionBurst) events.get(0)).total()).isEqualTo(5);
        assertThat(show.tick(at(12.5))).isEmpty(); // quiet seconds have no burst
        assertThat(show.publicSnapshot().room().reactionTotals())
                .containsEntry(ReactionKind.APPLAUSE, 4L).containsEntry(ReactionKind.FIRE, 1L).containsEntry(ReactionKind.WOW, 0L);
    }

    @Test
    void theBurstOfAFinishedSecondComesBeforeTheNextCommandsEvents() {
        show.react("a", ReactionKind.HEART, at(5.5));
        assertThat(show.startSet(at(6.1))).containsExactly(
                new ShowEvent.ReactionBurst(at(6), at(5), Map.of(ReactionKind.HEART, 1)),
                new ShowEvent.SetStarted(at(6.1)),
                new ShowEvent.SongStarted(at(6.1), 0, "Intro"));
    }

    @Test
    void theRateSettlesAtTheReactionsPerSecondAndHalvesEveryHalfLife() {
        for (int s = 0; s < 60; s++) {
            for (int i = 0; i < 10; i++) {
                show.react("l" + i, ReactionKind.APPLAUSE, at(s + 0.5));
            }
        }
        show.tick(at(60));
        ShowState.Room room = show.publicSnapshot().room();
        assertThat(room.reactionsPerSecond()).isCloseTo(10.0, within(0.01));

        show.tick(at(63));
        assertThat(show.publicSnapshot().room().reactionsPerSecond()).isCloseTo(room.reactionsPerSecond() / 2, within(1e-9));
        show.tick(at(66));
        assertThat(show.publicSnapshot().room().reactionsPerSecond()).isCloseTo(room.reactionsPerSecond() / 4, within(1e-9));
    }

    @Test
    void energyIsTheRatePerListenerCappedAtOne() {
        for (int i = 0; i < 4; i++) {
            show.listenerConnected("l" + i, Tier.GENERAL, at(0));
        }
        for (int s = 0; s < 60; s++) {
            show.react("l0", ReactionKind.APPLAUSE, at(s + 0.5));
            show.react("l1", ReactionKind.APPLAUSE, at(s + 0.5));
        }
        show.tick(at(60));
        assertThat(show.publicSnapshot().room().energy()).isCloseTo(0.5, within(0.01));

        for (int s = 60; s < 120; s++) {
            for (int i = 0; i < 3; i++) {
                show.react("l0", ReactionKind.FIRE, at(s + 0.5));
                show.react("l1", ReactionKind.FIRE, at(s + 0.5));
                show.react("l2", ReactionKind.FIRE, at(s + 0.5));
            }
        }
        show.tick(at(120));
        assertThat(show.publicSnapshot().room().energy()).isEqualTo(1.0);
        assertThat(show.publicSnapshot().room().reactionsPerSecond()).isCloseTo(9.0, within(0.01));
    }

    @Test
    void reactionKindsParseFromCodeOrEmoji() {
        assertThat(ReactionKind.parse("applause")).isEqualTo(ReactionKind.APPLAUSE);
        assertThat(ReactionKind.parse("\uD83D\uDD25")).isEqualTo(ReactionKind.FIRE);
        assertThat(ReactionKind.parse("\u2764\uFE0F")).isEqualTo(ReactionKind.HEART);
        for (String bad : new String[] {null, "", "APPLAUSE", "boo", "\uD83D\uDCA9", "x".repeat(10_000)}) {
            refused(() -> ReactionKind.parse(bad), Refusal.NO_SUCH_REACTION);
        }
        refused(() -> show.react("a", null, at(1)), Refusal.MISSING);
        refused(() -> show.react("", ReactionKind.WOW, at(1)), Refusal.LISTENER_INVALID);
    }
}
