package dev.encore.protocol.sdp;

import static java.util.Objects.requireNonNull;

import dev.encore.protocol.dtls.Fingerprint;
import dev.encore.protocol.stun.IceCredentials;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Offer/answer for WebRTC audio (RFC 3264, RFC 8829 JSEP, RFC 8843 BUNDLE, RFC 7587 Opus) as Encore needs it: one Opus audio
 * section, ICE-lite on the server, DTLS with {@code a=setup:passive} on the server. Does no I/O. Stateless; any thread.
 *
 * <p>Decisions worth knowing:
 * <ul>
 *   <li>rtcp-mux is required (RFC 8858, RFC 8829 §4.1.1 policy "require", the browsers' default): we have one port.</li>
 *   <li>The answer carries no {@code a=extmap} and no {@code a=rtcp-fb}: the server neither reads header extensions nor
 *       sends transport-wide congestion feedback, and Opus needs no NACK.</li>
 *   <li>A rejected section gets port 0, the offer's first format, {@code c=IN IP4 0.0.0.0} (RFC 8866 §5.7 wants a
 *       connection line when the session level has none) and its {@code a=mid} (RFC 8843 §7.3.3).</li>
 * </ul>
 */
public final class WebRtcSdp {
    /** The Opus payload type the Java client offers (the browsers' choice too). */
    public static final int CLIENT_OPUS_PAYLOAD_TYPE = 111;

    private static final String OPUS_EXPECTED = "a=rtpmap:<pt> opus/48000/2 with <pt> among the m=audio formats";
    private static final String ICE_EXPECTED = "a=ice-ufrag and a=ice-pwd at media or session level";
    private static final String FINGERPRINT_EXPECTED = "a=fingerprint:sha-256 followed by 32 hex bytes separated by ':'";
    private static final String PROTOCOL_EXPECTED = "UDP/TLS/RTP/SAVPF or UDP/TLS/RTP/SAVP";
    private static final String ICE_CHARS = "ice-chars: letters, digits, '+' or '/'";
    private static final long MAX_SSRC = 0xFFFF_FFFFL;

    private WebRtcSdp() {
    }

    /**
     * Validates an offer and picks what to accept: the first audio section offering Opus; every other section will be
     * rejected (port 0) in the answer.
     *
     * @throws SdpException when the offer is malformed or unanswerable, with a reason fit for an HTTP 400 body
     */
    public static AudioOffer parseOffer(String offerSdp) throws SdpException {
        SessionDescription sdp = SessionDescription.parse(requireNonNull(offerSdp, "offerSdp"));
        List<MediaSection> media = sdp.media();
        int index = -1;
        int opusPt = -1;
        SdpException firstProblem = null;
        for (int i = 0; i < media.size() && index < 0; i++) {
            MediaSection section = media.get(i);
            if (!section.type().equals("audio")) {
                continue;
            }
            int pt = opusPayloadType(section);
            if (section.port() == 0 && !section.hasAttribute("bundle-only")) {
                if (firstProblem == null) {
                    firstProblem = SdpException.atLine(section.mLine(), "disables the offer's " + describe(section) + " with port 0",
                            "an m=audio section with a non-zero port, or port 0 with a=bundle-only");
                }
            } else if (pt < 0) {
                if (firstProblem == null) {
                    firstProblem = new SdpException("offer's " + describe(section) + " has no Opus (expected: " + OPUS_EXPECTED + ")");
                }
            } else {
                index = i;
                opusPt = pt;
            }
        }
        if (index < 0) {
            throw firstProblem != null ? firstProblem
                    : new SdpException("offer has no audio section (expected: an m=audio section with " + OPUS_EXPECTED + ")");
        }
        MediaSection audio = media.get(index);
        checkProtocol(audio);
        String mid = checkedMid(audio);
        IceCredentials ice = iceCredentials(sdp, audio, "offer");
        Fingerprint fingerprint = fingerprint(sdp, audio, "offer");
        SdpLine setupLine = required(sdp, audio, "setup",
                "offer has no a=setup (expected: a=setup:actpass or a=setup:active, RFC 8842 §5)");
        Setup setup = setup(setupLine);
        if (setup == Setup.PASSIVE) {
            throw SdpException.atLine(setupLine, "asks us to take the DTLS client role, but this server is always passive",
                    "a=setup:actpass or a=setup:active");
        }
        checkRtcpMux(audio, "offer");
        Direction direction = direction(sdp, audio);
        long ssrc = ssrc(audio);
        Map<Integer, String> extensions = extensions(sdp, audio);
        Map<String, String> fmtp = fmtp(audio, opusPt);
        return new AudioOffer(sdp, index, mid, opusPt, fmtp, ice, fingerprint, setup, direction, ssrc, extensions);
    }

