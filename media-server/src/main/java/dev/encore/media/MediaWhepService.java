package dev.encore.media;

import dev.encore.protocol.dtls.Fingerprint;
import dev.encore.protocol.sdp.AudioOffer;
import dev.encore.protocol.sdp.Direction;
import dev.encore.protocol.sdp.LocalMedia;
import dev.encore.protocol.sdp.SdpException;
import dev.encore.protocol.sdp.WebRtcSdp;
import dev.encore.protocol.stun.IceCredentials;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Function;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * WHEP listener sessions (draft-ietf-wish-whep): an offer in, a {@code sendonly} answer out with ICE-lite, our DTLS
 * fingerprint and our one host candidate; the session then waits for the listener's ICE checks and DTLS handshake on the
 * media port and is removed if they do not complete within the setup timeout (30 s by default).
 *
 * <p>Thread-safe: called by the app's HTTP threads.
 */
final class MediaWhepService implements WhepService {
    /** Sessions waiting for ICE and DTLS at once; beyond this, subscribe is refused (a flood of offers costs little). */
    static final int MAX_PENDING = 2_000;

    private final SecureRandom random = new SecureRandom();
    private final Function<String, ShowRouter> routers;
    private final PeerTable peers;
    private final Fingerprint fingerprint;
    private final String candidateIp;
    private final int candidatePort;
    private final LongSupplier nanoClock;

    MediaWhepService(Function<String, ShowRouter> routers, PeerTable peers, Fingerprint fingerprint, String candidateIp,
            int candidatePort, LongSupplier nanoClock) {
        this.routers = requireNonNull(routers, "routers");
        this.peers = requireNonNull(peers, "peers");
        this.fingerprint = requireNonNull(fingerprint, "fingerprint");
        this.candidateIp = requireNonNull(candidateIp, "candidateIp");
        this.candidatePort = candidatePort;
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
    }

    @Override
    public WhepSession subscribe(String showId, String offerSdp) throws NoSuchShowException, SdpException {
        requireNonNull(showId, "showId");
        requireNonNull(offerSdp, "offerSdp");
        ShowRouter router = routers.apply(showId);
        if (router == null) {
            throw new NoSuchShowException(showId);
        }
        AudioOffer offer = WebRtcSdp.parseOffer(offerSdp);
        if (offer.direction() == Direction.SENDONLY || offer.direction() == Direction.INACTIVE) {
            throw new SdpException("audio direction: " + offer.direction().attribute()
                    + " (expected: recvonly or sendrecv, a WHEP listener receives)");
        }
        if (peers.pending() >= MAX_PENDING) {
            throw new IllegalStateException("too many sessions waiting to connect: " + MAX_PENDING + " (expected: fewer; retry later)");
        }
        IceCredentials ice = IceCredentials.random();
        String sessionId = newSessionId(random);
        String tag = "encore-" + showId;
        LocalMedia local = new LocalMedia(ice, fingerprint, candidateIp, candidatePort, Direction.SENDONLY, router.outgoingSsrc(),
                tag, tag, router.show().audio().stereo(), 0);
        String answer = WebRtcSdp.answer(offer, local);
        peers.add(new PeerSession(sessionId, router, ice, offer.remoteIce().ufrag(), offer.fingerprint(), offer.opusPayloadType(),
                nanoClock.getAsLong()));
        return new WhepSession(sessionId, answer);
    }

    @Override
    public boolean unsubscribe(String showId, String sessionId) {
        if (showId == null || sessionId == null) {
            return false;
        }
        PeerSession session = peers.byId(sessionId);
        if (session == null || session.publisher() || !session.router().showId().equals(showId)) {
            return false;
        }
        return peers.remove(session, SessionEndReason.UNSUBSCRIBED);
    }

    /** 144 random bits, URL-safe base64 without padding (24 characters). */
    static String newSessionId(SecureRandom random) {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
