package dev.encore.show.live;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One poll: a question, 2..6 options, each listener's current vote, and the tally, kept up to date on every vote (O(1)).
 * A closed poll keeps its results. Changed only by {@link Polls#apply}.
 *
 * <p>Owned by the show's signaling thread, through {@link LiveShow}.
 */
final class Poll {
    final int id;
    final String question;
    final List<String> options;
    final Instant openedAt;
    /** Null when the poll has no time limit. */
    final Instant closesAt;
    final int[] tally;
    final Map<String, Integer> votes = new HashMap<>();
    Instant closedAt;
    PollCloseReason closeReason;

    Poll(int id, String question, List<String> options, Instant openedAt, Instant closesAt) {
        this.id = id;
        this.question = question;
        this.options = List.copyOf(options);
        this.openedAt = openedAt;
        this.closesAt = closesAt;
        this.tally = new int[options.size()];
    }

    boolean open() {
        return closedAt == null;
    }

    /** The listener's option, or -1. */
    int voteOf(String listenerId) {
        return listenerId == null ? -1 : votes.getOrDefault(listenerId, -1);
    }

    int totalVotes() {
        return votes.size();
    }

    List<Integer> tallyList() {
        List<Integer> list = new ArrayList<>(tally.length);
        for (int n : tally) {
            list.add(n);
        }
        return List.copyOf(list);
    }
}
