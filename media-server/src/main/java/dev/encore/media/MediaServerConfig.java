package dev.encore.media;

/**
 * How the media server binds and announces itself.
 *
 * @param bindHost the address to bind the media UDP port on, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port the one UDP port for every peer (0 picks a free port, for tests)
 * @param announceIp the address put into SDP host candidates, or null for the bound address
 * @param eventLoops how many epoll event loops (one SO_REUSEPORT channel each), 0 for the number of cores
 */
public record MediaServerConfig(String bindHost, int port, String announceIp, int eventLoops) {
}
