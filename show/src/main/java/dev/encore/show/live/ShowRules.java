package dev.encore.show.live;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The limits one show run enforces. Rules are checked when a command is decided, never on replay, so a restored show
 * keeps its history even if the limits changed in between.
 *
 * @param requestInterval the least time between two new requests by one listener (an upvote is not a new request)
 * @param maxOpenPerListener how many of one listener's requests may be open (waiting for the performer) at once
 * @param maxRequests how many requests the whole show may hold, in any state (bounds memory against id-hopping clients)
 * @param maxSongs how long the set list may grow
 * @param maxPolls how many polls one show may open
 * @param reactionsPerListenerPerSecond reactions counted per listener and second; more are ignored, not refused
 * @param energyHalfLife how fast the room energy falls when the room goes quiet
 */
public record ShowRules(Duration requestInterval, int maxOpenPerListener, int maxRequests, int maxSongs, int maxPolls,
        int reactionsPerListenerPerSecond, Duration energyHalfLife) {

    public ShowRules {
        requireNonNull(requestInterval, "requestInterval");
        requireNonNull(energyHalfLife, "energyHalfLife");
        if (requestInterval.isNegative()) {
            throw new IllegalArgumentException("requestInterval: " + requestInterval + " (expected: zero or more)");
        }
        positive(maxOpenPerListener, "maxOpenPerListener");
        positive(maxRequests, "maxRequests");
        positive(maxSongs, "maxSongs");
        positive(maxPolls, "maxPolls");
        positive(reactionsPerListenerPerSecond, "reactionsPerListenerPerSecond");
        if (energyHalfLife.toMillis() < 100) {
            throw new IllegalArgumentException("energyHalfLife: " + energyHalfLife + " (expected: 100 ms or more)");
        }
    }

    /** One new request per 30 s, 5 open per listener, 2000 requests, 300 songs, 100 polls, 3 reactions/s, half-life 3 s. */
    public static ShowRules defaults() {
        return new ShowRules(Duration.ofSeconds(30), 5, 2000, 300, 100, 3, Duration.ofSeconds(3));
    }

    public ShowRules withRequestInterval(Duration interval) {
        return new ShowRules(interval, maxOpenPerListener, maxRequests, maxSongs, maxPolls, reactionsPerListenerPerSecond,
                energyHalfLife);
    }

    public ShowRules withMaxOpenPerListener(int max) {
        return new ShowRules(requestInterval, max, maxRequests, maxSongs, maxPolls, reactionsPerListenerPerSecond,
                energyHalfLife);
    }

    private static void positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: 1 or more)");
        }
    }
}
