package dev.encore.media;

/**
 * A listener session created by WHEP.
 *
 * @param sessionId unguessable id (at least 128 random bits, URL-safe) used in the session's Location
 * @param answerSdp the SDP answer
 */
public record WhepSession(String sessionId, String answerSdp) {
}
