package dev.encore.protocol.sdp;

import dev.encore.protocol.dtls.Fingerprint;
import dev.encore.protocol.stun.IceCredentials;
import java.util.Map;

/**
 * What a WebRTC offer (from a browser, OBS, or the Java client) asks for, validated: the first audio section carrying Opus.
 *
 * @param sdp the parsed offer, for building the answer section by section
 * @param audioIndex index of the accepted audio media section in {@code sdp}
 * @param mid that section's {@code a=mid}
 * @param opusPayloadType Opus's dynamic payload type in the offer
 * @param opusFmtp Opus format parameters offered ({@code minptime}, {@code useinbandfec}, ...)
 * @param remoteIce the offerer's ICE credentials
 * @param fingerprint the offerer's DTLS fingerprint (sha-256)
 * @param setup the offerer's setup role (actpass or active; passive is refused: we are always passive)
 * @param direction the offerer's direction for the audio section
 * @param remoteSsrc the offerer's audio SSRC from {@code a=ssrc}, or -1 when none was announced
 * @param extensions header extensions offered ({@code a=extmap}): id → URI
 */
public record AudioOffer(SessionDescription sdp, int audioIndex, String mid, int opusPayloadType, Map<String, String> opusFmtp,
        IceCredentials remoteIce, Fingerprint fingerprint, Setup setup, Direction direction, long remoteSsrc,
        Map<Integer, String> extensions) {
}