    /**
     * The answer to {@code offer}: the accepted audio section with {@code a=ice-lite}, our credentials, fingerprint,
     * {@code a=setup:passive}, {@code a=rtcp-mux}, our host candidate, Opus only (music mode: {@code stereo=1;
     * sprop-stereo=1} when {@code local.stereo()}, {@code useinbandfec=1}), {@code local.direction()} and, when we send, our
     * SSRC and msid; every other section answered with port 0; BUNDLE group with the accepted mid.
     *
     * <p>The direction written is {@link #answerDirection}: when that is {@code inactive} (say, both sides only send) the
     * answer says so, and the caller should have refused the offer instead.
     *
     * @throws IllegalArgumentException when {@code local} holds a value that cannot go into SDP (a space in the cname, a
     *     candidate IP that is not an IP literal, ...)
     */
    public static String answer(AudioOffer offer, LocalMedia local) {
        return answer(offer, local, randomSessionId());
    }

    static String answer(AudioOffer offer, LocalMedia local, long sessionId) {
        requireNonNull(offer, "offer");
        checkLocal(local);
        Direction direction = answerDirection(offer.direction(), local.direction());
        SessionDescription sdp = offer.sdp();
        String mid = offer.mid();
        Lines out = new Lines();
        sessionHeader(out, sessionId);
        out.add("a=ice-lite");
        if (mid != null && inBundleGroup(sdp, mid)) {
            out.add("a=group:BUNDLE " + mid);
        }
        out.add("a=msid-semantic: WMS *");
        for (int i = 0; i < sdp.media().size(); i++) {
            MediaSection section = sdp.media().get(i);
            if (i == offer.audioIndex()) {
                audioSection(out, local, section.protocol(), mid, offer.opusPayloadType(), Setup.PASSIVE, direction);
            } else {
                out.add("m=" + section.type() + " 0 " + section.protocol() + " " + section.formats().get(0));
                out.add("c=IN IP4 0.0.0.0");
                if (section.mid() != null) {
                    out.add("a=mid:" + section.mid());
                }
            }
        }
        return out.toString();
    }

    /**
     * The direction an answerer with {@code local} wishes writes for an offer with direction {@code offered} (RFC 3264
     * §6.1): we send only if the offerer receives, we receive only if the offerer sends.
     */
    public static Direction answerDirection(Direction offered, Direction local) {
        boolean send = sends(local) && receives(offered);
        boolean receive = receives(local) && sends(offered);
        if (send && receive) {
            return Direction.SENDRECV;
        }
        if (send) {
            return Direction.SENDONLY;
        }
        return receive ? Direction.RECVONLY : Direction.INACTIVE;
    }

    /** An offer with one audio section (Opus, rtcp-mux, {@code a=setup:actpass}) as the Java client sends it. */
    public static String offer(LocalMedia local) {
        return offer(local, randomSessionId());
    }

    static String offer(LocalMedia local, long sessionId) {
        checkLocal(local);
        Lines out = new Lines();
        sessionHeader(out, sessionId);
        out.add("a=group:BUNDLE 0");
        out.add("a=msid-semantic: WMS *");
        audioSection(out, local, "UDP/TLS/RTP/SAVPF", "0", CLIENT_OPUS_PAYLOAD_TYPE, Setup.ACTPASS, local.direction());
        return out.toString();
    }

