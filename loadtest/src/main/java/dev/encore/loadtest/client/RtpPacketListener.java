package dev.encore.loadtest.client;

/**
 * Sees every authenticated RTP packet a listener receives. Called on the listener's event loop: return quickly, and copy
 * the payload if it is needed after the call.
 */
@FunctionalInterface
public interface RtpPacketListener {

    /**
     * @param listener the session it arrived on
     * @param ssrc the sender's SSRC
     * @param sequence the 16-bit sequence number
     * @param timestamp the RTP timestamp (unsigned 32 bits)
     * @param payload the array holding the payload (reused after the call returns)
     * @param payloadOffset where the payload starts
     * @param payloadLength payload length (padding excluded)
     * @param arrivalNanos arrival time ({@link System#nanoTime})
     */
    void onRtp(WebRtcListener listener, long ssrc, int sequence, long timestamp, byte[] payload, int payloadOffset,
            int payloadLength, long arrivalNanos);
}
