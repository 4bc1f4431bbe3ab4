package dev.encore.protocol.sdp;

import static dev.encore.protocol.sdp.SdpFixtures.load;
import static dev.encore.protocol.sdp.SdpFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.encore.protocol.stun.IceCredentials;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class WebRtcSdpTest {

    private static final String TWCC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    private static final String CHROME_FINGERPRINT =
            "sha-256 6A:0F:93:C1:5E:2B:D8:47:A0:1C:7E:F4:32:9B:66:D5:08:E1:4A:BC:73:2D:F9:05:C6:81:3E:5A:B7:40:9D:12";

    // ---------------------------------------------------------------- parseOffer on real-shaped offers

    @Test
    void chromeWhepOffer() throws SdpException {
        AudioOffer offer = WebRtcSdp.parseOffer(load(SdpFixtures.CHROME_WHEP_RECVONLY));

        assertThat(offer.audioIndex()).isZero();
        assertThat(offer.mid()).isEqualTo("0");
        assertThat(offer.opusPayloadType()).isEqualTo(111);
        assertThat(offer.opusFmtp()).containsExactly(entry("minptime", "10"), entry("useinbandfec", "1"));
        assertThat(offer.remoteIce()).isEqualTo(new IceCredentials("Qm7v", "tB2kHq9XwL4sYd0VnR6cPe1Z"));
        assertThat(offer.fingerprint().algorithm()).isEqualTo("sha-256");
        assertThat(offer.fingerprint().toSdp()).isEqualTo(CHROME_FINGERPRINT);
        assertThat(offer.setup()).isEqualTo(Setup.ACTPASS);
        assertThat(offer.direction()).isEqualTo(Direction.RECVONLY);
        assertThat(offer.remoteSsrc()).isEqualTo(-1);
        assertThat(offer.extensions()).containsExactly(entry(1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"),
                entry(2, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"), entry(3, TWCC),
                entry(4, "urn:ietf:params:rtp-hdrext:sdes:mid"));
        assertThat(offer.sdp().media()).hasSize(2);
    }

    @Test
    void chromeSendrecvOffer() throws SdpException {
        AudioOffer offer = WebRtcSdp.parseOffer(load(SdpFixtures.CHROME_SENDRECV));

        assertThat(offer.direction()).isEqualTo(Direction.SENDRECV);
        assertThat(offer.remoteSsrc()).isEqualTo(2983517604L);
        assertThat(offer.remoteIce().ufrag()).isEqualTo("v3Rk");
    }

    @Test
    void firefoxOfferWithSessionLevelFingerprintAndExtmapDirections() throws SdpException {
        AudioOffer offer = WebRtcSdp.parseOffer(load(SdpFixtures.FIREFOX_SENDRECV));

        assertThat(offer.mid()).isEqualTo("0");
        assertThat(offer.opusPayloadType()).isEqualTo(109);
        assertThat(offer.opusFmtp()).containsExactly(entry("maxplaybackrate", "48000"), entry("stereo", "1"), entry("useinbandfec", "1"));
        assertThat(offer.fingerprint().toSdp()).startsWith("sha-256 3D:A8:51:0C");
        assertThat(offer.remoteIce()).isEqualTo(new IceCredentials("b71d04e9", "5e0c8a1f7b3d96e24c1a0f8b7d6e5c4a"));
        assertThat(offer.setup()).isEqualTo(Setup.ACTPASS);
        assertThat(offer.direction()).isEqualTo(Direction.SENDRECV);
        assertThat(offer.remoteSsrc()).isEqualTo(1486220937L);
        assertThat(offer.extensions()).containsExactly(entry(1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"),
                entry(2, "urn:ietf:params:rtp-hdrext:csrc-audio-level"), entry(3, "urn:ietf:params:rtp-hdrext:sdes:mid"));
    }

    @Test
    void obsWhipOfferWithEverythingAtSessionLevel() throws SdpException {
        AudioOffer offer = WebRtcSdp.parseOffer(load(SdpFixtures.OBS_WHIP_SENDONLY));

        assertThat(offer.mid()).isEqualTo("0");
        assertThat(offer.opusPayloadType()).isEqualTo(111);
        assertThat(offer.opusFmtp()).containsEntry("maxaveragebitrate", "96000").containsEntry("sprop-stereo", "1");
        assertThat(offer.remoteIce()).isEqualTo(new IceCredentials("Wd4p", "K8r2vXn0qLzT6sYh3mBf1c"));
        assertThat(offer.fingerprint().toSdp()).startsWith("sha-256 91:4E:0B");
        assertThat(offer.setup()).isEqualTo(Setup.ACTPASS);
        assertThat(offer.direction()).isEqualTo(Direction.SENDONLY);
        assertThat(offer.remoteSsrc()).isEqualTo(3508721449L);
        assertThat(offer.extensions()).isEmpty();
    }

    // ---------------------------------------------------------------- answer

    @Test
    void whepAnswerAcceptsOpusInStereoAndRejectsVideo() throws SdpException {
        AudioOffer offer = WebRtcSdp.parseOffer(load(SdpFixtures.CHROME_WHEP_RECVONLY));

        String text = WebRtcSdp.answer(offer, server(Direction.SENDONLY));
        SessionDescription answer = SessionDescription.parse(text);

        assertThat(answer.encode()).isEqualTo(text);
        assertThat(answer.sessionLines()).extracting(SdpLine::text).contains("a=ice-lite", "a=group:BUNDLE 0", "a=msid-semantic: WMS *");
        assertThat(answer.media()).extracting(MediaSection::type).containsExactly("audio", "video");
        MediaSection audio = answer.media().get(0);
        assertThat(audio.port()).isEqualTo(40000);
        assertThat(audio.protocol()).isEqualTo("UDP/TLS/RTP/SAVPF");
        assertThat(audio.formats()).containsExactly("111");
        assertThat(audio.lines()).extracting(SdpLine::text).containsExactly(
                "c=IN IP4 203.0.113.10",
                "a=mid:0",
                "a=ice-ufrag:EnCr",
                "a=ice-pwd:s3rv3rPwd+/abcdefghijKLM",
                "a=fingerprint:" + SdpFixtures.SERVER_FINGERPRINT.toSdp(),
                "a=setup:passive",
                "a=sendonly",
                "a=msid:show-1 show-1-audio",
                "a=rtcp-mux",
                "a=rtpmap:111 opus/48000/2",
                "a=fmtp:111 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;maxaveragebitrate=128000",
                "a=ssrc:305419896 cname:encore",
                "a=candidate:1 1 udp 2130706431 203.0.113.10 40000 typ host",
                "a=end-of-candidates");
        MediaSection video = answer.media().get(1);
        assertThat(video.port()).isZero();
        assertThat(video.protocol()).isEqualTo("UDP/TLS/RTP/SAVPF");
        assertThat(video.formats()).containsExactly("96");
        assertThat(video.lines()).extracting(SdpLine::text).containsExactly("c=IN IP4 0.0.0.0", "a=mid:1");
        assertThat(text).doesNotContain("a=extmap", "a=rtcp-fb", "transport-cc");
    }

    @Test
    void capturedChromiumOfferWithDataChannel() throws SdpException {
        // Its answer (written the same way) was accepted by that Chromium's setRemoteDescription: see resources/sdp/README.md.
        AudioOffer offer = WebRtcSdp.parseOffer(load(SdpFixtures.CHROMIUM_156_CAPTURED));
        assertThat(offer.mid()).isEqualTo("0");
        assertThat(offer.direction()).isEqualTo(Direction.RECVONLY);

        SessionDescription answer = SessionDescription.parse(WebRtcSdp.answer(offer, server(Direction.SENDONLY)));

        assertThat(answer.media()).extracting(s -> s.mLine().text()).containsExactly("m=audio 40000 UDP/TLS/RTP/SAVPF 111",
                "m=video 0 UDP/TLS/RTP/SAVPF 96", "m=application 0 UDP/DTLS/SCTP webrtc-datachannel");
        assertThat(answer.media()).extracting(MediaSection::mid).containsExactly("0", "1", "2");
        assertThat(answer.attribute("group")).isEqualTo("BUNDLE 0");
    }

    @Test
    void aRecvonlyOfferAnsweredByASenderGetsSendonly() throws SdpException {
        AudioOffer offer = WebRtcSdp.parseOffer(load(SdpFixtures.CHROME_WHEP_RECVONLY));

        MediaSection audio = SessionDescription.parse(WebRtcSdp.answer(offer, server(Direction.SENDRECV))).media().get(0);

        assertThat(audio.hasAttribute("sendonly")).isTrue();
        assertThat(audio.hasAttribute("sendrecv")).isFalse();
        assertThat(audio.attribute("ssrc")).isEqualTo("305419896 cname:encore");
    }

    @Test
    void whipAnswerIsExactlyThis() throws SdpException {
        AudioOffer offer = WebRtcSdp.parseOffer(load(SdpFixtures.OBS_WHIP_SENDONLY));

        String answer = WebRtcSdp.answer(offer, server(Direction.RECVONLY), 42);

        assertThat(answer).isEqualTo(String.join("\r\n",
                "v=0",
                "o=- 42 1 IN IP4 0.0.0.0",
                "s=-",
                "t=0 0",
                "a=ice-lite",
                "a=group:BUNDLE 0",
                "a=msid-semantic: WMS *",
                "m=audio 40000 UDP/TLS/RTP/SAVPF 111",
                "c=IN IP4 203.0.113.10",
                "a=mid:0",
                "a=ice-ufrag:EnCr",
                "a=ice-pwd:s3rv3rPwd+/abcdefghijKLM",
                "a=fingerprint:sha-256 0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9",
                "a=setup:passive",
                "a=recvonly",
                "a=rtcp-mux",
                "a=rtpmap:111 opus/48000/2",
                "a=fmtp:111 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;maxaveragebitrate=128000",
                "a=candidate:1 1 udp 2130706431 203.0.113.10 40000 typ host",
                "a=end-of-candidates",
                "m=video 0 UDP/TLS/RTP/SAVPF 96",
                "c=IN IP4 0.0.0.0",
                "a=mid:1",
                ""));
    }

    @Test
    void firefoxAnswerKeepsTheOfferedPayloadType() throws SdpException {
        AudioOffer offer = WebRtcSdp.parseOffer(load(SdpFixtures.FIREFOX_SENDRECV));

        SessionDescription answer = SessionDescription.parse(WebRtcSdp.answer(offer, server(Direction.SENDONLY)));

        MediaSection audio = answer.media().get(0);
        assertThat(audio.formats()).containsExactly("109");
        assertThat(audio.attribute("rtpmap")).isEqualTo("109 opus/48000/2");
        assertThat(audio.attribute("fmtp")).startsWith("109 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1");
        assertThat(audio.hasAttribute("sendonly")).isTrue();
        assertThat(answer.media().get(1).port()).isZero();
        assertThat(answer.media().get(1).formats()).containsExactly("120");
        assertThat(answer.attribute("group")).isEqualTo("BUNDLE 0");
    }

    @Test
    void everyOtherSectionIsRejectedInOrderWithItsMid() throws SdpException {
        String offerText = header("a=group:BUNDLE v a1 a2 d")
                + "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 0.0.0.0\r\na=mid:v\r\na=rtpmap:96 VP8/90000\r\n"
                + audioSection("a1", "a=sendrecv")
                + audioSection("a2", "a=sendrecv")
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:d\r\na=sctp-port:5000\r\n";
        AudioOffer offer = WebRtcSdp.parseOffer(offerText);
        assertThat(offer.audioIndex()).isEqualTo(1);

        SessionDescription answer = SessionDescription.parse(WebRtcSdp.answer(offer, server(Direction.SENDONLY)));

        assertThat(answer.media()).extracting(MediaSection::mid).containsExactly("v", "a1", "a2", "d");
        assertThat(answer.media()).extracting(MediaSection::port).containsExactly(0, 40000, 0, 0);
        assertThat(answer.media()).extracting(s -> s.mLine().text()).containsExactly("m=video 0 UDP/TLS/RTP/SAVPF 96",
                "m=audio 40000 UDP/TLS/RTP/SAVPF 111", "m=audio 0 UDP/TLS/RTP/SAVPF 111",
                "m=application 0 UDP/DTLS/SCTP webrtc-datachannel");
        assertThat(answer.media().get(2).lines()).extracting(SdpLine::text).containsExactly("c=IN IP4 0.0.0.0", "a=mid:a2");
        assertThat(answer.attributes("group")).extracting(SdpLine::text).containsExactly("a=group:BUNDLE a1");
    }

    @Test
    void noBundleGroupInTheOfferMeansNoneInTheAnswer() throws SdpException {
        AudioOffer offer = WebRtcSdp.parseOffer(header("") + audioSection("0", "a=sendrecv"));

        String answer = WebRtcSdp.answer(offer, server(Direction.SENDONLY));

        assertThat(answer).doesNotContain("a=group").contains("a=ice-lite\r\n");
    }

    @Test
    void monoWithoutBitrateAndNotSending() throws SdpException {
        AudioOffer offer = WebRtcSdp.parseOffer(load(SdpFixtures.OBS_WHIP_SENDONLY));
        LocalMedia mono = new LocalMedia(SdpFixtures.SERVER_ICE, SdpFixtures.SERVER_FINGERPRINT, "192.0.2.1", 5000,
                Direction.RECVONLY, 1, "x", "y", false, 0);

        MediaSection audio = SessionDescription.parse(WebRtcSdp.answer(offer, mono)).media().get(0);

        assertThat(audio.attribute("fmtp")).isEqualTo("111 minptime=10;useinbandfec=1");
        assertThat(audio.hasAttribute("ssrc")).isFalse();
        assertThat(audio.hasAttribute("msid")).isFalse();
    }

    @Test
    void ipv6CandidateGivesIp6ConnectionLines() throws SdpException {
        AudioOffer offer = WebRtcSdp.parseOffer(load(SdpFixtures.CHROME_WHEP_RECVONLY));

        String text = WebRtcSdp.answer(offer, server(Direction.SENDONLY, "2001:db8::10"));

        MediaSection audio = SessionDescription.parse(text).media().get(0);
        assertThat(audio.lines().get(0).text()).isEqualTo("c=IN IP6 2001:db8::10");
        assertThat(audio.attribute("candidate")).isEqualTo("1 1 udp 2130706431 2001:db8::10 40000 typ host");
        AudioAnswer read = WebRtcSdp.parseAnswer(text);
        assertThat(read.candidates()).hasSize(1);
        assertThat(read.candidates().get(0).getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(read.candidates().get(0).getPort()).isEqualTo(40000);
    }

    @ParameterizedTest
    @CsvSource({
        "SENDRECV, SENDRECV, SENDRECV", "SENDRECV, SENDONLY, SENDONLY", "SENDRECV, RECVONLY, RECVONLY",
        "RECVONLY, SENDRECV, SENDONLY", "RECVONLY, SENDONLY, SENDONLY", "RECVONLY, RECVONLY, INACTIVE",
        "SENDONLY, SENDRECV, RECVONLY", "SENDONLY, RECVONLY, RECVONLY", "SENDONLY, SENDONLY, INACTIVE"})
    void answerDirectionFollowsRfc3264(Direction offered, Direction local, Direction expected) {
        assertThat(WebRtcSdp.answerDirection(offered, local)).isEqualTo(expected);
    }

    @Test
    void localValuesThatWouldInjectSdpAreRefused() throws SdpException {
        AudioOffer offer = WebRtcSdp.parseOffer(load(SdpFixtures.CHROME_WHEP_RECVONLY));
        LocalMedia good = server(Direction.SENDONLY);

        assertThatThrownBy(() -> WebRtcSdp.answer(offer, withCname(good, "en core")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cname");
        assertThatThrownBy(() -> WebRtcSdp.answer(offer, withCname(good, "x\r\na=setup:active")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cname");
        assertThatThrownBy(() -> WebRtcSdp.answer(offer, withIp(good, "media.example.com")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: an IPv4 or IPv6 literal");
        assertThatThrownBy(() -> WebRtcSdp.answer(offer, withIp(good, "10.0.0.1\r\na=x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("candidateIp");
        // Built inside the lambda: IceCredentials itself may refuse a short pwd; either way it never reaches SDP.
        assertThatThrownBy(() -> WebRtcSdp.answer(offer, new LocalMedia(new IceCredentials("abcd", "short"), good.fingerprint(),
                good.candidateIp(), good.candidatePort(), good.direction(), good.ssrc(), good.cname(), good.streamId(), true, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("short");
    }

    // ---------------------------------------------------------------- offer, parseAnswer, round trip

    @Test
    void clientOffer() throws SdpException {
        String text = WebRtcSdp.offer(SdpFixtures.client());
        SessionDescription offer = SessionDescription.parse(text);

        assertThat(offer.attribute("group")).isEqualTo("BUNDLE 0");
        assertThat(offer.media()).hasSize(1);
        MediaSection audio = offer.media().get(0);
        assertThat(audio.mLine().text()).isEqualTo("m=audio 9 UDP/TLS/RTP/SAVPF 111");
        assertThat(audio.lines()).extracting(SdpLine::text).contains("c=IN IP4 0.0.0.0", "a=mid:0", "a=setup:actpass", "a=recvonly",
                "a=rtcp-mux", "a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1",
                "a=ice-ufrag:cl1entUf", "a=fingerprint:" + SdpFixtures.CLIENT_FINGERPRINT.toSdp());
        assertThat(audio.hasAttribute("candidate")).isFalse();
        assertThat(audio.hasAttribute("ssrc")).isFalse();
    }

    @Test
    void clientOfferServerAnswerRoundTrip() throws SdpException {
        AudioOffer offer = WebRtcSdp.parseOffer(WebRtcSdp.offer(SdpFixtures.client()));
        assertThat(offer.remoteIce()).isEqualTo(SdpFixtures.CLIENT_ICE);
        assertThat(offer.fingerprint().value()).isEqualTo(SdpFixtures.CLIENT_FINGERPRINT.value());
        assertThat(offer.direction()).isEqualTo(Direction.RECVONLY);
        assertThat(offer.opusFmtp()).containsEntry("stereo", "1").containsEntry("sprop-stereo", "1");

        AudioAnswer answer = WebRtcSdp.parseAnswer(WebRtcSdp.answer(offer, server(Direction.SENDONLY)));

        assertThat(answer.mid()).isEqualTo("0");
        assertThat(answer.opusPayloadType()).isEqualTo(111);
        assertThat(answer.remoteIce()).isEqualTo(SdpFixtures.SERVER_ICE);
        assertThat(answer.fingerprint().algorithm()).isEqualTo("sha-256");
        assertThat(answer.fingerprint().value()).isEqualTo(SdpFixtures.SERVER_FINGERPRINT.value());
        assertThat(answer.setup()).isEqualTo(Setup.PASSIVE);
        assertThat(answer.iceLite()).isTrue();
        assertThat(answer.candidates()).containsExactly(new InetSocketAddress("203.0.113.10", 40000));
        assertThat(answer.remoteSsrc()).isEqualTo(305419896L);
    }

    @Test
    void parseAnswerKeepsUdpHostCandidatesByPriority() throws SdpException {
        String answer = header("") + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n" + transport("active")
                + "a=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n"
                + "a=candidate:1 1 udp 100 192.0.2.1 1001 typ host\r\n"
                + "a=candidate:2 1 UDP 300 192.0.2.2 1002 typ host\r\n"
                + "a=candidate:3 1 udp 200 2001:db8::3 1003 typ host generation 0\r\n"
                + "a=candidate:4 1 tcp 900 192.0.2.4 9 typ host tcptype passive\r\n"
                + "a=candidate:5 2 udp 800 192.0.2.5 1005 typ host\r\n"
                + "a=candidate:6 1 udp 700 2b9e2f14-6c1a-4d0e-9f3b-5a7c8e1d2f40.local 1006 typ host\r\n"
                + "a=candidate:7 1 udp 600 203.0.113.7 1007 typ srflx raddr 0.0.0.0 rport 0\r\n";

        AudioAnswer read = WebRtcSdp.parseAnswer(answer);

        assertThat(read.candidates()).extracting(InetSocketAddress::getPort).containsExactly(1002, 1003, 1001);
        assertThat(read.candidates()).allSatisfy(a -> assertThat(a.isUnresolved()).isFalse());
        assertThat(read.iceLite()).isFalse();
        assertThat(read.setup()).isEqualTo(Setup.ACTIVE);
        assertThat(read.remoteSsrc()).isEqualTo(-1);
    }

    @Test
    void parseAnswerRefusesARejectedAudioSection() {
        String answer = header("") + "m=audio 0 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n";

        assertThatThrownBy(() -> WebRtcSdp.parseAnswer(answer)).isInstanceOf(SdpException.class)
                .hasMessage("line 5: \"m=audio 0 UDP/TLS/RTP/SAVPF 111\" rejects the audio section (port 0)"
                        + " (expected: an m=audio section with a non-zero port)");
    }

    static Stream<Arguments> badAnswers() {
        String base = header("") + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n";
        String opus = "a=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";
        return Stream.of(
                Arguments.of(header("") + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n",
                        "answer has no audio section (expected: an m=audio section accepting Opus)"),
                Arguments.of(base + transport("passive") + "a=rtcp-mux\r\na=rtpmap:111 PCMU/8000\r\n",
                        "answer's audio section (mid 0) has no Opus (expected: a=rtpmap:<pt> opus/48000/2 with <pt> among the"
                                + " m=audio formats)"),
                Arguments.of(base + transport("actpass") + opus,
                        "line 11: \"a=setup:actpass\" is not a role an answer may take"
                                + " (expected: a=setup:active or a=setup:passive (RFC 8842 §5.3))"),
                Arguments.of(base + "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\na=setup:passive\r\n" + opus,
                        "answer has no a=fingerprint (expected: a=fingerprint:sha-256 followed by 32 hex bytes separated by ':',"
                                + " at media or session level)"),
                Arguments.of(base + transport("passive") + opus + "a=candidate:1 1 udp 1 192.0.2.1 70000 typ host\r\n",
                        "line 14: \"a=candidate:1 1 udp 1 192.0.2.1 70000 typ host\" has a bad port (expected: 0..65535)"),
                Arguments.of(base + transport("passive") + opus + "a=candidate:1 1 udp 1 192.0.2.1 5000\r\n",
                        "line 14: \"a=candidate:1 1 udp 1 192.0.2.1 5000\" is not a candidate (expected: a=candidate:<foundation>"
                                + " <component> <transport> <priority> <address> <port> typ <type> (RFC 8839 §5.1))"));
    }

    @ParameterizedTest
    @MethodSource("badAnswers")
    void badAnswersAreRefused(String answer, String message) {
        assertThatThrownBy(() -> WebRtcSdp.parseAnswer(answer)).isInstanceOf(SdpException.class).hasMessage(message);
    }

    // ---------------------------------------------------------------- offers we refuse, one missing piece at a time

    static Stream<Arguments> missingPieces() {
        return Stream.of(
                Arguments.of("a=ice-ufrag:", "offer has no a=ice-ufrag (expected: a=ice-ufrag and a=ice-pwd at media or session level)"),
                Arguments.of("a=ice-pwd:", "offer has no a=ice-pwd (expected: a=ice-ufrag and a=ice-pwd at media or session level)"),
                Arguments.of("a=fingerprint:", "offer has no a=fingerprint (expected: a=fingerprint:sha-256 followed by 32 hex bytes"
                        + " separated by ':', at media or session level)"),
                Arguments.of("a=setup:", "offer has no a=setup (expected: a=setup:actpass or a=setup:active, RFC 8842 §5)"),
                Arguments.of("a=rtcp-mux", "offer's audio section (mid 0) has no a=rtcp-mux (expected: a=rtcp-mux, RTP and RTCP on"
                        + " one port as RFC 8858 allows and browsers always offer)"),
                Arguments.of("a=rtpmap:111 ", "offer's audio section (mid 0) has no Opus (expected: a=rtpmap:<pt> opus/48000/2 with"
                        + " <pt> among the m=audio formats)"),
                Arguments.of("t=", "line 7: \"m=audio 61240 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\" comes before any t= line"
                        + " (expected: t=<start> <stop> (usually t=0 0) before the first m=)"),
                Arguments.of("v=", "line 1: \"o=- 7309265188142067755 2 IN IP4 127.0.0.1\" is out of place"
                        + " (expected: line 1 to be the v= line (RFC 8866 §5))"));
    }

    @ParameterizedTest
    @MethodSource("missingPieces")
    void offersMissingOnePieceAreRefused(String removedPrefix, String message) {
        String offer = without(load(SdpFixtures.CHROME_SENDRECV), removedPrefix);

        assertThatThrownBy(() -> WebRtcSdp.parseOffer(offer)).isInstanceOf(SdpException.class).hasMessage(message);
    }

    @Test
    void sessionLevelCredentialsAreMissedToo() {
        String offer = without(load(SdpFixtures.OBS_WHIP_SENDONLY), "a=ice-pwd:");

        assertThatThrownBy(() -> WebRtcSdp.parseOffer(offer))
                .hasMessage("offer has no a=ice-pwd (expected: a=ice-ufrag and a=ice-pwd at media or session level)");
    }

    @Test
    void anOfferWithoutAudioIsRefused() {
        String chrome = load(SdpFixtures.CHROME_WHEP_RECVONLY);
        String videoOnly = chrome.substring(0, chrome.indexOf("m=audio")) + chrome.substring(chrome.indexOf("m=video"));

        assertThatThrownBy(() -> WebRtcSdp.parseOffer(videoOnly)).isInstanceOf(SdpException.class)
                .hasMessage("offer has no audio section (expected: an m=audio section with a=rtpmap:<pt> opus/48000/2 with <pt>"
                        + " among the m=audio formats)");
    }

    static Stream<Arguments> unanswerableOffers() {
        String chrome = load(SdpFixtures.CHROME_SENDRECV);
        return Stream.of(
                Arguments.of(chrome.replace("a=setup:actpass", "a=setup:passive"),
                        "line 18: \"a=setup:passive\" asks us to take the DTLS client role, but this server is always passive"
                                + " (expected: a=setup:actpass or a=setup:active)"),
                Arguments.of(chrome.replace("a=setup:actpass", "a=setup:holdconn"),
                        "line 18: \"a=setup:holdconn\" has an unknown or unusable DTLS role"
                                + " (expected: a=setup:actpass, active or passive (RFC 4145 §4))"),
                Arguments.of(chrome.replace("a=sendrecv", "a=inactive"),
                        "line 24: \"a=inactive\" makes the audio section inactive (expected: a=sendrecv, a=sendonly or a=recvonly)"),
                Arguments.of(chrome.replace("a=sendrecv", "a=sendrecv\r\na=recvonly"),
                        "line 25: \"a=recvonly\" is a second direction attribute"
                                + " (expected: one of sendrecv, sendonly, recvonly, inactive)"),
                Arguments.of(chrome.replace("UDP/TLS/RTP/SAVPF", "RTP/AVP"),
                        "line 8: \"m=audio 61240 RTP/AVP 111 63 9 0 8 13 110 126\" has protocol RTP/AVP"
                                + " (expected: UDP/TLS/RTP/SAVPF or UDP/TLS/RTP/SAVP (RFC 5764 §8))"),
                Arguments.of(chrome.replace("m=audio 61240", "m=audio 0"),
                        "line 8: \"m=audio 0 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\" disables the offer's audio section (mid 0)"
                                + " with port 0 (expected: an m=audio section with a non-zero port, or port 0 with a=bundle-only)"),
                Arguments.of(chrome.replace("a=ice-ufrag:v3Rk", "a=ice-ufrag:v3R"),
                        "line 14: \"a=ice-ufrag:v3R\" has a bad ICE ufrag"
                                + " (expected: 4 to 256 ice-chars: letters, digits, '+' or '/' (RFC 8839 §5.4))"),
                Arguments.of(chrome.replace("a=ice-pwd:Ht8mZ0qW2sXbN5yLcJ4eGa7P", "a=ice-pwd:Ht8mZ0qW2sXbN5yLcJ4eGa7P!"),
                        "line 15: \"a=ice-pwd:****\" has a bad ICE pwd"
                                + " (expected: 22 to 256 ice-chars: letters, digits, '+' or '/' (RFC 8839 §5.4))"),
                Arguments.of(chrome.replace("a=fingerprint:sha-256 C4:19", "a=fingerprint:sha-256 C4:1G"),
                        "line 17: \"a=fingerprint:sha-256 C4:1G:7B:E2:05:AD:36:F8:91:5C:0E:D3:72:4A:B9:60:1F:E8:2C:57:9D:A3:44:0B:F6:"
                                + "81:...\" has a bad fingerprint"
                                + " (expected: a=fingerprint:sha-256 followed by 32 hex bytes separated by ':')"),
                Arguments.of(chrome.replace("a=fingerprint:sha-256 C4:19:", "a=fingerprint:sha-256 "),
                        "line 17: \"a=fingerprint:sha-256 7B:E2:05:AD:36:F8:91:5C:0E:D3:72:4A:B9:60:1F:E8:2C:57:9D:A3:44:0B:F6:81:"
                                + "D7:3E:...\" has a sha-256 fingerprint of 30 bytes"
                                + " (expected: a=fingerprint:sha-256 followed by 32 hex bytes separated by ':')"),
                Arguments.of(chrome.replace("a=fingerprint:sha-256 C4:19:7B:E2:05:AD:36:F8:91:5C:0E:D3:72:4A:B9:60:1F:E8:2C:57",
                        "a=fingerprint:sha-1 C4:19:7B:E2:05:AD:36:F8:91:5C:0E:D3:72:4A:B9:60:1F:E8:2C:57\r\na=x"),
                        "offer has no sha-256 fingerprint, only sha-1"
                                + " (expected: a=fingerprint:sha-256 followed by 32 hex bytes separated by ':')"),
                Arguments.of(chrome.replace("a=ssrc:2983517604 cname", "a=ssrc:4294967296 cname"),
                        "line 39: \"a=ssrc:4294967296 cname:Xq3nFz7bR1kPw9Ld\" has a bad SSRC"
                                + " (expected: a=ssrc:<0..4294967295> <attribute>)"),
                Arguments.of(chrome.replace("a=extmap:4 ", "a=extmap:256 "),
                        "line 23: \"a=extmap:256 urn:ietf:params:rtp-hdrext:sdes:mid\" is not a header extension map"
                                + " (expected: a=extmap:<id 1..255>[/<direction>] <uri> (RFC 8285 §8))"),
                Arguments.of(chrome.replace("a=extmap:4 ", "a=extmap:3 "),
                        "line 23: \"a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\" maps extension id 3 a second time"
                                + " (expected: each id once per media section)"),
                Arguments.of(chrome.replace("a=extmap:4 ", "a=extmap:4/sideways "),
                        "line 23: \"a=extmap:4/sideways urn:ietf:params:rtp-hdrext:sdes:mid\" has a bad direction"
                                + " (expected: a=extmap:<id>[/sendrecv|sendonly|recvonly|inactive] <uri>)"),
                Arguments.of(chrome.replace("a=rtpmap:9 G722/8000", "a=rtpmap:9 G722"),
                        "line 33: \"a=rtpmap:9 G722\" is not an rtpmap"
                                + " (expected: a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>])"),
                Arguments.of(chrome.replace("a=mid:0", "a=mid:0\r\na=mid:1"),
                        "line 20: \"a=mid:1\" is a second a=mid in the section (expected: one a=mid per media section)"),
                Arguments.of(chrome.replace("a=mid:0", "a=mid:a,b"),
                        "line 19: \"a=mid:a,b\" has a bad mid (expected: a=mid:<1 to 64 token characters>)"));
    }

    @ParameterizedTest
    @MethodSource("unanswerableOffers")
    void unanswerableOffersSayWhatWasWrong(String offer, String message) {
        assertThatThrownBy(() -> WebRtcSdp.parseOffer(offer)).isInstanceOf(SdpException.class).hasMessage(message);
    }

    @Test
    void opusIsMatchedCaseInsensitivelyButOnlyAt48000Over2() throws SdpException {
        String upper = header("") + "m=audio 9 UDP/TLS/RTP/SAVP 96 97\r\nc=IN IP4 0.0.0.0\r\n" + transport("active")
                + "a=rtcp-mux\r\na=rtpmap:97 opus/48000/1\r\na=rtpmap:96 OPUS/48000/2\r\n";

        AudioOffer offer = WebRtcSdp.parseOffer(upper);

        assertThat(offer.opusPayloadType()).isEqualTo(96);
        assertThat(offer.setup()).isEqualTo(Setup.ACTIVE);
        assertThat(offer.mid()).isNull();
        assertThat(WebRtcSdp.answer(offer, server(Direction.SENDONLY))).contains("m=audio 40000 UDP/TLS/RTP/SAVP 96\r\n")
                .doesNotContain("a=mid").doesNotContain("a=group");
    }

    @Test
    void anOpusRtpmapForAPayloadTypeNotOfferedDoesNotCount() {
        String offer = header("") + "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\na=mid:m\r\n" + transport("active")
                + "a=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";

        assertThatThrownBy(() -> WebRtcSdp.parseOffer(offer)).hasMessageStartingWith("offer's audio section (mid m) has no Opus");
    }

    @Test
    void aBundleOnlyAudioSectionWithPortZeroIsAccepted() throws SdpException {
        String offer = header("a=group:BUNDLE v a") + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:v\r\n"
                + "m=audio 0 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=bundle-only\r\na=mid:a\r\n" + transport("actpass")
                + "a=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";

        assertThat(WebRtcSdp.parseOffer(offer).mid()).isEqualTo("a");
    }

    // ---------------------------------------------------------------- hostile input never escapes as anything but SdpException

    @Test
    void hostileBodiesAreRefusedBeforeAnyWork() {
        String chrome = load(SdpFixtures.CHROME_SENDRECV);
        String big = chrome + ("a=x-pad:" + "p".repeat(1014) + "\r\n").repeat(70);
        String manyLines = chrome + "a=x\r\n".repeat(1001 - 40);

        assertThatThrownBy(() -> WebRtcSdp.parseOffer("garbage")).isInstanceOf(SdpException.class)
                .hasMessageStartingWith("line 1: \"garbage\" is not an SDP line");
        assertThatThrownBy(() -> WebRtcSdp.parseOffer(big)).isInstanceOf(SdpException.class)
                .hasMessage("SDP is over 65536 bytes long (expected: at most 65536 bytes)");
        assertThatThrownBy(() -> WebRtcSdp.parseOffer(manyLines)).isInstanceOf(SdpException.class)
                .hasMessage("SDP has more than 1000 lines (expected: at most 1000 lines)");
        assertThatThrownBy(() -> WebRtcSdp.parseAnswer(manyLines)).isInstanceOf(SdpException.class)
                .hasMessage("SDP has more than 1000 lines (expected: at most 1000 lines)");
    }

    @Test
    void mutatedOffersOnlyEverThrowSdpException() {
        java.util.Random random = new java.util.Random(20240611L);
        int accepted = 0;
        int refused = 0;
        for (String fixture : SdpFixtures.ALL) {
            String text = load(fixture);
            for (int i = 0; i < 400; i++) {
                String mutated = mutate(text, random);
                try {
                    AudioOffer offer = WebRtcSdp.parseOffer(mutated);
                    WebRtcSdp.answer(offer, server(Direction.SENDONLY));
                    accepted++;
                } catch (SdpException expected) {
                    assertThat(expected.getMessage()).isNotBlank().doesNotContain("\r").doesNotContain("\n");
                    refused++;
                }
                try {
                    WebRtcSdp.parseAnswer(mutated);
                } catch (SdpException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                }
            }
        }
        assertThat(accepted).isPositive();
        assertThat(refused).isPositive();
    }

    private static String mutate(String text, java.util.Random random) {
        StringBuilder b = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && b.length() > 0; e++) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(6)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, (char) random.nextInt(128));
                case 2 -> b.setCharAt(at, " :/=\r\n0123456789-aZ".charAt(random.nextInt(19)));
                case 3 -> b.setLength(at);
                case 4 -> b.insert(at, "\r\n");
                default -> {
                    List<String> lines = Arrays.asList(b.toString().split("\r\n"));
                    java.util.Collections.swap(lines, random.nextInt(lines.size()), random.nextInt(lines.size()));
                    b = new StringBuilder(String.join("\r\n", lines));
                }
            }
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- helpers

    private static String header(String sessionAttributes) {
        return "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n" + (sessionAttributes.isEmpty() ? "" : sessionAttributes + "\r\n");
    }

    private static String transport(String setup) {
        return "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\n"
                + "a=fingerprint:" + SdpFixtures.CLIENT_FINGERPRINT.toSdp() + "\r\na=setup:" + setup + "\r\n";
    }

    private static String audioSection(String mid, String direction) {
        return "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:" + mid + "\r\n" + transport("actpass") + direction + "\r\n"
                + "a=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";
    }

    private static String without(String sdp, String prefix) {
        return Arrays.stream(sdp.split("\r\n")).filter(l -> !l.startsWith(prefix)).collect(Collectors.joining("\r\n", "", "\r\n"));
    }

    private static LocalMedia withCname(LocalMedia m, String cname) {
        return new LocalMedia(m.ice(), m.fingerprint(), m.candidateIp(), m.candidatePort(), m.direction(), m.ssrc(), cname,
                m.streamId(), m.stereo(), m.maxAverageBitrate());
    }

    private static LocalMedia withIp(LocalMedia m, String ip) {
        return new LocalMedia(m.ice(), m.fingerprint(), ip, m.candidatePort(), m.direction(), m.ssrc(), m.cname(), m.streamId(),
                m.stereo(), m.maxAverageBitrate());
    }
}
