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
 * The steps a WHEP listener's session (draft-ietf-wish-whep) and a WHIP publisher's session
 * (<a href="https://www.rfc-editor.org/rfc/rfc9725">RFC 9725</a>) share: find the show, parse and check the offer, refuse
 * when too many sessions wait to connect, draw ICE credentials and a session id, answer with ICE-lite, our DTLS fingerprint
 * and our one host candidate, and register the session to wait for ICE and DTLS on the media port. What differs (the
 * direction, the SSRC and bit rate in the answer, the publisher flag) comes in a {@link Role}.
 *
 * <p>Thread-safe: called by the app's HTTP threads.
 */
final class SessionSetup {
    /** Sessions waiting for ICE and DTLS at once; beyond this, new sessions are refused (a flood of offers costs little). */
    static final int MAX_PENDING = 2_000;

    private final SecureRandom random = new SecureRandom();
    private final Function<String, ShowRouter> routers;
    private final PeerTable peers;
    private final Fingerprint fingerprint;
    private final String candidateIp;
    private final int candidatePort;
    private final LongSupplier nanoClock;

    /**
     * What one kind of session answers.
     *
     * @param direction our audio direction in the answer; an offer with this direction (or {@code inactive}) is refused
     * @param expectedOffer the directions an offer may have, and why, for the refusal's message
     * @param ssrc the SSRC we announce in the answer, 0 for none
     * @param maxAverageBitrate the Opus {@code maxaveragebitrate} we ask for, 0 for none
     * @param publisher whether the session is a publisher's (media comes in) rather than a listener's
     */
    record Role(Direction direction, String expectedOffer, long ssrc, int maxAverageBitrate, boolean publisher) {
        Role {
            requireNonNull(direction, "direction");
            requireNonNull(expectedOffer, "expectedOffer");
        }
    }

    /** A registered session: its show's router, its id and our SDP answer. */
    record Opened(ShowRouter router, String sessionId, String answerSdp) {
    }

    SessionSetup(Function<String, ShowRouter> routers, PeerTable peers, Fingerprint fingerprint, String candidateIp,
            int candidatePort, LongSupplier nanoClock) {
        this.routers = requireNonNull(routers, "routers");
        this.peers = requireNonNull(peers, "peers");
        this.fingerprint = requireNonNull(fingerprint, "fingerprint");
        this.candidateIp = requireNonNull(candidateIp, "candidateIp");
        this.candidatePort = candidatePort;
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Opens a session for an offer to the show {@code showId}, in the {@link Role} that {@code role} gives for the show's
     * router, and registers it in the peer table.
     *
     * @throws IllegalStateException when {@link #MAX_PENDING} sessions already wait to connect, or a listener would join a
     *     show whose fan-out runs late ({@link ShowRouter#refusesListeners})
     */
    Opened open(String showId, String offerSdp, Function<ShowRouter, Role> role) throws NoSuchShowException, SdpException {
        requireNonNull(showId, "showId");
        requireNonNull(offerSdp, "offerSdp");
        ShowRouter router = routers.apply(showId);
        if (router == null) {
            throw new NoSuchShowException(showId);
        }
        Role ours = role.apply(router);
        AudioOffer offer = WebRtcSdp.parseOffer(offerSdp);
        if (offer.direction() == ours.direction() || offer.direction() == Direction.INACTIVE) {
            throw new SdpException("audio direction: " + offer.direction().attribute() + " (expected: " + ours.expectedOffer() + ")");
        }
        String guard = ours.publisher() ? null : router.refusesListeners();
        if (guard != null) {
            throw new IllegalStateException(guard);
        }
        if (peers.pending() >= MAX_PENDING) {
            throw new IllegalStateException("too many sessions waiting to connect: " + MAX_PENDING + " (expected: fewer; retry later)");
        }
        IceCredentials ice = IceCredentials.random();
        String sessionId = newSessionId(random);
        String tag = "encore-" + showId;
        LocalMedia local = new LocalMedia(ice, fingerprint, candidateIp, candidatePort, ours.direction(), ours.ssrc(), tag, tag,
                router.show().audio().stereo(), ours.maxAverageBitrate());
        String answer = WebRtcSdp.answer(offer, local);
        peers.add(new PeerSession(sessionId, router, ice, offer.remoteIce().ufrag(), offer.fingerprint(), offer.opusPayloadType(),
                nanoClock.getAsLong(), ours.publisher(), ours.publisher() ? offer.remoteSsrc() : -1));
        return new Opened(router, sessionId, answer);
    }

    /**
     * Closes the session {@code sessionId} of the show {@code showId} if it is a publisher's ({@code publisher}) or a
     * listener's session as asked; false when there is no such session.
     */
    boolean close(String showId, String sessionId, boolean publisher) {
        if (showId == null || sessionId == null) {
            return false;
        }
        PeerSession session = peers.byId(sessionId);
        if (session == null || session.publisher() != publisher || !session.router().showId().equals(showId)) {
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
