package dev.encore.signaling;

import dev.encore.show.live.LiveShow;
import dev.encore.show.live.ReactionKind;
import dev.encore.show.live.ShowEventListener;
import dev.encore.show.live.ShowRules;
import dev.encore.show.live.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A scripted show at fixed times, for golden messages: the server messages of the protocol docs come from it. */
final class Scenario {
    static final Instant T0 = Instant.parse("2025-06-01T20:00:00Z");
    static final String ANNA = "l-q3Hf0o2bS4u9TkWcX1aZ7w";
    static final String BEN = "tg:123456789";

    private Scenario() {
    }

    static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    /** Rooftop: two planned songs, the set started, Anna asked for Wonderwall and Ben upvoted it, a poll with two votes. */
    static LiveShow rooftop() {
        LiveShow show = LiveShow.open("rooftop", List.of("Intro", "Blackbird"), ShowRules.defaults(), T0,
                ShowEventListener.NONE);
        show.performerOnline(true, at(1));
        show.listenerConnected(ANNA, Tier.GENERAL, at(2));
        show.listenerConnected(BEN, Tier.VIP, at(3));
        show.startSet(at(10));
        show.submitRequest(ANNA, "Wonderwall", at(20));
        show.submitRequest(BEN, "Wonderwall", at(21));
        show.submitRequest(BEN, "Hallelujah", at(22));
        show.openPoll("Encore song?", List.of("Hey Jude", "Yesterday", "Let It Be"), Duration.ofSeconds(60), at(30));
        show.vote(ANNA, 1, 2, at(31));
        show.vote(BEN, 1, 0, at(32));
        show.react(ANNA, ReactionKind.APPLAUSE, at(33));
        show.react(BEN, ReactionKind.FIRE, at(33));
        show.tick(at(34));
        return show;
    }
}
