package dev.encore.signaling;

/**
 * Who sends a command to {@link ShowChannel#dispatch}: the performer, or a listener with their id. Authentication is done
 * before a role is made (performer key, join token); a role is trusted. Immutable.
 *
 * @param performer true for the performer
 * @param listenerId the listener's id, or null for the performer
 */
public record Role(boolean performer, String listenerId) {

    public Role {
        if (performer == (listenerId != null)) {
            throw new IllegalArgumentException("role: performer=" + performer + ", listenerId=" + (listenerId != null)
                    + " (expected: the performer without a listener id, or a listener with one)");
        }
    }

    public static Role ofPerformer() {
        return new Role(true, null);
    }

    public static Role ofListener(String listenerId) {
        return new Role(false, listenerId);
    }

    /** The wire name: {@code performer} or {@code listener}. */
    String wireName() {
        return performer ? "performer" : "listener";
    }
}