    /**
     * Reads an answer to {@link #offer}.
     *
     * @throws SdpException when it is malformed or does not accept audio with Opus
     */
    public static AudioAnswer parseAnswer(String answerSdp) throws SdpException {
        SessionDescription sdp = SessionDescription.parse(requireNonNull(answerSdp, "answerSdp"));
        MediaSection audio = null;
        for (MediaSection section : sdp.media()) {
            if (section.type().equals("audio")) {
                audio = section;
                break;
            }
        }
        if (audio == null) {
            throw new SdpException("answer has no audio section (expected: an m=audio section accepting Opus)");
        }
        if (audio.port() == 0) {
            throw SdpException.atLine(audio.mLine(), "rejects the audio section (port 0)", "an m=audio section with a non-zero port");
        }
        int opusPt = opusPayloadType(audio);
        if (opusPt < 0) {
            throw new SdpException("answer's " + describe(audio) + " has no Opus (expected: " + OPUS_EXPECTED + ")");
        }
        checkProtocol(audio);
        String mid = checkedMid(audio);
        IceCredentials ice = iceCredentials(sdp, audio, "answer");
        Fingerprint fingerprint = fingerprint(sdp, audio, "answer");
        SdpLine setupLine = required(sdp, audio, "setup",
                "answer has no a=setup (expected: a=setup:active or a=setup:passive, RFC 8842 §5)");
        Setup setup = setup(setupLine);
        if (setup == Setup.ACTPASS) {
            throw SdpException.atLine(setupLine, "is not a role an answer may take", "a=setup:active or a=setup:passive (RFC 8842 §5.3)");
        }
        checkRtcpMux(audio, "answer");
        List<Candidate> candidates = new ArrayList<>();
        for (SdpLine line : audio.attributes("candidate")) {
            Candidate candidate = candidate(line);
            if (candidate != null) {
                candidates.add(candidate);
            }
        }
        candidates.sort(Comparator.comparingLong(Candidate::priority).reversed());
        List<InetSocketAddress> addresses = new ArrayList<>(candidates.size());
        for (Candidate candidate : candidates) {
            addresses.add(candidate.address());
        }
        return new AudioAnswer(mid, opusPt, ice, fingerprint, setup, sdp.hasAttribute("ice-lite"), List.copyOf(addresses), ssrc(audio));
    }

    // ---------------------------------------------------------------- writing

