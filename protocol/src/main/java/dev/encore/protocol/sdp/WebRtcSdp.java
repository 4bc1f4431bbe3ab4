package dev.encore.protocol.sdp;

/**
 * Offer/answer for WebRTC audio (RFC 3264, RFC 8829 JSEP, RFC 8843 BUNDLE, RFC 7587 Opus) as Encore needs it: one Opus audio
 * section, ICE-lite on the server, DTLS with {@code a=setup:passive} on the server. Does no I/O.
 */
public final class WebRtcSdp {
    private WebRtcSdp() {
    }

    /**
     * Validates an offer and picks what to accept: the first audio section offering Opus; every other section will be
     * rejected (port 0) in the answer.
     *
     * @throws SdpException when the offer is malformed or unanswerable, with a reason fit for an HTTP 400 body
     */
    public static AudioOffer parseOffer(String offerSdp) throws SdpException {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * The answer to {@code offer}: the accepted audio section with {@code a=ice-lite}, our credentials, fingerprint,
     * {@code a=setup:passive}, {@code a=rtcp-mux}, our host candidate, Opus only (music mode: {@code stereo=1;
     * sprop-stereo=1} when {@code local.stereo()}, {@code useinbandfec=1}), {@code local.direction()} and, when we send, our
     * SSRC and msid; every other section answered with port 0; BUNDLE group with the accepted mid.
     */
    public static String answer(AudioOffer offer, LocalMedia local) {
        throw new UnsupportedOperationException("TODO");
    }

    /** An offer with one audio section (Opus, rtcp-mux, {@code a=setup:actpass}) as the Java client sends it. */
    public static String offer(LocalMedia local) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Reads an answer to {@link #offer}.
     *
     * @throws SdpException when it is malformed or does not accept audio with Opus
     */
    public static AudioAnswer parseAnswer(String answerSdp) throws SdpException {
        throw new UnsupportedOperationException("TODO");
    }
}
