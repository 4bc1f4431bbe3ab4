package dev.encore.show.live;

import static dev.encore.show.live.Shows.at;
import static dev.encore.show.live.Shows.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PresenceTest {
    private final LiveShow show = Shows.open();

    private ShowState.Room room() {
        return show.publicSnapshot().room();
    }

    @Test
    void countsByTierAndPeak() {
        assertThat(show.listenerConnected("a", Tier.GENERAL, at(1)))
                .containsExactly(new ShowEvent.ListenerConnected(at(1), "a", Tier.GENERAL));
        show.listenerConnected("b", Tier.VIP, at(2));
        show.listenerConnected("c", Tier.GENERAL, at(3));
        assertThat(room()).extracting(ShowState.Room::listeners, ShowState.Room::generalListeners,
                ShowState.Room::vipListeners, ShowState.Room::peakListeners, ShowState.Room::peakAt)
                .containsExactly(3, 2, 1, 3, at(3));

        show.listenerDisconnected("c", at(4));
        show.listenerDisconnected("a", at(5));
        show.listenerConnected("d", Tier.VIP, at(6));
        assertThat(room()).extracting(ShowState.Room::listeners, ShowState.Room::generalListeners,
                ShowState.Room::vipListeners, ShowState.Room::peakListeners, ShowState.Room::peakAt)
                .containsExactly(2, 0, 2, 3, at(3));
    }

    @Test
    void aListenerWithTwoTabsCountsOnceUntilTheLastGoes() {
        show.listenerConnected("a", Tier.GENERAL, at(1));
        show.listenerConnected("a", Tier.GENERAL, at(2));
        assertThat(room().listeners()).isEqualTo(1);
        assertThat(room().peakListeners()).isEqualTo(1);
        show.listenerDisconnected("a", at(3));
        assertThat(room().listeners()).isEqualTo(1);
        show.listenerDisconnected("a", at(4));
        assertThat(room().listeners()).isZero();
        assertThat(refused(() -> show.listenerDisconnected("a", at(5)), Refusal.NOT_CONNECTED).getMessage())
                .isEqualTo("listener: a is not connected (expected: a connected listener)");
    }

    @Test
    void aLaterConnectionsTierReplacesTheEarlierOne() {
        show.listenerConnected("a", Tier.GENERAL, at(1));
        show.listenerConnected("a", Tier.VIP, at(2));
        assertThat(room().generalListeners()).isZero();
        assertThat(room().vipListeners()).isEqualTo(1);
        show.listenerDisconnected("a", at(3));
        show.listenerDisconnected("a", at(4));
        assertThat(room().vipListeners()).isZero();
    }

    @Test
    void performerOnlineAndOffline() {
        assertThat(room().performerOnline()).isFalse();
        assertThat(show.performerOnline(true, at(1))).containsExactly(new ShowEvent.PerformerPresence(at(1), true));
        assertThat(show.performerOnline(true, at(2))).isEmpty();
        assertThat(room().performerOnline()).isTrue();
        assertThat(show.performerOnline(false, at(3))).containsExactly(new ShowEvent.PerformerPresence(at(3), false));
        assertThat(room().performerOnline()).isFalse();
    }

    @Test
    void disconnectEveryoneAfterARestart() {
        show.listenerConnected("b", Tier.GENERAL, at(1));
        show.listenerConnected("a", Tier.VIP, at(1));
        show.listenerConnected("a", Tier.VIP, at(1));
        show.performerOnline(true, at(1));

        assertThat(show.disconnectEveryone(at(2))).containsExactly(
                new ShowEvent.ListenerDisconnected(at(2), "a"),
                new ShowEvent.ListenerDisconnected(at(2), "a"),
                new ShowEvent.ListenerDisconnected(at(2), "b"),
                new ShowEvent.PerformerPresence(at(2), false));
        assertThat(room()).extracting(ShowState.Room::listeners, ShowState.Room::peakListeners, ShowState.Room::performerOnline)
                .containsExactly(0, 2, false);
        assertThat(show.disconnectEveryone(at(3))).isEqualTo(List.of());
    }

    @Test
    void presenceIsChecked() {
        refused(() -> show.listenerConnected("a", null, at(1)), Refusal.MISSING);
        refused(() -> show.listenerConnected("a b", Tier.VIP, at(1)), Refusal.LISTENER_INVALID);
        refused(() -> show.listenerDisconnected(null, at(1)), Refusal.LISTENER_INVALID);
        refused(() -> show.performerOnline(true, null), Refusal.MISSING);
    }
}