    private static long randomSessionId() {
        // RFC 8829 §5.2.1: a 64-bit random value below 2^63.
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    private static void sessionHeader(Lines out, long sessionId) {
        out.add("v=0");
        out.add("o=- " + sessionId + " 1 IN IP4 0.0.0.0");
        out.add("s=-");
        out.add("t=0 0");
    }

    private static void audioSection(Lines out, LocalMedia local, String protocol, String mid, int pt, Setup setup, Direction direction) {
        String ip = local.candidateIp();
        int port = ip == null ? 9 : local.candidatePort();
        out.add("m=audio " + port + " " + protocol + " " + pt);
        out.add("c=IN " + (ip != null && ip.indexOf(':') >= 0 ? "IP6 " : "IP4 ") + (ip == null ? "0.0.0.0" : ip));
        if (mid != null) {
            out.add("a=mid:" + mid);
        }
        out.add("a=ice-ufrag:" + local.ice().ufrag());
        out.add("a=ice-pwd:" + local.ice().pwd());
        out.add("a=fingerprint:" + local.fingerprint().toSdp());
        out.add("a=setup:" + setup.attribute());
        out.add("a=" + direction.attribute());
        boolean send = sends(direction);
        if (send) {
            // RFC 8830 §2: a=msid:<stream id> <track id>
            out.add("a=msid:" + local.streamId() + " " + local.streamId() + "-audio");
        }
        out.add("a=rtcp-mux");
        out.add("a=rtpmap:" + pt + " opus/48000/2");
        StringBuilder fmtp = new StringBuilder("a=fmtp:").append(pt).append(" minptime=10;useinbandfec=1");
        if (local.stereo()) {
            fmtp.append(";stereo=1;sprop-stereo=1"); // RFC 7587 §6.1
        }
        if (local.maxAverageBitrate() > 0) {
            fmtp.append(";maxaveragebitrate=").append(local.maxAverageBitrate());
        }
        out.add(fmtp.toString());
        if (send) {
            out.add("a=ssrc:" + local.ssrc() + " cname:" + local.cname()); // RFC 5576 §4.1
        }
        if (ip != null) {
            // RFC 8839 §5.1; the priority is RFC 8445 §5.1.2.1 for a host candidate with local preference 65535.
            out.add("a=candidate:1 1 udp 2130706431 " + ip + " " + port + " typ host");
            out.add("a=end-of-candidates"); // RFC 8840 §8.2: ICE-lite has no more to trickle
        }
    }

    /** What we write into SDP from {@code local} must be tokens, or a hostile configuration could add lines. */
    private static void checkLocal(LocalMedia local) {
        requireNonNull(local, "local");
        requireNonNull(local.ice(), "local.ice");
        requireNonNull(local.fingerprint(), "local.fingerprint");
        requireNonNull(local.direction(), "local.direction");
        if (!isIceChars(local.ice().ufrag(), 4)) {
            throw new IllegalArgumentException("local ICE ufrag is not valid (expected: 4 to 256 " + ICE_CHARS + ")");
        }
        if (!isIceChars(local.ice().pwd(), 22)) {
            throw new IllegalArgumentException("local ICE pwd is not valid (expected: 22 to 256 " + ICE_CHARS + ")");
        }
        String fingerprint = local.fingerprint().toSdp();
        if (fingerprint.indexOf('\r') >= 0 || fingerprint.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("local fingerprint is not one line (expected: <hash> <hex:hex:...>)");
        }
        if (local.candidateIp() != null) {
            if (ipLiteral(local.candidateIp()) == null) {
                throw new IllegalArgumentException("candidateIp: \"" + SdpException.quote(local.candidateIp())
                        + "\" (expected: an IPv4 or IPv6 literal)");
            }
            if (local.candidatePort() < 1 || local.candidatePort() > 65535) {
                throw new IllegalArgumentException("candidatePort: " + local.candidatePort() + " (expected: 1..65535)");
            }
        }
        if (sends(local.direction())) {
            checkToken(local.cname(), "cname");
            checkToken(local.streamId(), "streamId");
            if (local.ssrc() < 0 || local.ssrc() > MAX_SSRC) {
                throw new IllegalArgumentException("ssrc: " + local.ssrc() + " (expected: 0..4294967295)");
            }
        }
        int bitrate = local.maxAverageBitrate();
        if (bitrate != 0 && (bitrate < 6_000 || bitrate > 510_000)) {
            // RFC 7587 §6.1: maxaveragebitrate is 6000..510000
            throw new IllegalArgumentException("maxAverageBitrate: " + bitrate + " (expected: 0 for none, or 6000..510000)");
        }
    }

    private static void checkToken(String value, String name) {
        requireNonNull(value, name);
        if (value.length() > 256 || !SessionDescription.isToken(value)) {
            throw new IllegalArgumentException(name + ": \"" + SdpException.quote(value)
                    + "\" (expected: 1 to 256 token characters, no spaces)");
        }
    }

    // ---------------------------------------------------------------- reading

    private static String describe(MediaSection section) {
        String mid = section.mid();
        String where = mid != null ? "(mid " + SdpException.quote(mid) + ")" : "at line " + section.mLine().number();
        return section.type() + " section " + where;
    }

    /** The first Opus payload type in {@code section}, or -1; every rtpmap is checked on the way (RFC 8866 §6.6). */
    private static int opusPayloadType(MediaSection section) throws SdpException {
        int found = -1;
        for (SdpLine line : section.attributes("rtpmap")) {
            String[] f = SessionDescription.fields(line.attributeValue());
            String[] encoding = f.length == 2 ? f[1].split("/", -1) : new String[0];
            if (f.length != 2 || !isPayloadType(f[0]) || encoding.length < 2 || encoding.length > 3 || encoding[0].isEmpty()
                    || !SessionDescription.isDigits(encoding[1], 10)) {
                throw SdpException.atLine(line, "is not an rtpmap", "a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>]");
            }
            boolean opus = encoding[0].equalsIgnoreCase("opus") && encoding[1].equals("48000")
                    && encoding.length == 3 && encoding[2].equals("2");
            if (found < 0 && opus && section.formats().contains(f[0])) {
                found = Integer.parseInt(f[0]);
            }
        }
        return found;
    }

    private static boolean isPayloadType(String s) {
        return SessionDescription.isDigits(s, 3) && Integer.parseInt(s) <= 127 && (s.length() == 1 || s.charAt(0) != '0');
    }

    private static void checkProtocol(MediaSection audio) throws SdpException {
        String protocol = audio.protocol();
        if (!protocol.equalsIgnoreCase("UDP/TLS/RTP/SAVPF") && !protocol.equalsIgnoreCase("UDP/TLS/RTP/SAVP")) {
            throw SdpException.atLine(audio.mLine(), "has protocol " + SdpException.quote(protocol), PROTOCOL_EXPECTED + " (RFC 5764 §8)");
        }
    }

    private static void checkRtcpMux(MediaSection audio, String role) throws SdpException {
        if (!audio.hasAttribute("rtcp-mux")) {
            throw new SdpException(role + "'s " + describe(audio) + " has no a=rtcp-mux (expected: a=rtcp-mux, RTP and RTCP on one"
                    + " port as RFC 8858 allows and browsers always offer)");
        }
    }

    /** The mid is written back into the answer and its BUNDLE group, so it must be a token (RFC 5888 §4, RFC 8843 §7). */
    private static String checkedMid(MediaSection audio) throws SdpException {
        List<SdpLine> mids = audio.attributes("mid");
        if (mids.isEmpty()) {
            return null;
        }
        SdpLine line = mids.get(0);
        String mid = line.attributeValue();
        if (mid.length() > 64 || !SessionDescription.isToken(mid)) {
            throw SdpException.atLine(line, "has a bad mid", "a=mid:<1 to 64 token characters>");
        }
        if (mids.size() > 1) {
            throw SdpException.atLine(mids.get(1), "is a second a=mid in the section", "one a=mid per media section");
        }
        return mid;
    }

    /** The media-level attribute, else the session-level one (RFC 8839 §5.4, RFC 8122 §5, RFC 8842 §5). */
    private static SdpLine find(SessionDescription sdp, MediaSection section, String name) {
        List<SdpLine> lines = section.attributes(name);
        if (lines.isEmpty()) {
            lines = sdp.attributes(name);
        }
        return lines.isEmpty() ? null : lines.get(0);
    }

    private static SdpLine required(SessionDescription sdp, MediaSection section, String name, String message) throws SdpException {
        SdpLine line = find(sdp, section, name);
        if (line == null) {
            throw new SdpException(message);
        }
        return line;
    }

    private static IceCredentials iceCredentials(SessionDescription sdp, MediaSection section, String role) throws SdpException {
        SdpLine ufrag = required(sdp, section, "ice-ufrag", role + " has no a=ice-ufrag (expected: " + ICE_EXPECTED + ")");
        SdpLine pwd = required(sdp, section, "ice-pwd", role + " has no a=ice-pwd (expected: " + ICE_EXPECTED + ")");
        if (!isIceChars(ufrag.attributeValue(), 4)) {
            throw SdpException.atLine(ufrag, "has a bad ICE ufrag", "4 to 256 " + ICE_CHARS + " (RFC 8839 §5.4)");
        }
        if (!isIceChars(pwd.attributeValue(), 22)) {
            throw SdpException.atLine(pwd, "has a bad ICE pwd", "22 to 256 " + ICE_CHARS + " (RFC 8839 §5.4)");
        }
        try {
            return new IceCredentials(ufrag.attributeValue(), pwd.attributeValue());
        } catch (IllegalArgumentException e) {
            throw SdpException.atLine(ufrag, "has ICE credentials that were refused", "4 to 256 and 22 to 256 " + ICE_CHARS);
        }
    }

    private static boolean isIceChars(String s, int minLength) {
        if (s == null || s.length() < minLength || s.length() > 256) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    /** The sha-256 fingerprint; media-level fingerprints replace session-level ones (RFC 8122 §5). */
    private static Fingerprint fingerprint(SessionDescription sdp, MediaSection section, String role) throws SdpException {
        List<SdpLine> lines = section.attributes("fingerprint");
        if (lines.isEmpty()) {
            lines = sdp.attributes("fingerprint");
        }
        if (lines.isEmpty()) {
            throw new SdpException(role + " has no a=fingerprint (expected: " + FINGERPRINT_EXPECTED + ", at media or session level)");
        }
        List<String> seen = new ArrayList<>();
        for (SdpLine line : lines) {
            String[] f = SessionDescription.fields(line.attributeValue());
            String algorithm = f.length > 0 ? f[0] : "";
            if (!algorithm.equalsIgnoreCase("sha-256")) {
                seen.add(SdpException.quote(algorithm));
                continue;
            }
            String hex = f.length > 1 ? f[1] : "";
            int bytes = hex.isEmpty() ? 0 : hex.split(":", -1).length;
            if (bytes != 32) {
                throw SdpException.atLine(line, "has a sha-256 fingerprint of " + bytes + " bytes", FINGERPRINT_EXPECTED);
            }
            try {
                return Fingerprint.parse(line.attributeValue());
            } catch (IllegalArgumentException e) {
                throw SdpException.atLine(line, "has a bad fingerprint", FINGERPRINT_EXPECTED);
            }
        }
        throw new SdpException(role + " has no sha-256 fingerprint, only " + String.join(", ", seen)
                + " (expected: " + FINGERPRINT_EXPECTED + ")");
    }

    private static Setup setup(SdpLine line) throws SdpException {
        switch (line.attributeValue().strip().toLowerCase(Locale.ROOT)) {
            case "actpass":
                return Setup.ACTPASS;
            case "active":
                return Setup.ACTIVE;
            case "passive":
                return Setup.PASSIVE;
            default:
                throw SdpException.atLine(line, "has an unknown or unusable DTLS role", "a=setup:actpass, active or passive (RFC 4145 §4)");
        }
    }

    /** The media-level direction, else the session-level one, else sendrecv (RFC 8866 §6.7). Inactive is refused. */
    private static Direction direction(SessionDescription sdp, MediaSection section) throws SdpException {
        SdpLine line = directionLine(section.lines());
        if (line == null) {
            line = directionLine(sdp.sessionLines());
        }
        if (line == null) {
            return Direction.SENDRECV;
        }
        Direction direction = Direction.valueOf(line.value().toUpperCase(Locale.ROOT));
        if (direction == Direction.INACTIVE) {
            throw SdpException.atLine(line, "makes the audio section inactive", "a=sendrecv, a=sendonly or a=recvonly");
        }
        return direction;
    }

    private static SdpLine directionLine(List<SdpLine> lines) throws SdpException {
        SdpLine found = null;
        for (SdpLine line : lines) {
            if (line.type() == 'a' && isDirection(line.value())) {
                if (found != null) {
                    throw SdpException.atLine(line, "is a second direction attribute", "one of sendrecv, sendonly, recvonly, inactive");
                }
                found = line;
            }
        }
        return found;
    }

    private static boolean isDirection(String value) {
        return value.equals("sendrecv") || value.equals("sendonly") || value.equals("recvonly") || value.equals("inactive");
    }

    /** The first {@code a=ssrc:<ssrc> <attribute>} (RFC 5576 §4.1), or -1; every one is checked. */
    private static long ssrc(MediaSection section) throws SdpException {
        long first = -1;
        for (SdpLine line : section.attributes("ssrc")) {
            String[] f = SessionDescription.fields(line.attributeValue());
            if (f.length == 0 || !SessionDescription.isDigits(f[0], 10) || Long.parseLong(f[0]) > MAX_SSRC) {
                throw SdpException.atLine(line, "has a bad SSRC", "a=ssrc:<0..4294967295> <attribute>");
            }
            if (first < 0) {
                first = Long.parseLong(f[0]);
            }
        }
        return first;
    }

    /** {@code a=extmap:<id>[/<direction>] <uri>} (RFC 8285 §8), media level over session level; id → URI in order. */
    private static Map<Integer, String> extensions(SessionDescription sdp, MediaSection section) throws SdpException {
        Map<Integer, String> map = new LinkedHashMap<>();
        readExtensions(section.attributes("extmap"), map, true);
        readExtensions(sdp.attributes("extmap"), map, false);
        return Collections.unmodifiableMap(map);
    }

    private static void readExtensions(List<SdpLine> lines, Map<Integer, String> map, boolean mediaLevel) throws SdpException {
        Map<Integer, String> level = new LinkedHashMap<>();
        for (SdpLine line : lines) {
            String[] f = SessionDescription.fields(line.attributeValue());
            String idText = f.length > 0 ? f[0] : "";
            int slash = idText.indexOf('/');
            if (slash >= 0) {
                if (!isDirection(idText.substring(slash + 1))) {
                    throw SdpException.atLine(line, "has a bad direction", "a=extmap:<id>[/sendrecv|sendonly|recvonly|inactive] <uri>");
                }
                idText = idText.substring(0, slash);
            }
            if (f.length < 2 || !SessionDescription.isDigits(idText, 3) || Integer.parseInt(idText) < 1 || Integer.parseInt(idText) > 255) {
                throw SdpException.atLine(line, "is not a header extension map", "a=extmap:<id 1..255>[/<direction>] <uri> (RFC 8285 §8)");
            }
            int id = Integer.parseInt(idText);
            if (level.put(id, f[1]) != null) {
                throw SdpException.atLine(line, "maps extension id " + id + " a second time", "each id once per media section");
            }
        }
        for (Map.Entry<Integer, String> entry : level.entrySet()) {
            if (mediaLevel) {
                map.put(entry.getKey(), entry.getValue());
            } else {
                map.putIfAbsent(entry.getKey(), entry.getValue());
            }
        }
    }

    /** Opus's {@code a=fmtp:<pt> key=value;...} (RFC 7587 §6.1) as an ordered map; empty when absent. */
    private static Map<String, String> fmtp(MediaSection section, int pt) {
        Map<String, String> params = new LinkedHashMap<>();
        String prefix = pt + " ";
        for (SdpLine line : section.attributes("fmtp")) {
            String value = line.attributeValue();
            if (!value.startsWith(prefix)) {
                continue;
            }
            for (String param : value.substring(prefix.length()).split(";")) {
                String p = param.strip();
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                params.putIfAbsent(eq < 0 ? p : p.substring(0, eq).strip(), eq < 0 ? "" : p.substring(eq + 1).strip());
            }
            break;
        }
        return Collections.unmodifiableMap(params);
    }

    private static boolean inBundleGroup(SessionDescription sdp, String mid) {
        for (SdpLine group : sdp.attributes("group")) {
            String[] f = SessionDescription.fields(group.attributeValue());
            if (f.length > 1 && f[0].equals("BUNDLE")) {
                for (int i = 1; i < f.length; i++) {
                    if (f[i].equals(mid)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private record Candidate(long priority, InetSocketAddress address) {
    }

    /**
     * {@code a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...} (RFC 8839 §5.1).
     * Returns null for what the Java client cannot use: other components, non-UDP, non-host, or names (mDNS, DNS) which
     * would need a lookup.
     */
    private static Candidate candidate(SdpLine line) throws SdpException {
        String[] f = SessionDescription.fields(line.attributeValue());
        String expected = "a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> (RFC 8839 §5.1)";
        if (f.length < 8 || !f[6].equals("typ") || !SessionDescription.isDigits(f[1], 3) || !SessionDescription.isDigits(f[3], 10)
                || Long.parseLong(f[3]) > MAX_SSRC) {
            throw SdpException.atLine(line, "is not a candidate", expected);
        }
        if (!SessionDescription.isDigits(f[5], 5) || Integer.parseInt(f[5]) > 65535) {
            throw SdpException.atLine(line, "has a bad port", "0..65535");
        }
        if (!f[1].equals("1") || !f[2].equalsIgnoreCase("udp") || !f[7].equals("host")) {
            return null;
        }
        InetAddress address = ipLiteral(f[4]);
        if (address == null) {
            return null;
        }
        return new Candidate(Long.parseLong(f[3]), new InetSocketAddress(address, Integer.parseInt(f[5])));
    }

    /** An IPv4 or IPv6 literal as an address, or null; never a DNS lookup. */
    static InetAddress ipLiteral(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return null;
        }
        try {
            if (text.indexOf(':') >= 0) {
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                        return null;
                    }
                }
                // A string with ':' is only ever parsed as an IPv6 literal, never looked up.
                return InetAddress.getByName(text);
            }
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (!SessionDescription.isDigits(parts[i], 3) || Integer.parseInt(parts[i]) > 255) {
                    return null;
                }
                bytes[i] = (byte) Integer.parseInt(parts[i]);
            }
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean sends(Direction direction) {
        return direction == Direction.SENDRECV || direction == Direction.SENDONLY;
    }

    private static boolean receives(Direction direction) {
        return direction == Direction.SENDRECV || direction == Direction.RECVONLY;
    }

    /** Collects lines and joins them with CRLF. */
    private static final class Lines {
        private final StringBuilder text = new StringBuilder(1024);

        void add(String line) {
            text.append(line).append("\r\n");
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
