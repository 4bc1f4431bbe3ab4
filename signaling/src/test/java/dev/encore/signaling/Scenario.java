package dev.encore.signaling;

import dev.encore.show.Drop;
import dev.encore.show.PlannedSong;
import dev.encore.show.live.DropPlan;
import dev.encore.show.live.LiveShow;
import dev.encore.show.live.ReactionKind;
import dev.encore.show.live.ShowEventListener;
import dev.encore.show.live.ShowRules;
import dev.encore.show.live.Tier;
import java.time.Duration;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** The rooftop's drops: the intro cues the vinyl (50, for 10 minutes); the VIP bundle comes 15 minutes in. */
    static DropPlan drops() {
        Map<String, Drop> drops = new LinkedHashMap<>();
        drops.put("vinyl", new Drop("vinyl", "Signed vinyl, tonight only", URI.create("https://shop.example.org/vinyl"), 50,
                Duration.ofMinutes(10), null));
        drops.put("vip", new Drop("vip", "VIP bundle", URI.create("https://shop.example.org/vip"), null, null,
                Duration.ofMinutes(15)));
        return DropPlan.of(List.of(new PlannedSong("Intro", List.of("vinyl")), new PlannedSong("Blackbird")), drops);
    }

    /**
     * Rooftop: two planned songs, the set started (the vinyl drop opened with the intro; the shop sold 2), Anna asked for
     * Wonderwall and Ben upvoted it, a poll with two votes.
     */
    static LiveShow rooftop() {
        LiveShow show = LiveShow.open("rooftop", List.of("Intro", "Blackbird"), drops(), ShowRules.defaults(), T0,
                ShowEventListener.NONE);
        show.performerOnline(true, at(1));
        show.listenerConnected(ANNA, Tier.GENERAL, at(2));
        show.listenerConnected(BEN, Tier.VIP, at(3));
        show.startSet(at(10));
        show.dropSold("vinyl", 2, "order-1001", at(15));
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
