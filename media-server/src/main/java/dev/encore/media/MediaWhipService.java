package dev.encore.media;

import dev.encore.protocol.dtls.Fingerprint;
import dev.encore.protocol.sdp.Direction;
import dev.encore.protocol.sdp.SdpException;
import java.util.function.Function;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * WHIP publisher sessions (<a href="https://www.rfc-editor.org/rfc/rfc9725">RFC 9725</a>): an offer in (a browser, OBS,
 * the Java client), a {@code recvonly} answer out with ICE-lite, our DTLS fingerprint and our one host candidate, exactly
 * as listener sessions get (see {@link SessionSetup}). The answer's Opus {@code fmtp} asks for the show's bit rate
 * ({@code maxaveragebitrate}, RFC 7587 §6.1) and, for a stereo show, {@code stereo=1}, so a browser sends music rather than
 * voice. Other sections (OBS's H.264 video) are rejected with port 0. Once ICE and DTLS are done (on the media port, as for
 * listeners), the session's {@link Producer} becomes the show's publisher and the previous publisher's session is closed.
 *
 * <p>Thread-safe: called by the app's HTTP threads.
 */
final class MediaWhipService implements WhipService {
    private final SessionSetup setup;
    private final MediaMetrics metrics;

    MediaWhipService(Function<String, ShowRouter> routers, PeerTable peers, MediaMetrics metrics, Fingerprint fingerprint,
            String candidateIp, int candidatePort, LongSupplier nanoClock) {
        this.setup = new SessionSetup(routers, peers, fingerprint, candidateIp, candidatePort, nanoClock);
        this.metrics = requireNonNull(metrics, "metrics");
    }

    @Override
    public WhipSession publish(String showId, String offerSdp) throws NoSuchShowException, SdpException {
        SessionSetup.Opened opened = setup.open(showId, offerSdp, router -> new SessionSetup.Role(Direction.RECVONLY,
                "sendonly or sendrecv, a WHIP publisher sends", 0, maxAverageBitrate(router), true));
        opened.router().publisherSessionOpened();
        metrics.whipCreated();
        return new WhipSession(opened.sessionId(), opened.answerSdp());
    }

    @Override
    public boolean unpublish(String showId, String sessionId) {
        return setup.close(showId, sessionId, true);
    }

    /** The show's bit rate, within the range RFC 7587 §6.1 allows for {@code maxaveragebitrate} (6000..510000). */
    private static int maxAverageBitrate(ShowRouter router) {
        return Math.max(6_000, Math.min(510_000, router.show().audio().bitrate()));
    }
}
