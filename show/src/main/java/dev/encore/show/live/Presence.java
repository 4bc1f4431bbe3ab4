package dev.encore.show.live;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Who is here: connected listeners by tier, the peak, and whether the performer is online. A listener with two tabs (two
 * connections under one id) counts once, until the last of them goes; a later connection's tier replaces the earlier one.
 *
 * <p>Owned by the show's signaling thread, through {@link LiveShow}.
 */
final class Presence {

    private static final class Listener {
        Tier tier;
        int connections;

        Listener(Tier tier) {
            this.tier = tier;
        }
    }

    private final Map<String, Listener> connected = new HashMap<>();
    private final int[] byTier = new int[Tier.values().length];
    private int peak;
    private Instant peakAt;
    private boolean performerOnline;
    private boolean onAir;

    ShowEvent.ListenerDisconnected disconnect(String listenerId, Instant now) {
        if (!connected.containsKey(listenerId)) {
            throw new ShowRuleException(Refusal.NOT_CONNECTED, "listener: " + listenerId + " is not connected"
                    + " (expected: a connected listener)");
        }
        return new ShowEvent.ListenerDisconnected(now, listenerId);
    }

    /** Every connection, one disconnect event per connection, in listener id order. */
    List<ShowEvent> disconnectAll(Instant now) {
        List<ShowEvent> events = new ArrayList<>();
        for (String id : new TreeSet<>(connected.keySet())) {
            for (int i = connected.get(id).connections; i > 0; i--) {
                events.add(new ShowEvent.ListenerDisconnected(now, id));
            }
        }
        return events;
    }

    boolean performerOnline() {
        return performerOnline;
    }

    /** The performer's audio reaches the server (the media server's view). */
    boolean onAir() {
        return onAir;
    }

    void apply(ShowEvent event) {
        if (event instanceof ShowEvent.ListenerConnected) {
            ShowEvent.ListenerConnected e = (ShowEvent.ListenerConnected) event;
            Listener listener = connected.get(Text.listenerId(e.listenerId()));
            if (listener == null) {
                listener = new Listener(e.tier());
                connected.put(e.listenerId(), listener);
            } else {
                byTier[listener.tier.ordinal()]--;
                listener.tier = e.tier();
            }
            byTier[listener.tier.ordinal()]++;
            listener.connections++;
            if (connected.size() > peak) {
                peak = connected.size();
                peakAt = e.at();
            }
        } else if (event instanceof ShowEvent.ListenerDisconnected) {
            ShowEvent.ListenerDisconnected e = (ShowEvent.ListenerDisconnected) event;
            Listener listener = connected.get(e.listenerId());
            SetList.replayCheck(listener != null, event);
            if (--listener.connections == 0) {
                connected.remove(e.listenerId());
                byTier[listener.tier.ordinal()]--;
            }
        } else if (event instanceof ShowEvent.PerformerPresence) {
            performerOnline = ((ShowEvent.PerformerPresence) event).online();
        } else if (event instanceof ShowEvent.OnAir e) {
            onAir = e.onAir();
        }
    }

    int listeners() {
        return connected.size();
    }

    int count(Tier tier) {
        return byTier[tier.ordinal()];
    }

    int peak() {
        return peak;
    }

    /** When the peak was first reached, or null before anyone connected. */
    Instant peakAt() {
        return peakAt;
    }
}
