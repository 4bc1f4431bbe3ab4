package dev.encore.loadtest.client;

import java.net.URI;

/**
 * A WHEP session created on the server.
 *
 * @param location the session's absolute URL (from {@code Location}, resolved against the request), for DELETE
 * @param answerSdp the SDP answer
 */
public record WhepResource(URI location, String answerSdp) {
}
