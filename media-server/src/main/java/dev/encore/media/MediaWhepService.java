package dev.encore.media;

import dev.encore.protocol.dtls.Fingerprint;
import dev.encore.protocol.sdp.Direction;
import dev.encore.protocol.sdp.SdpException;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * WHEP listener sessions (draft-ietf-wish-whep): an offer in, a {@code sendonly} answer out with ICE-lite, our DTLS
 * fingerprint and our one host candidate (see {@link SessionSetup}); the session then waits for the listener's ICE checks
 * and DTLS handshake on the media port and is removed if they do not complete within the setup timeout (30 s by default).
 *
 * <p>Thread-safe: called by the app's HTTP threads.
 */
final class MediaWhepService implements WhepService {
    private final SessionSetup setup;

    MediaWhepService(Function<String, ShowRouter> routers, PeerTable peers, Fingerprint fingerprint, String candidateIp,
            int candidatePort, LongSupplier nanoClock) {
        this.setup = new SessionSetup(routers, peers, fingerprint, candidateIp, candidatePort, nanoClock);
    }

    @Override
    public WhepSession subscribe(String showId, String offerSdp) throws NoSuchShowException, SdpException {
        SessionSetup.Opened opened = setup.open(showId, offerSdp, router -> new SessionSetup.Role(Direction.SENDONLY,
                "recvonly or sendrecv, a WHEP listener receives", router.outgoingSsrc(), 0, false));
        return new WhepSession(opened.sessionId(), opened.answerSdp());
    }

    @Override
    public boolean unsubscribe(String showId, String sessionId) {
        return setup.close(showId, sessionId, false);
    }
}
