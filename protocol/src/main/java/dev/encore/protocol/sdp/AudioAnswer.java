package dev.encore.protocol.sdp;

import dev.encore.protocol.dtls.Fingerprint;
import dev.encore.protocol.stun.IceCredentials;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * What a WebRTC answer (from the Encore server, as the Java client reads it) says about its audio section.
 *
 * @param mid the audio section's mid
 * @param opusPayloadType Opus's payload type
 * @param remoteIce the answerer's ICE credentials
 * @param fingerprint the answerer's DTLS fingerprint
 * @param setup the answerer's role (passive for Encore)
 * @param iceLite whether the answerer declared {@code a=ice-lite}
 * @param candidates the UDP host candidates, in order of priority
 * @param remoteSsrc the SSRC the answerer will send with, or -1 if none was announced
 */
public record AudioAnswer(String mid, int opusPayloadType, IceCredentials remoteIce, Fingerprint fingerprint, Setup setup,
        boolean iceLite, List<InetSocketAddress> candidates, long remoteSsrc) {
}
