package dev.encore.protocol.sdp;

import dev.encore.protocol.dtls.Fingerprint;
import dev.encore.protocol.stun.IceCredentials;

/**
 * What our side puts into an offer or answer for one audio section.
 *
 * @param ice our ICE credentials
 * @param fingerprint our DTLS certificate fingerprint
 * @param candidateIp the host candidate address (the announce IP, or the bound address); null for none (client offers)
 * @param candidatePort the host candidate port
 * @param direction our direction: SENDONLY for a WHEP listener session, RECVONLY for WHIP ingest and for the Java client
 * @param ssrc our sending SSRC (announced with {@code a=ssrc} and {@code a=msid}); ignored when we do not send
 * @param cname the RTCP CNAME for {@code a=ssrc:<ssrc> cname:...}
 * @param streamId the MediaStream id for {@code a=msid}
 * @param stereo whether to ask for / offer stereo ({@code stereo=1; sprop-stereo=1})
 * @param maxAverageBitrate Opus {@code maxaveragebitrate} in bit/s, or 0 for none
 */
public record LocalMedia(IceCredentials ice, Fingerprint fingerprint, String candidateIp, int candidatePort,
        Direction direction, long ssrc, String cname, String streamId, boolean stereo, int maxAverageBitrate) {
}
