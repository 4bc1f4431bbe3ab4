package dev.encore.media;

import java.time.Duration;

/**
 * Told when a WHEP listener's audio starts: once per listener session, when the first SRTP packet of the show's stream is
 * written to it; see {@link MediaServer#onFirstAudio}. A session that never completes ICE and DTLS, or that ends before
 * the performer sends anything, is never reported. Publisher (WHIP) sessions are not reported.
 *
 * <p>Thread: called on the media event loop that serves the listener (its fan-out shard), right after that packet was
 * written and before the loop writes the packet to the shard's next listener. Implementations must be thread-safe, quick
 * and must not block (they delay that packet for every other listener of the shard). An exception thrown by a listener is
 * caught and logged; audio flows regardless.
 */
@FunctionalInterface
public interface FirstAudioListener {

    /**
     * @param showId the show the session listens to
     * @param sessionId the session's id, as returned by {@link WhepService#subscribe}
     * @param timeToFirstAudio from the session's creation (when {@link WhepService#subscribe} took the offer) to its first
     *     audio packet written on the media port; positive
     */
    void firstAudio(String showId, String sessionId, Duration timeToFirstAudio);
}
