package dev.encore.loadtest.janus;

import dev.encore.protocol.dtls.Fingerprint;
import dev.encore.protocol.sdp.Direction;
import dev.encore.protocol.sdp.LocalMedia;
import dev.encore.protocol.sdp.WebRtcSdp;
import dev.encore.protocol.stun.IceCredentials;

/** What Janus 1.1.2's streaming plugin offered for an Opus RTP mountpoint (captured from Debian's package), and a client offer. */
final class JanusFixtures {
    static final String JANUS_UFRAG = "5dFE";
    static final String JANUS_PWD = "flrJEXBHji/LktsVVY/PUH";
    static final String JANUS_FINGERPRINT =
            "74:66:54:68:B9:5E:9D:EB:39:3A:E0:55:6F:56:07:A2:77:4E:50:5A:0D:71:F8:6E:AD:07:19:BE:52:92:CE:95";
    static final String JANUS_OFFER = String.join("\r\n",
            "v=0",
            "o=- 1795334785350745 1 IN IP4 192.0.2.2",
            "s=Mountpoint 1",
            "t=0 0",
            "a=group:BUNDLE a",
            "a=ice-options:trickle",
            "a=fingerprint:sha-256 " + JANUS_FINGERPRINT,
            "a=extmap-allow-mixed",
            "a=msid-semantic: WMS *",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111",
            "c=IN IP4 192.0.2.2",
            "a=sendonly",
            "a=mid:a",
            "a=rtcp-mux",
            "a=ice-ufrag:" + JANUS_UFRAG,
            "a=ice-pwd:" + JANUS_PWD,
            "a=ice-options:trickle",
            "a=setup:actpass",
            "a=rtpmap:111 opus/48000/2",
            "a=rtcp-fb:111 transport-cc",
            "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
            "a=fmtp:111 stereo=1;sprop-stereo=1",
            "a=msid:janus janusa",
            "a=ssrc:4294527261 cname:janus",
            "a=candidate:1 1 udp 2015363327 192.0.2.2 23639 typ host",
            "a=end-of-candidates",
            "");

    static final IceCredentials CLIENT_ICE = new IceCredentials("cLiEnTuf", "cLiEnTpasswordpassword12");
    static final Fingerprint CLIENT_FINGERPRINT = Fingerprint.parse("sha-256 "
            + "01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F:20");

    private JanusFixtures() {
    }

    /** The offer a listener session writes (and never sends to Janus). */
    static String clientOffer() {
        return WebRtcSdp.offer(new LocalMedia(CLIENT_ICE, CLIENT_FINGERPRINT, null, 0, Direction.RECVONLY, 1234, "listener", "listener",
                true, 0));
    }
}
