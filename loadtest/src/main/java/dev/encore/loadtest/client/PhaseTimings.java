package dev.encore.loadtest.client;

/**
 * When each phase of one listener's join finished, in {@link System#nanoTime} units; -1 for a phase not reached.
 *
 * @param startNanos when {@link WebRtcListener#connect()} began
 * @param httpDoneNanos when the HTTP client completed the WHEP POST (the answer, before the hop to the session's loop)
 * @param answeredNanos when the session's loop read the WHEP answer
 * @param iceNanos when the connectivity check succeeded
 * @param dtlsNanos when the DTLS handshake completed (SRTP keys ready)
 * @param firstPacketNanos when the first authenticated RTP packet arrived
 */
public record PhaseTimings(long startNanos, long httpDoneNanos, long answeredNanos, long iceNanos, long dtlsNanos, long firstPacketNanos) {

    /** Signaling time (WHEP POST to answer) in nanoseconds, or -1. */
    public long signalingNanos() {
        return between(startNanos, answeredNanos);
    }

    /** The HTTP exchange alone (offer sent to the HTTP client's answer), or -1. */
    public long httpNanos() {
        return between(startNanos, httpDoneNanos);
    }

    /** ICE time (answer to check success), or -1. */
    public long iceDurationNanos() {
        return between(answeredNanos, iceNanos);
    }

    /** DTLS time (check success to keys), or -1. */
    public long dtlsDurationNanos() {
        return between(iceNanos, dtlsNanos);
    }

    /** Time to first audio: start to the first authenticated RTP packet, or -1. */
    public long timeToFirstAudioNanos() {
        return between(startNanos, firstPacketNanos);
    }

    private static long between(long from, long to) {
        return from < 0 || to < 0 ? -1 : to - from;
    }
}
