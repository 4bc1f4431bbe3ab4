package dev.encore.media;

import static dev.encore.media.TestPackets.show;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.protocol.dtls.DtlsIdentity;
import dev.encore.protocol.sdp.Direction;
import dev.encore.protocol.sdp.LocalMedia;
import dev.encore.protocol.sdp.SdpException;
import dev.encore.protocol.sdp.WebRtcSdp;
import dev.encore.protocol.stun.IceCredentials;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The WHIP service's offer/answer and session bookkeeping, without media. */
class WhipServiceTest {
    private MediaServer server;

    @BeforeEach
    void start() throws Exception {
        server = MediaServer.start(new MediaServerConfig("127.0.0.1", 0, null, 1));
        server.addShow(show("live", 96_000, null));
        server.addShow(show("other", 64_000, null));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String fixture(String name) throws Exception {
        try (InputStream in = WhipServiceTest.class.getResourceAsStream("/sdp/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String javaOffer(Direction direction) {
        return WebRtcSdp.offer(new LocalMedia(IceCredentials.random(), DtlsIdentity.generate().fingerprint(), null, 0, direction,
                1234, "cname", "stream", true, 0));
    }

    private static List<String> lines(String sdp) {
        return Arrays.asList(sdp.split("\r\n"));
    }

    @Test
    void anObsOfferIsAnsweredRecvonlyWithTheShowsBitrateAndItsVideoRejected() throws Exception {
        WhipSession session = server.whip().publish("live", fixture("obs-whip-sendonly.sdp"));
        List<String> answer = lines(session.answerSdp());
        int audio = answer.indexOf(answer.stream().filter(l -> l.startsWith("m=audio ")).findFirst().orElseThrow());
        int video = answer.indexOf(answer.stream().filter(l -> l.startsWith("m=video ")).findFirst().orElseThrow());
        assertThat(answer.get(audio)).isEqualTo("m=audio " + server.localAddress().getPort() + " UDP/TLS/RTP/SAVPF 111");
        List<String> audioSection = answer.subList(audio, video);
        assertThat(audioSection).contains("a=recvonly", "a=setup:passive", "a=rtcp-mux", "a=mid:0",
                "a=fmtp:111 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;maxaveragebitrate=96000");
        assertThat(audioSection).noneMatch(l -> l.startsWith("a=ssrc:") || l.startsWith("a=msid:"));
        assertThat(answer).contains("a=ice-lite");
        assertThat(answer.get(video)).isEqualTo("m=video 0 UDP/TLS/RTP/SAVPF 96");
        assertThat(session.sessionId()).hasSizeGreaterThanOrEqualTo(22).matches("[A-Za-z0-9_-]+");

        PeerSession peer = server.peers().byId(session.sessionId());
        assertThat(peer.publisher()).isTrue();
        assertThat(peer.announcedSsrc()).isEqualTo(3508721449L);
        assertThat(server.showRouter("live").publisherSessions()).isEqualTo(1);
        assertThat(server.mediaMetrics().whipSessionsCreated()).isEqualTo(1);
    }

    @Test
    void offersThatDoNotSendAreRefused() {
        assertThatThrownBy(() -> server.whip().publish("live", javaOffer(Direction.RECVONLY)))
                .isInstanceOf(SdpException.class).hasMessageContaining("recvonly").hasMessageContaining("expected");
        assertThatThrownBy(() -> server.whip().publish("live", "v=0\r\nnonsense"))
                .isInstanceOf(SdpException.class);
        assertThatThrownBy(() -> server.whip().publish("nowhere", javaOffer(Direction.SENDONLY)))
                .isInstanceOf(NoSuchShowException.class);
        assertThat(server.peers().size()).isZero();
    }

    @Test
    void unpublishEndsOnlyThatShowsPublisherSession() throws Exception {
        WhipSession publisher = server.whip().publish("live", javaOffer(Direction.SENDONLY));
        WhepSession listener = server.whep().subscribe("live", javaOffer(Direction.RECVONLY));

        assertThat(server.whip().unpublish("live", "no-such-session")).isFalse();
        assertThat(server.whip().unpublish("other", publisher.sessionId())).isFalse();
        assertThat(server.whip().unpublish("live", listener.sessionId())).as("a listener's session").isFalse();
        assertThat(server.whep().unsubscribe("live", publisher.sessionId())).as("WHEP cannot end a publisher").isFalse();
        assertThat(server.whip().unpublish(null, publisher.sessionId())).isFalse();

        assertThat(server.whip().unpublish("live", publisher.sessionId())).isTrue();
        assertThat(server.whip().unpublish("live", publisher.sessionId())).isFalse();
        assertThat(server.showRouter("live").publisherSessions()).isZero();
        assertThat(server.peers().size()).isEqualTo(1);
    }
}
