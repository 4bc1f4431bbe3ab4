package dev.encore.media;

import dev.encore.protocol.dtls.Fingerprint;
import dev.encore.protocol.sdp.AudioOffer;
import dev.encore.protocol.sdp.Direction;
import dev.encore.protocol.sdp.LocalMedia;
import dev.encore.protocol.sdp.SdpException;
import dev.encore.protocol.sdp.WebRtcSdp;
import dev.encore.protocol.stun.IceCredentials;
import java.security.SecureRandom;
import java.util.function.Function;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * WHIP publisher sessions (<a href="https://www.rfc-editor.org/rfc/rfc9725">RFC 9725</a>): an offer in (a browser, OBS,
 * the Java client), a {@code recvonly} answer out with ICE-lite, our DTLS fingerprint and our one host candidate, exactly
 * as listener sessions get. The answer's Opus {@code fmtp} asks for the show's bit rate ({@code maxaveragebitrate},
 * RFC 7587 §6.1) and, for a stereo show, {@code stereo=1}, so a browser sends music rather than voice. Other sections
 * (OBS's H.264 video) are rejected with port 0. Once ICE and DTLS are done (on the media port, as for listeners), the
 * session's {@link Producer} becomes the show's publisher and the previous publisher's session is closed.
 *
 * <p>Thread-safe: called by the app's HTTP threads.
 */
final class MediaWhipService implements WhipService {
    private final SecureRandom random = new SecureRandom();
    private final Function<String, ShowRouter> routers;
    private final PeerTable peers;
    private final MediaMetrics metrics;
    private final Fingerprint fingerprint;
    private final String candidateIp;
    private final int candidatePort;
    private final LongSupplier nanoClock;

    MediaWhipService(Function<String, ShowRouter> routers, PeerTable peers, MediaMetrics metrics, Fingerprint fingerprint,
            String candidateIp, int candidatePort, LongSupplier nanoClock) {
        this.routers = requireNonNull(routers, "routers");
        this.peers = requireNonNull(peers, "peers");
        this.metrics = requireNonNull(metrics, "metrics");
        this.fingerprint = requireNonNull(fingerprint, "fingerprint");
        this.candidateIp = requireNonNull(candidateIp, "candidateIp");
        this.candidatePort = candidatePort;
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
    }

    @Override
    public WhipSession publish(String showId, String offerSdp) throws NoSuchShowException, SdpException {
        requireNonNull(showId, "showId");
        requireNonNull(offerSdp, "offerSdp");
        ShowRouter router = routers.apply(showId);
        if (router == null) {
            throw new NoSuchShowException(showId);
        }
        AudioOffer offer = WebRtcSdp.parseOffer(offerSdp);
        if (offer.direction() == Direction.RECVONLY || offer.direction() == Direction.INACTIVE) {
            throw new SdpException("audio direction: " + offer.direction().attribute()
                    + " (expected: sendonly or sendrecv, a WHIP publisher sends)");
        }
        if (peers.pending() >= MediaWhepService.MAX_PENDING) {
            throw new IllegalStateException("too many sessions waiting to connect: " + MediaWhepService.MAX_PENDING
                    + " (expected: fewer; retry later)");
        }
        IceCredentials ice = IceCredentials.random();
        String sessionId = MediaWhepService.newSessionId(random);
        String tag = "encore-" + showId;
        // RFC 7587 §6.1: maxaveragebitrate is 6000..510000.
        int bitrate = Math.max(6_000, Math.min(510_000, router.show().audio().bitrate()));
        LocalMedia local = new LocalMedia(ice, fingerprint, candidateIp, candidatePort, Direction.RECVONLY, 0, tag, tag,
                router.show().audio().stereo(), bitrate);
        String answer = WebRtcSdp.answer(offer, local);
        PeerSession session = new PeerSession(sessionId, router, ice, offer.remoteIce().ufrag(), offer.fingerprint(),
                offer.opusPayloadType(), nanoClock.getAsLong(), true, offer.remoteSsrc());
        peers.add(session);
        router.publisherSessionOpened();
        metrics.whipCreated();
        return new WhipSession(sessionId, answer);
    }

    @Override
    public boolean unpublish(String showId, String sessionId) {
        if (showId == null || sessionId == null) {
            return false;
        }
        PeerSession session = peers.byId(sessionId);
        if (session == null || !session.publisher() || !session.router().showId().equals(showId)) {
            return false;
        }
        return peers.remove(session, SessionEndReason.UNSUBSCRIBED);
    }
}
