package dev.encore.media;

/**
 * A publisher session created by WHIP.
 *
 * @param sessionId unguessable id (at least 128 random bits, URL-safe) used in the session's Location
 * @param answerSdp the SDP answer
 */
public record WhipSession(String sessionId, String answerSdp) {
}
