package dev.encore.loadtest;

import dev.encore.loadtest.client.ListenerStats;
import dev.encore.loadtest.client.PhaseTimings;

/**
 * What one simulated listener got out of a run.
 *
 * @param joined whether it connected (SRTP keys ready) at some point
 * @param failure why it failed or did not connect ({@code FailureReason} name, or {@code NOT_CONNECTED} when still joining
 *     at the end), or null
 * @param stats its reception at the end
 * @param timings its phase timings
 */
public record ListenerOutcome(boolean joined, String failure, ListenerStats stats, PhaseTimings timings) {
}
