package dev.encore.loadtest.janus;

import static dev.encore.loadtest.janus.JanusFixtures.CLIENT_FINGERPRINT;
import static dev.encore.loadtest.janus.JanusFixtures.CLIENT_ICE;
import static dev.encore.loadtest.janus.JanusFixtures.JANUS_OFFER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.protocol.sdp.AudioAnswer;
import dev.encore.protocol.sdp.AudioOffer;
import dev.encore.protocol.sdp.Direction;
import dev.encore.protocol.sdp.SdpException;
import dev.encore.protocol.sdp.Setup;
import dev.encore.protocol.sdp.WebRtcSdp;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class JanusSdpTest {

    @Test
    void answerSpeaksForTheClientAsActiveReceiveOnlyOpus() throws Exception {
        String answer = JanusSdp.answer(JANUS_OFFER, JanusFixtures.clientOffer());

        assertThat(answer).contains("a=setup:active\r\n", "a=recvonly\r\n", "a=rtcp-mux\r\n", "a=mid:a\r\n",
                "a=group:BUNDLE a\r\n", "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n", "a=rtpmap:111 opus/48000/2\r\n",
                "a=ice-ufrag:" + CLIENT_ICE.ufrag() + "\r\n", "a=ice-pwd:" + CLIENT_ICE.pwd() + "\r\n",
                "a=fingerprint:" + CLIENT_FINGERPRINT.toSdp() + "\r\n", "stereo=1");
        // no candidate: Janus learns the client's address from its first check (peer-reflexive)
        assertThat(answer).doesNotContain("a=candidate", "ice-lite", JanusFixtures.JANUS_UFRAG);
        // an answer any offerer-side parser reads as one: the codec's own reading of it as an offer checks the attributes
        AudioOffer reread = WebRtcSdp.parseOffer(answer.replace("a=setup:active", "a=setup:actpass"));
        assertThat(reread.remoteIce()).isEqualTo(CLIENT_ICE);
        assertThat(reread.fingerprint()).isEqualTo(CLIENT_FINGERPRINT);
        assertThat(reread.direction()).isEqualTo(Direction.RECVONLY);
        assertThat(reread.opusPayloadType()).isEqualTo(111);
    }

    @Test
    void answerFollowsTheOfferedPayloadTypeAndRefusesOtherSections() throws Exception {
        String offer = JANUS_OFFER.replace("UDP/TLS/RTP/SAVPF 111", "UDP/TLS/RTP/SAVPF 109").replace("a=rtpmap:111", "a=rtpmap:109")
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 192.0.2.2\r\na=mid:d\r\n";

        String answer = JanusSdp.answer(offer, JanusFixtures.clientOffer());

        assertThat(answer).contains("m=audio 9 UDP/TLS/RTP/SAVPF 109\r\n", "a=rtpmap:109 opus/48000/2\r\n",
                "m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n", "a=mid:d\r\n");
    }

    @Test
    void refusesAnOfferWithoutOpus() {
        String offer = JANUS_OFFER.replace("opus/48000/2", "PCMU/8000");

        assertThatThrownBy(() -> JanusSdp.answer(offer, JanusFixtures.clientOffer())).isInstanceOf(SdpException.class)
                .hasMessageContaining("no Opus audio");
    }

    @Test
    void refusesToBeTheDtlsServer() {
        String offer = JANUS_OFFER.replace("a=setup:actpass", "a=setup:active");

        assertThatThrownBy(() -> JanusSdp.answer(offer, JanusFixtures.clientOffer())).isInstanceOf(SdpException.class)
                .hasMessageContaining("a=setup:active");
    }

    @Test
    void offerReadAsAnswerGivesJanusCredentialsCandidateAndPassiveRole() throws Exception {
        AudioAnswer answer = WebRtcSdp.parseAnswer(JanusSdp.offerAsAnswer(JANUS_OFFER));

        assertThat(answer.setup()).isEqualTo(Setup.PASSIVE);
        assertThat(answer.remoteIce().ufrag()).isEqualTo(JanusFixtures.JANUS_UFRAG);
        assertThat(answer.remoteIce().pwd()).isEqualTo(JanusFixtures.JANUS_PWD);
        assertThat(answer.fingerprint().toSdp()).endsWith(JanusFixtures.JANUS_FINGERPRINT);
        assertThat(answer.opusPayloadType()).isEqualTo(111);
        assertThat(answer.iceLite()).isFalse();
        assertThat(answer.candidates()).containsExactly(new InetSocketAddress("192.0.2.2", 23639));
        assertThat(answer.remoteSsrc()).isEqualTo(4294527261L);
    }
}
