package dev.encore.protocol.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SessionDescriptionTest {

    private static final String HEADER = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
    private static final String AUDIO = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\n";

    @ParameterizedTest
    @ValueSource(strings = {SdpFixtures.CHROME_WHEP_RECVONLY, SdpFixtures.CHROME_SENDRECV, SdpFixtures.FIREFOX_SENDRECV,
            SdpFixtures.OBS_WHIP_SENDONLY, SdpFixtures.CHROMIUM_156_CAPTURED})
    void encodeOfParseGivesTheTextBack(String fixture) throws SdpException {
        String text = SdpFixtures.load(fixture);
        assertThat(text).contains("\r\n");

        assertThat(SessionDescription.parse(text).encode()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {SdpFixtures.CHROME_WHEP_RECVONLY, SdpFixtures.FIREFOX_SENDRECV})
    void bareLineFeedsAndAMissingLastLineEndAreNormalisedToCrlf(String fixture) throws SdpException {
        String text = SdpFixtures.load(fixture);
        String lf = text.replace("\r\n", "\n");

        assertThat(SessionDescription.parse(lf).encode()).isEqualTo(text);
        assertThat(SessionDescription.parse(lf.substring(0, lf.length() - 1)).encode()).isEqualTo(text);
        assertThat(SessionDescription.parse(text + "\r\n\r\n").encode()).isEqualTo(text);
    }

    @Test
    void readsSessionLinesMediaSectionsAndTheirFields() throws SdpException {
        SessionDescription sdp = SessionDescription.parse(SdpFixtures.load(SdpFixtures.CHROME_WHEP_RECVONLY));

        assertThat(sdp.sessionLines()).extracting(SdpLine::text).containsExactly("v=0", "o=- 4811502275160438317 2 IN IP4 127.0.0.1",
                "s=-", "t=0 0", "a=group:BUNDLE 0 1", "a=extmap-allow-mixed", "a=msid-semantic: WMS");
        assertThat(sdp.attribute("group")).isEqualTo("BUNDLE 0 1");
        assertThat(sdp.attribute("extmap-allow-mixed")).isEmpty();
        assertThat(sdp.attribute("ice-lite")).isNull();
        assertThat(sdp.media()).hasSize(2);

        MediaSection audio = sdp.media().get(0);
        assertThat(audio.type()).isEqualTo("audio");
        assertThat(audio.port()).isEqualTo(53871);
        assertThat(audio.portCount()).isEqualTo(-1);
        assertThat(audio.protocol()).isEqualTo("UDP/TLS/RTP/SAVPF");
        assertThat(audio.formats()).containsExactly("111", "63", "9", "0", "8", "13", "110", "126");
        assertThat(audio.mid()).isEqualTo("0");
        assertThat(audio.mLine().number()).isEqualTo(8);
        assertThat(audio.lines().get(0).text()).isEqualTo("c=IN IP4 198.51.100.23");
        assertThat(audio.attributes("candidate")).hasSize(2).allSatisfy(l -> assertThat(l.attributeValue()).contains("typ"));
        assertThat(audio.hasAttribute("rtcp-mux")).isTrue();
        assertThat(audio.attributes("rtpmap").get(0).number()).isEqualTo(26);

        MediaSection video = sdp.media().get(1);
        assertThat(video.type()).isEqualTo("video");
        assertThat(video.port()).isEqualTo(9);
        assertThat(video.formats()).hasSize(25).startsWith("96", "97").endsWith("125");
        assertThat(video.mid()).isEqualTo("1");
    }

    @Test
    void attributeLookupMatchesWholeNamesOnly() throws SdpException {
        SessionDescription sdp = SessionDescription.parse(HEADER + AUDIO + "a=rtcp-mux-only\r\na=rtcp:9 IN IP4 0.0.0.0\r\n");
        MediaSection audio = sdp.media().get(0);

        assertThat(audio.hasAttribute("rtcp-mux")).isFalse();
        assertThat(audio.attribute("rtcp-mux-only")).isEmpty();
        assertThat(audio.attribute("rtcp")).isEqualTo("9 IN IP4 0.0.0.0");
    }

    @Test
    void readsAPortCount() throws SdpException {
        SessionDescription sdp = SessionDescription.parse(HEADER + "m=video 49170/2 RTP/AVP 31\r\n");

        assertThat(sdp.media().get(0).port()).isEqualTo(49170);
        assertThat(sdp.media().get(0).portCount()).isEqualTo(2);
    }

    @Test
    void rfc8866ExampleRoundTrips() throws SdpException {
        // RFC 8866 §5 example, with its i=, u=, e=, c= with a TTL and property attribute at session level.
        String text = "v=0\r\no=jdoe 3724394400 3724394405 IN IP4 198.51.100.1\r\ns=Call to John Smith\r\n"
                + "i=SDP Offer #1\r\nu=http://www.jdoe.example.com/home.html\r\ne=Jane Doe <jane@jdoe.example.com>\r\n"
                + "p=+1 617 555-6011\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n"
                + "m=audio 49180 RTP/AVP 0\r\nm=video 51372 RTP/AVP 99\r\nc=IN IP6 2001:db8::2\r\na=rtpmap:99 h263-1998/90000\r\n";

        SessionDescription sdp = SessionDescription.parse(text);

        assertThat(sdp.encode()).isEqualTo(text);
        assertThat(sdp.media()).extracting(MediaSection::type).containsExactly("audio", "audio", "video");
        assertThat(sdp.media().get(2).attribute("rtpmap")).isEqualTo("99 h263-1998/90000");
    }

    @Test
    void theBadPortExample() {
        String text = HEADER + "a=group:BUNDLE 0\r\na=msid-semantic: WMS *\r\nm=audio x UDP/TLS/RTP/SAVPF 111\r\n";

        assertThatThrownBy(() -> SessionDescription.parse(text)).isInstanceOf(SdpException.class)
                .hasMessage("line 7: \"m=audio x UDP/TLS/RTP/SAVPF 111\" has a bad port (expected: 0..65535)");
    }

    static Stream<Arguments> malformedLines() {
        return Stream.of(
                Arguments.of("m=audio 65536 UDP/TLS/RTP/SAVPF 111", "has a bad port",
                        "0..65535"),
                Arguments.of("m=audio -1 UDP/TLS/RTP/SAVPF 111", "has a bad port",
                        "0..65535"),
                Arguments.of("m=audio 999999999999 RTP/AVP 0", "has a bad port",
                        "0..65535"),
                Arguments.of("m=audio 9/0 RTP/AVP 0", "has a bad number of ports",
                        "<port>/<count> with count 1..65535"),
                Arguments.of("m=audio 9 UDP/TLS/RTP/SAVPF", "has 3 fields",
                        "m=<media> <port> <proto> <fmt> ... with at least one format"),
                Arguments.of("m=audio 9 UDP//SAVPF 111", "has a bad protocol 'UDP//SAVPF'",
                        "a protocol such as UDP/TLS/RTP/SAVPF"),
                Arguments.of("m=audio 9 RTP/AVP 1(1", "has a bad format '1(1'",
                        "a format such as an RTP payload type 0..127"),
                Arguments.of("m=au:dio 9 RTP/AVP 0", "has a bad media type",
                        "a token such as audio, video or application"),
                Arguments.of("c=IN IP4", "is not a connection line",
                        "c=IN IP4 <address> or c=IN IP6 <address>"),
                Arguments.of("b=AS:lots", "is not a bandwidth line",
                        "b=<bwtype>:<kbps>, e.g. b=AS:128"),
                Arguments.of("t=now", "is not a timing line",
                        "t=<start> <stop> as decimal numbers, e.g. t=0 0"),
                Arguments.of("a=", "has a bad attribute name",
                        "a=<name> or a=<name>:<value>, the name made of token characters"),
                Arguments.of("a=ice ufrag:abcd", "has a bad attribute name",
                        "a=<name> or a=<name>:<value>, the name made of token characters"),
                Arguments.of("x=1", "has an unknown type 'x'",
                        "one of v o s i u e p c b t r z k a m"),
                Arguments.of("A=1", "is not an SDP line",
                        "<type>=<value>: one lower-case letter, '=', the value"),
                Arguments.of("a", "is not an SDP line",
                        "<type>=<value>: one lower-case letter, '=', the value"),
                Arguments.of("v=0", "repeats a v= line",
                        "v=, o= and s= once, on lines 1 to 3"));
    }

    @ParameterizedTest
    @MethodSource("malformedLines")
    void malformedLinesNameTheLineAndWhatWasExpected(String line, String problem, String expected) {
        assertThatThrownBy(() -> SessionDescription.parse(HEADER + line + "\r\n" + AUDIO))
                .isInstanceOf(SdpException.class)
                .hasMessage("line 5: \"" + line + "\" " + problem + " (expected: " + expected + ")");
    }

    @Test
    void theOpeningLinesAreFixed() {
        assertThatThrownBy(() -> SessionDescription.parse("o=- 1 1 IN IP4 0.0.0.0\r\nv=0\r\n"))
                .hasMessage("line 1: \"o=- 1 1 IN IP4 0.0.0.0\" is out of place (expected: line 1 to be the v= line (RFC 8866 §5))");
        assertThatThrownBy(() -> SessionDescription.parse("v=1\r\n"))
                .hasMessage("line 1: \"v=1\" has an unsupported version (expected: v=0)");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\no=- 1 1 IN IP4\r\n"))
                .hasMessage("line 2: \"o=- 1 1 IN IP4\" has 5 fields"
                        + " (expected: o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>)");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\no=- abc 1 IN IP4 0.0.0.0\r\n"))
                .hasMessage("line 2: \"o=- abc 1 IN IP4 0.0.0.0\" has a bad session id or version"
                        + " (expected: decimal numbers of at most 20 digits)");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n"))
                .hasMessage("line 2: \"o=- 1 1 IN IP4 0.0.0.0\" ends the session description early"
                        + " (expected: v=, o= and s= lines first (RFC 8866 §5))");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nt=0 0\r\n"))
                .hasMessage("line 3: \"t=0 0\" is out of place (expected: line 3 to be the s= line (RFC 8866 §5))");
    }

    @Test
    void timingIsRequiredBeforeMedia() {
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n" + AUDIO))
                .hasMessage("line 4: \"m=audio 9 UDP/TLS/RTP/SAVPF 111\" comes before any t= line"
                        + " (expected: t=<start> <stop> (usually t=0 0) before the first m=)");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\na=ice-lite\r\n"))
                .hasMessage("SDP has no t= line (expected: t=<start> <stop>, usually t=0 0, at session level)");
    }

    @Test
    void sessionLevelLinesInsideAMediaSectionAreRefused() {
        assertThatThrownBy(() -> SessionDescription.parse(HEADER + AUDIO + "t=0 0\r\n"))
                .hasMessage("line 8: \"t=0 0\" is a session-level line inside a media section"
                        + " (expected: t= lines before the first m= line)");
    }

    @Test
    void blankLinesAndControlCharactersAreRefused() {
        assertThatThrownBy(() -> SessionDescription.parse(HEADER + "\r\n" + AUDIO))
                .hasMessage("line 5: \"\" is an empty line (expected: <type>=<value> on every line)");
        assertThatThrownBy(() -> SessionDescription.parse(HEADER + "a=x\ry\r\n"))
                .hasMessage("line 5: \"a=x\\u000dy\" has a carriage return that does not end the line"
                        + " (expected: printable text; lines end with CRLF)");
        assertThatThrownBy(() -> SessionDescription.parse(HEADER + "a=x\u0000y\r\n"))
                .hasMessage("line 5: \"a=x\\u0000y\" has a control character (expected: printable text; lines end with CRLF)");
    }

    @Test
    void emptyAndGarbageInputs() {
        assertThatThrownBy(() -> SessionDescription.parse(""))
                .hasMessage("SDP is empty (expected: a session description starting with v=0)");
        assertThatThrownBy(() -> SessionDescription.parse("\r\n\n"))
                .hasMessage("SDP is empty (expected: a session description starting with v=0)");
        assertThatThrownBy(() -> SessionDescription.parse("garbage"))
                .hasMessage("line 1: \"garbage\" is not an SDP line (expected: <type>=<value>: one lower-case letter, '=', the value)");
        assertThatThrownBy(() -> SessionDescription.parse("{\"type\":\"offer\",\"sdp\":\"v=0\"}"))
                .isInstanceOf(SdpException.class).hasMessageStartingWith("line 1: ");
        assertThatThrownBy(() -> SessionDescription.parse("\u00ff\u00fe=\u0000\u0001"))
                .hasMessage("line 1: \"\\u00ff\\u00fe=\\u0000\\u0001\" is not an SDP line"
                        + " (expected: <type>=<value>: one lower-case letter, '=', the value)");
    }

    @Test
    void quotedLinesAreShortened() {
        String longLine = "a=" + "x".repeat(500) + " y";

        assertThatThrownBy(() -> SessionDescription.parse(HEADER + longLine + "\r\n"))
                .hasMessage("line 5: \"a=" + "x".repeat(98) + "...\" has a bad attribute name"
                        + " (expected: a=<name> or a=<name>:<value>, the name made of token characters)");
    }

    @Test
    void anIcePasswordNeverAppearsInAMessage() {
        SdpLine line = new SdpLine(12, 'a', "ice-pwd:TopSecretPassword0123456");

        assertThat(line.toString()).isEqualTo("a=ice-pwd:****");
        assertThat(line.text()).isEqualTo("a=ice-pwd:TopSecretPassword0123456");
        assertThat(SdpException.atLine(line, "is bad", "good").getMessage()).doesNotContain("TopSecret").contains("****");
    }

    @Test
    void over64KibIsRefused() {
        String big = HEADER + ("a=x-filler:" + "f".repeat(1000) + "\r\n").repeat(72);

        assertThat(big.length()).isGreaterThan(70 * 1024);
        assertThatThrownBy(() -> SessionDescription.parse(big))
                .hasMessage("SDP is over 65536 bytes long (expected: at most 65536 bytes)");
    }

    @Test
    void theByteBoundCountsUtf8() {
        // 40,000 chars, 80,000 bytes.
        String big = HEADER + "s=" + "\u00e9".repeat(40_000) + "\r\n";

        assertThat(big.length()).isLessThan(SessionDescription.MAX_BYTES);
        assertThatThrownBy(() -> SessionDescription.parse(big))
                .hasMessageMatching("SDP is 8\\d{4} bytes long \\(expected: at most 65536 bytes\\)");
    }

    @Test
    void aThousandLinesParseButNotOneMore() throws SdpException {
        String thousand = HEADER + "a=x\r\n".repeat(996);
        assertThat(SessionDescription.parse(thousand).sessionLines()).hasSize(1000);

        assertThatThrownBy(() -> SessionDescription.parse(thousand + "a=x\r\n"))
                .hasMessage("SDP has more than 1000 lines (expected: at most 1000 lines)");
    }

    @Test
    void thirtyTwoMediaSectionsParseButNotThirtyThree() throws SdpException {
        String sections = "m=audio 0 RTP/AVP 0\r\n".repeat(32);
        assertThat(SessionDescription.parse(HEADER + sections).media()).hasSize(32);

        assertThatThrownBy(() -> SessionDescription.parse(HEADER + sections + "m=video 0 RTP/AVP 96\r\n"))
                .hasMessage("line 37: \"m=video 0 RTP/AVP 96\" starts media section 33 (expected: at most 32 media sections)");
    }

    @Test
    void parsedListsAreImmutable() throws SdpException {
        SessionDescription sdp = SessionDescription.parse(HEADER + AUDIO);

        assertThatThrownBy(() -> sdp.media().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> sdp.media().get(0).lines().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> sdp.media().get(0).formats().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(List.copyOf(sdp.sessionLines())).hasSize(4);
    }
}
