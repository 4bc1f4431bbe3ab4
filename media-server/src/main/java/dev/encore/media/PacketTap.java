package dev.encore.media;

/**
 * Sees every performer packet a show's router accepted, after its fan-out has been handed to the event loops: for the
 * set recording (issue 7). Called on the thread that routed the packet (a media loop, the ingest loop, or an in-process
 * feeder), outside the router's lock.
 *
 * <p>An implementation must copy what it keeps and return at once: it must not block, and whatever it throws is counted
 * as {@link DropReason#INTERNAL_ERROR} and otherwise ignored (the packet has already gone to the listeners).
 */
@FunctionalInterface
public interface PacketTap {

    /**
     * @param arrivalNanos when the packet arrived (the media server's nano clock, {@link System#nanoTime} in production)
     * @param sequence its sequence number in the show's outgoing stream (continuous across performer reconnects)
     * @param rtpTimestamp its RTP timestamp in the show's outgoing stream (48 kHz; advanced by the real time elapsed when
     *     the performer reconnects)
     * @param payload the Opus packet: {@code len} bytes from {@code off}; valid only during the call
     */
    void onOpus(long arrivalNanos, int sequence, long rtpTimestamp, byte[] payload, int off, int len);
}
