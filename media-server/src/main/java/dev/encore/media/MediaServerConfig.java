package dev.encore.media;

import java.time.Duration;

/**
 * How the media server binds and announces itself.
 *
 * @param bindHost the address to bind the media UDP port on, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port the one UDP port for every peer (0 picks a free port, for tests)
 * @param announceIp the address put into SDP host candidates, or null for the bound address
 * @param eventLoops how many epoll event loops (one SO_REUSEPORT channel each), 0 for the number of cores
 * @param setupTimeout how long a new session may take to complete ICE and DTLS before it is removed, or null for 30 s
 *     (shorter in tests)
 */
public record MediaServerConfig(String bindHost, int port, String announceIp, int eventLoops, Duration setupTimeout) {
    /** The default setup timeout. */
    public static final Duration DEFAULT_SETUP_TIMEOUT = Duration.ofSeconds(30);

    public MediaServerConfig {
        if (setupTimeout != null && (setupTimeout.isNegative() || setupTimeout.isZero())) {
            throw new IllegalArgumentException("setupTimeout: " + setupTimeout + " (expected: > 0, or null for 30 s)");
        }
    }

    /** With the default setup timeout (30 s). */
    public MediaServerConfig(String bindHost, int port, String announceIp, int eventLoops) {
        this(bindHost, port, announceIp, eventLoops, null);
    }

    /** The setup timeout to apply: {@link #setupTimeout} or the default. */
    Duration effectiveSetupTimeout() {
        return setupTimeout == null ? DEFAULT_SETUP_TIMEOUT : setupTimeout;
    }
}
