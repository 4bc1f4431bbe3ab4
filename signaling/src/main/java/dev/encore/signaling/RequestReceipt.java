package dev.encore.signaling;

/**
 * What a song request from outside the WebSocket (the Telegram group) became.
 *
 * @param requestId the request's id in the show
 * @param votes its votes now
 * @param rank its place in the ranked queue (from 1)
 * @param merged true when it joined an earlier request for the same song (it counted as an upvote)
 */
public record RequestReceipt(int requestId, int votes, int rank, boolean merged) {
}
