package dev.encore.show.live;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Applause and emoji, aggregated per second into a rolling "room energy". Reactions of the current second are counted in
 * memory (at most {@link ShowRules#reactionsPerListenerPerSecond} per listener; more are ignored, since a client mashing a
 * button is not an error); once a later time is seen, that second becomes one {@link ShowEvent.ReactionBurst}. Only bursts
 * change the energy, so a replayed show has the same energy; a crash loses at most the second in progress.
 *
 * <p>The rate is an exponentially weighted reactions-per-second figure with the configured half-life: a room sending r
 * reactions every second settles at r. The energy is that rate per connected listener, capped at 1, so a room where every
 * listener claps once a second is at full energy whatever its size.
 *
 * <p>Owned by the show's signaling thread, through {@link LiveShow}.
 */
final class Reactions {
    private static final int KINDS = ReactionKind.values().length;

    private final int perListener;
    private final double decayPerSecond;

    private long pendingSecond = Long.MIN_VALUE;
    private final int[] pending = new int[KINDS];
    private final Map<String, Integer> pendingByListener = new HashMap<>();

    private double level;
    private Instant lastBurstEnd;
    private final long[] totals = new long[KINDS];

    Reactions(ShowRules rules) {
        this.perListener = rules.reactionsPerListenerPerSecond();
        this.decayPerSecond = StrictMath.pow(0.5, 1000.0 / rules.energyHalfLife().toMillis());
    }

    /** Counts a reaction into the second {@code now} falls in; call {@link #due} first. False if over the listener's limit. */
    boolean count(String listenerId, ReactionKind kind, Instant now) {
        long second = now.getEpochSecond();
        if (second != pendingSecond) {
            // due() has flushed any earlier second; a clock that went back is clamped by the show, so this is a new second
            pendingSecond = second;
            pendingByListener.clear();
        }
        int mine = pendingByListener.getOrDefault(listenerId, 0);
        if (mine >= perListener) {
            return false;
        }
        pendingByListener.put(listenerId, mine + 1);
        pending[kind.ordinal()]++;
        return true;
    }

    /** The burst of an earlier second that is over by {@code now}, or null. Clears it from the pending count. */
    ShowEvent.ReactionBurst due(Instant now) {
        if (pendingSecond == Long.MIN_VALUE || now.getEpochSecond() <= pendingSecond) {
            return null;
        }
        Map<ReactionKind, Integer> counts = new EnumMap<>(ReactionKind.class);
        for (ReactionKind kind : ReactionKind.values()) {
            if (pending[kind.ordinal()] > 0) {
                counts.put(kind, pending[kind.ordinal()]);
            }
            pending[kind.ordinal()] = 0;
        }
        Instant second = Instant.ofEpochSecond(pendingSecond);
        pendingSecond = Long.MIN_VALUE;
        pendingByListener.clear();
        return counts.isEmpty() ? null : new ShowEvent.ReactionBurst(second.plusSeconds(1), second, counts);
    }

    void apply(ShowEvent event) {
        if (event instanceof ShowEvent.ReactionBurst) {
            ShowEvent.ReactionBurst e = (ShowEvent.ReactionBurst) event;
            level = decayed(e.at()) + e.total();
            lastBurstEnd = e.at();
            for (Map.Entry<ReactionKind, Integer> count : e.counts().entrySet()) {
                totals[count.getKey().ordinal()] += count.getValue();
            }
        }
    }

    private double decayed(Instant at) {
        if (lastBurstEnd == null) {
            return 0;
        }
        double seconds = Math.max(0, Duration.between(lastBurstEnd, at).toMillis()) / 1000.0;
        return level * StrictMath.pow(decayPerSecond, seconds);
    }

    /** Reactions per second as of {@code at}, weighted towards the last seconds. */
    double rate(Instant at) {
        return decayed(at) * (1 - decayPerSecond);
    }

    /** The rate per connected listener, 0..1. */
    double energy(Instant at, int listeners) {
        return Math.min(1.0, rate(at) / Math.max(1, listeners));
    }

    Map<ReactionKind, Long> totals() {
        Map<ReactionKind, Long> map = new EnumMap<>(ReactionKind.class);
        for (ReactionKind kind : ReactionKind.values()) {
            map.put(kind, totals[kind.ordinal()]);
        }
        return map;
    }
}
