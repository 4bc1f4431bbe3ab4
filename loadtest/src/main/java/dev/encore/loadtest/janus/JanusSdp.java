package dev.encore.loadtest.janus;

import static java.util.Objects.requireNonNull;

import dev.encore.protocol.sdp.AudioOffer;
import dev.encore.protocol.sdp.MediaSection;
import dev.encore.protocol.sdp.SdpException;
import dev.encore.protocol.sdp.SdpLine;
import dev.encore.protocol.sdp.SessionDescription;
import dev.encore.protocol.sdp.WebRtcSdp;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns Janus's offer/answer around for the Java client, which only knows how to offer (RFC 3264, RFC 8829):
 * <ul>
 *   <li>{@link #answer}: the answer Janus gets. Its ICE credentials and fingerprint are the ones the client put in its own
 *       (unsent) offer, so the client's session authenticates Janus's checks and runs DTLS with them; {@code a=setup:active}
 *       (RFC 8842 §5.3: the client stays the DTLS client), {@code a=recvonly}, Opus at the offer's payload type, no
 *       candidate (the client's port is bound after signaling: Janus learns it as a peer-reflexive candidate from the
 *       client's first check, RFC 8445 §7.3.1.3).</li>
 *   <li>{@link #offerAsAnswer}: Janus's offer as the answer the client's session reads: the same text with
 *       {@code a=setup:actpass} read as {@code a=setup:passive}, the role Janus takes once we answered active.</li>
 * </ul>
 * Stateless; any thread.
 */
final class JanusSdp {
    private JanusSdp() {
    }

    /**
     * The answer to Janus's {@code janusOffer}, speaking for the client whose offer was {@code clientOffer}.
     *
     * @throws SdpException when either is unusable (no Opus audio in Janus's offer, Janus insisting on being the DTLS
     *     client, ...)
     */
    static String answer(String janusOffer, String clientOffer) throws SdpException {
        AudioOffer client = WebRtcSdp.parseOffer(requireNonNull(clientOffer, "clientOffer"));
        SessionDescription offer = SessionDescription.parse(requireNonNull(janusOffer, "janusOffer"));
        int audioIndex = -1;
        int pt = -1;
        for (int i = 0; i < offer.media().size() && audioIndex < 0; i++) {
            MediaSection section = offer.media().get(i);
            if (section.type().equals("audio") && section.port() != 0) {
                pt = opusPayloadType(section);
                if (pt >= 0) {
                    audioIndex = i;
                }
            }
        }
        if (audioIndex < 0) {
            throw new SdpException("Janus's offer has no Opus audio (expected: an m=audio section with a=rtpmap:<pt> opus/48000/2;"
                    + " is the mountpoint's audiocodec opus?)");
        }
        MediaSection audio = offer.media().get(audioIndex);
        String setup = attribute(offer, audio, "setup");
        if (setup != null && setup.strip().equalsIgnoreCase("active")) {
            throw new SdpException("Janus's offer says a=setup:active (expected: actpass or passive: the Java client is always"
                    + " the DTLS client)");
        }
        StringBuilder out = new StringBuilder(768);
        line(out, "v=0");
        line(out, "o=- " + ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE) + " 1 IN IP4 0.0.0.0");
        line(out, "s=-");
        line(out, "t=0 0");
        String mid = audio.mid();
        if (mid != null && offer.attribute("group") != null) {
            line(out, "a=group:BUNDLE " + mid);
        }
        line(out, "a=msid-semantic: WMS *");
        for (int i = 0; i < offer.media().size(); i++) {
            MediaSection section = offer.media().get(i);
            if (i != audioIndex) {
                // RFC 3264 §6: a section we refuse is answered with port 0
                line(out, "m=" + section.type() + " 0 " + section.protocol() + " " + section.formats().get(0));
                line(out, "c=IN IP4 0.0.0.0");
                if (section.mid() != null) {
                    line(out, "a=mid:" + section.mid());
                }
                continue;
            }
            line(out, "m=audio 9 " + section.protocol() + " " + pt);
            line(out, "c=IN IP4 0.0.0.0");
            if (mid != null) {
                line(out, "a=mid:" + mid);
            }
            line(out, "a=ice-ufrag:" + client.remoteIce().ufrag());
            line(out, "a=ice-pwd:" + client.remoteIce().pwd());
            line(out, "a=fingerprint:" + client.fingerprint().toSdp());
            line(out, "a=setup:active");
            line(out, "a=recvonly");
            line(out, "a=rtcp-mux");
            line(out, "a=rtpmap:" + pt + " opus/48000/2");
            line(out, "a=fmtp:" + pt + " minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1");
            line(out, "a=end-of-candidates");
        }
        return out.toString();
    }

    /**
     * Janus's offer as an answer the client's session accepts: {@code a=setup:actpass} becomes {@code a=setup:passive}.
     * Everything else (credentials, fingerprint, candidates, payload type) is read as Janus wrote it.
     */
    static String offerAsAnswer(String janusOffer) {
        String[] lines = requireNonNull(janusOffer, "janusOffer").split("\r\n|\n", -1);
        StringBuilder out = new StringBuilder(janusOffer.length());
        for (String l : lines) {
            if (l.isEmpty()) {
                continue;
            }
            if (l.toLowerCase(Locale.ROOT).startsWith("a=setup:actpass")) {
                l = "a=setup:passive";
            }
            line(out, l);
        }
        return out.toString();
    }

    private static String attribute(SessionDescription sdp, MediaSection section, String name) {
        String value = section.attribute(name);
        return value != null ? value : sdp.attribute(name);
    }

    /** The first payload type mapped to opus/48000/2 among the section's formats, or -1. */
    static int opusPayloadType(MediaSection section) {
        for (SdpLine line : section.attributes("rtpmap")) {
            String[] f = line.attributeValue().strip().split("\\s+");
            if (f.length == 2 && f[1].equalsIgnoreCase("opus/48000/2") && section.formats().contains(f[0])) {
                try {
                    return Integer.parseInt(f[0]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static void line(StringBuilder out, String line) {
        out.append(line).append("\r\n");
    }
}
