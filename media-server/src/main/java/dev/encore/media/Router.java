package dev.encore.media;

/**
 * One show's router (SFU vocabulary): takes the performer's Opus RTP from its producer and fans it out to every consumer
 * (listener session) with one outgoing SSRC per show.
 */
public interface Router {

    String showId();

    /**
     * Feeds a plaintext RTP packet (Opus) from an in-process producer, e.g. the demo's synthetic performer. Callable from any
     * thread; the bytes are copied before this returns.
     */
    void feed(byte[] rtp, int off, int len);

    /** Listener sessions connected now (ICE and DTLS done). */
    int consumerCount();

    /** Whether a performer's packets have arrived within the last second or so. */
    boolean performerOnline();

    /**
     * The router's state for the performer console and {@code /metrics}: a fresh snapshot. Any thread. The default (for
     * stand-ins in tests) knows only whether the performer is online and how many listeners there are.
     */
    /**
     * Sets (or, with null, removes) the tap that sees each accepted performer packet after its fan-out: the set recorder
     * (issue 7). Any thread; takes effect from the next packet. Stand-ins in tests ignore it.
     */
    default void setRecorderTap(PacketTap tap) {
    }

    default RouterStatus status() {
        return new RouterStatus(performerOnline(), null, consumerCount(), 0, 0, 0, 0, -1);
    }
}
